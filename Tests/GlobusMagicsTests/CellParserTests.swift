import JSON
import JupyterKernel
import Testing
@testable import GlobusMagics
import GlobusSDK

@Suite struct CellParserTests {
    @Test func splitsLinesSkippingBlanksAndComments() {
        let c = CellParser.commands("%echo a\n\n# note\n  %echo b  \n")
        #expect(c.map(\.line) == ["%echo a", "%echo b"])
    }

    @Test func joinsContinuationsAndOpenQuotes() {
        #expect(CellParser.commands("%echo a \\\n  b").map(\.line) == ["%echo a   b"])
        #expect(CellParser.commands("%echo 'x\ny'\n%echo z").map(\.line) == ["%echo 'x\ny'", "%echo z"])
    }

    @Test func cellMagicTakesTheBody() {
        let c = CellParser.commands("%%echo --x\n{\"a\": 1}\n")
        #expect(c == [Command(line: "%echo --x", body: "{\"a\": 1}\n")])
    }

    @Test func helpForms() {
        #expect(CellParser.commands("%echo?")[0].kind == .help(level: 1))
        #expect(CellParser.commands("?%echo")[0].kind == .help(level: 1))
        #expect(CellParser.commands("%echo??")[0].kind == .help(level: 2))
        #expect(CellParser.commands("%echo what?")[0].kind == .run)
    }
}
