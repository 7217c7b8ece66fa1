import JSON
import JupyterKernel
import Testing
@testable import GlobusMagics

/// `%globus vars set NAME=JSON`: a value typed (or injected by papermill) is kept with its JSON
/// type, for `@{NAME}` in later lines; the JSON is taken exactly as written.
@Suite struct VarsSetTests {
    let interp = GlobusInterpreter(settings: .test(["HOME": "/nonexistent-home", "GLOBUS_CLIENT_SECRET": "S3CR3T-value"]))

    func run(_ code: String) -> (ExecutionOutcome, RecordingOutput) {
        let out = RecordingOutput()
        return (interp.execute(code, context: ExecutionContext(executionCount: 1, allowStdin: false), output: out), out)
    }

    func kept(_ name: String) -> JSON? { (interp.registry["globus"] as? GlobusMagic)?.session.kept[name] }

    func error(_ code: String) -> ExecutionError? {
        if case .error(let e) = run(code).0 { return e }
        return nil
    }

    @Test func eachLineKeepsOneValueWithItsJSONType() {
        let (r, o) = run(
            """
            # Parameters
            %globus vars set label="nightly"
            %globus vars set count=9007199254740993
            %globus vars set ratio=0.1
            %globus vars set dry_run=false
            %globus vars set skip=null
            %globus vars set paths=["/~/a", "/~/b c"]
            %globus vars set options = {"sync": {"level": 3}, "notify": [true]}
            """)
        #expect(r == .ok(), "\(r)")
        #expect(kept("label") == "nightly")
        #expect(kept("count") == .int(9_007_199_254_740_993), "an integer beyond a double's 53 bits stays exact")
        #expect(kept("ratio") == .double(0.1))
        #expect(kept("dry_run") == .bool(false))
        #expect(kept("skip") == .null)
        #expect(kept("paths") == ["/~/a", "/~/b c"])
        #expect(kept("options") == ["sync": ["level": 3], "notify": [true]])
        #expect(o.stdout.contains("label = \"nightly\"\n") && o.stdout.contains("paths = [\"/~/a\",\"/~/b c\"]\n"), "each value is shown as kept")
    }

    @Test func theRestOfTheLineIsTakenAsTyped() {
        // Quotes, backslashes, `$NAME`, `@{…}`, `#` and two spaces are the string's, not the shell's.
        let text = "it's \"quoted\" \\ $HOME @{label} # not a comment  x\nline 2 ünï 🌍"
        var encoded: [UInt8] = []
        JSON.writeString(text, into: &encoded)
        let (r, _) = run("%globus vars set s=" + String(decoding: encoded, as: UTF8.self))
        #expect(r == .ok(), "\(r)")
        #expect(kept("s") == .string(text))
    }

    @Test func eachSetLineIsOneCommandWhateverQuotesItHolds() {
        // Read as shell text, `"${"}` would leave a double quote open and take in the next line.
        let (r, _) = run("%globus vars set d={\"a\": \"${\"}\n%globus vars set q=\"'\"\n%globus vars set e=\"x\"")
        #expect(r == .ok(), "\(r)")
        #expect(kept("d") == ["a": "${"] && kept("q") == "'" && kept("e") == "x")
        #expect(interp.isComplete("%globus vars set d={\"a\": \"${\"}") == .complete, "a console runs it, asking for no more")
        #expect(interp.isComplete("%globus vars set s=\"a\"\n%echo 'b") == .incomplete(indent: ""), "an open quote of another line still asks")
    }

    @Test func aValueSetIsUsedByLaterLines() {
        let (r, o) = run("%globus vars set paths=[\"/~/a\", \"/~/b\"]\n%globus vars set which=\"paths\"\n%globus vars @{which}")
        #expect(r == .ok(), "\(r)")
        #expect(o.results.last?["application/json"] == ["/~/a", "/~/b"], "@{which} named the kept list")
        #expect(error("%globus vars @{paths[1]}")?.evalue.contains("nothing is kept as '/~/b'") == true, "@{paths[1]} is its second item")
        _ = run("%globus vars set paths=[\"/~/x\"]")
        #expect(kept("paths") == ["/~/x"], "setting a name again replaces its value")
        let listing = run("%globus vars").1.results.last?["text/plain"]?.string ?? ""
        #expect(listing.contains("@{paths}") && listing.contains("@{which}"))
    }

    @Test func aParameterGoesIntoALaterCommand() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus vars set folders=[\"/~/data\"]\n%globus ls 'Globus Tutorial Collection 1':@{folders[0]}")
            #expect(r == .ok(), "\(r)")
            #expect(o.results.last?["text/plain"]?.string?.contains("results.csv") == true, "the listing of /~/data")
        }
    }

    @Test func badLinesAreNamedAndKeepNothing() {
        let unterminated = error("%globus vars set label=\"nightly")
        #expect(unterminated?.ename == "UsageError")
        #expect(unterminated?.evalue.contains("set label: \"nightly is not JSON (unterminated string") == true, "\(String(describing: unterminated))")
        let bare = error("%globus vars set label=nightly")
        #expect(bare?.evalue.contains("is not JSON") == true && bare?.evalue.contains("double quotes") == true)
        let badName = error("%globus vars set 2nd=1")
        #expect(badName?.ename == "UsageError" && badName?.evalue.contains("'2nd' is not a valid name") == true)
        #expect(error("%globus vars set my-label=1")?.evalue.contains("'my-label' is not a valid name") == true)
        #expect(error("%globus vars set label")?.evalue.contains("set takes NAME=JSON") == true)
        #expect(error("%globus vars set label=")?.evalue.contains("give a JSON value") == true)
        #expect(error("%globus vars set")?.evalue.contains("set takes NAME=JSON") == true)
        #expect(error("%globus vars 'set' label=1")?.evalue.contains("%globus vars set NAME=JSON") == true)
        let big = error("%globus vars set n={\"ids\": [1, -18446744073709551616], \"s\": \"99999999999999999999\"}")
        #expect(big?.evalue.contains("set n: -18446744073709551616 is beyond the 64-bit integers kept exactly") == true, "\(String(describing: big))")
        #expect(run("%globus vars set n=[-9223372036854775808, 1e300, \"123456789012345678901234\"]").0 == .ok(), "the 64-bit range, floats and digits in strings are fine")
        #expect(kept("label") == nil && kept("2nd") == nil)
    }

    @Test func secretsAreNotKept() {
        let token = error("%globus vars set t={\"access_token\": \"abc\"}")
        #expect(token?.ename == "UsageError" && token?.evalue.contains("vars set t: this value holds a token or secret") == true)
        let own = error("%globus vars set s=\"S3CR3T-value\"")
        #expect(own?.ename == "SecretError", "\(String(describing: own))")
        #expect(kept("t") == nil && kept("s") == nil)
    }

    @Test func helpShowsSetFirstAmongItsExamples() {
        let help = VarsCommand.helpText
        #expect(help.hasPrefix("Examples:"))
        #expect(help.contains("%globus vars set label=\"nightly\""))
        #expect(help.contains("Usage: %globus vars [NAME] | set NAME=JSON"))
    }
}
