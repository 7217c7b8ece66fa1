import JSON
import JupyterKernel
import Testing
@testable import GlobusMagics
import GlobusSDK

@Suite struct ShellWordsTests {
    let env: (String) -> String? = { ["HOME": "/home/u", "EMPTY": ""][$0] }

    @Test func quotingAndEscapes() throws {
        #expect(try ShellWords.split(#"a 'b c' "d e" f\ g"#, environment: env) == ["a", "b c", "d e", "f g"])
        #expect(try ShellWords.split(#"'it''s' "say \"hi\"""#, environment: env) == ["its", #"say "hi""#])
        #expect(try ShellWords.split("  ", environment: env) == [])
        #expect(try ShellWords.split("''", environment: env) == [""])
    }

    @Test func expandsVariablesExceptInSingleQuotes() throws {
        #expect(
            try ShellWords.split(#"$HOME "${HOME}/x" '$HOME' \$HOME $NOPE. $"#, environment: env)
                == ["/home/u", "/home/u/x", "$HOME", "$HOME", ".", "$"])
    }

    @Test func reportsUnterminatedInput() {
        #expect(throws: ShellWords.Failure.unterminatedQuote("'")) { try ShellWords.split("a 'b", environment: env) }
        #expect(throws: ShellWords.Failure.unterminatedQuote("\"")) { try ShellWords.split("a \"b", environment: env) }
        #expect(throws: ShellWords.Failure.trailingBackslash) { try ShellWords.split("a \\", environment: env) }
        #expect(throws: ShellWords.Failure.unterminatedBrace) { try ShellWords.split("${A", environment: env) }
    }

    @Test func quoteRoundTrips() throws {
        for w in ["plain", "with space", "it's", "", "urn:globus:auth:scope:transfer.api.globus.org:all[*x]"] {
            #expect(try ShellWords.split(ShellWords.quote(w), environment: env) == [w])
        }
    }
}
