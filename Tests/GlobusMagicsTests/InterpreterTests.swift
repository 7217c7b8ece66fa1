import JSON
import JupyterKernel
import PropertyBased
import Testing
@testable import GlobusMagics
import GlobusSDK

@Suite struct InterpreterTests {
    let interp = GlobusInterpreter(settings: .test(["HOME": "/nonexistent-home"]))

    func run(_ code: String, _ out: RecordingOutput = RecordingOutput(), stdin: Bool = true) -> (ExecutionOutcome, RecordingOutput) {
        let r = interp.execute(code, context: ExecutionContext(executionCount: 1, allowStdin: stdin), output: out)
        return (r, out)
    }

    @Test func echoAndStderr() {
        let (r, o) = run("%echo hello,   world\n%echo --stderr oops")
        #expect(r == .ok())
        #expect(o.stdout == "hello, world\n")
        #expect(o.stderr == "oops\n")
    }

    @Test func lastValueIsTheResultEarlierOnesAreDisplayed() {
        let (_, o) = run("%env T_A=1\n%env T_A\n%env T_A")
        #expect(o.displays.count == 1 && o.results.count == 1)
        #expect(o.results[0]["text/plain"] == "1")
    }

    @Test func stopsAtTheFirstError() {
        let (r, o) = run("%echo one\n%bogus\n%echo two")
        guard case .error(let e) = r else { Issue.record("expected an error"); return }
        #expect(e.ename == "UsageError")
        #expect(e.evalue.contains("unknown command '%bogus'"))
        #expect(e.evalue.contains("%echo"))
        #expect(o.stdout == "one\n")
    }

    @Test func nonCommandsExplainWhatIsUnderstood() {
        guard case .error(let e) = run("print('hi')").0 else { Issue.record("expected an error"); return }
        #expect(e.evalue.contains("is not a command"))
        #expect(e.traceback.last!.contains("%help"))
    }

    @Test func unknownOptionsAndMissingValues() {
        guard case .error(let e) = run("%echo --loud x").0 else { Issue.record("expected an error"); return }
        #expect(e.evalue == "echo: unknown option '--loud'")
        #expect(e.traceback.contains("See '%help echo' for usage."))
    }

    @Test func envAskUsesAPasswordPromptAndHidesTheValue() {
        let out = RecordingOutput()
        out.answers = ["hunter2"]
        let (r, o) = run("%env T_SECRET_TOKEN --ask", out)
        #expect(r == .ok())
        #expect(o.prompts.count == 1 && o.prompts[0].1 == true)
        #expect(!o.stdout.contains("hunter2"))
        #expect(interp.environment["T_SECRET_TOKEN"] == "hunter2")
        let (_, shown) = run("%env T_SECRET_TOKEN\n%env")
        #expect(!"\(shown.results) \(shown.displays)".contains("hunter2"))
        let (_, set) = run("%env T_PASSWORD=abc")
        #expect(set.stdout == "env: T_PASSWORD=<hidden>\n")
    }

    @Test func envAskWithoutStdinIsAClearError() {
        let out = RecordingOutput()
        out.allowInput = false
        guard case .error(let e) = run("%env X --ask", out).0 else { Issue.record("expected an error"); return }
        #expect(e.ename == "StdinNotAllowed")
    }

    @Test func variablesExpandFromTheKernelEnvironment() {
        _ = run("%env T_WHO=world")
        #expect(run("%echo hello $T_WHO ${T_WHO}!").1.stdout == "hello world world!\n")
    }

    @Test func sleepIsInterruptible() {
        let out = RecordingOutput()
        out.interrupted = true
        #expect(run("%sleep 5", out).0 == .error(.interrupted))
    }

    @Test func helpPayloadAndHelpDisplay() {
        guard case .ok(let payload) = run("%echo?").0 else { Issue.record("expected ok"); return }
        #expect(payload.count == 1 && payload[0]["source"] == "page")
        // Examples first, then the usage, as every command's help (the everyday ones and %globus's alike).
        let text = payload[0]["data"]?["text/plain"]?.string ?? ""
        #expect(text.hasPrefix("Examples:\n  %echo hello, world") && text.contains("\nUsage: %echo [TEXT…] [--stderr]\n"), "\(text)")
        #expect(text.contains("  --stderr") && text.hasSuffix("Quotes and $NAME expansion work as in a shell."), "\(text)")
        let (_, o) = run("%help")
        #expect(o.displays[0]["text/markdown"] != nil && o.displays[0]["text/html"] != nil)
    }

    @Test func timeReportsWallTimeAndPassesTheValueThrough() {
        let (_, o) = run("%env T_V=7\n%time %env T_V")
        #expect(o.stdout.contains("Wall time: "))
        #expect(o.results[0]["text/plain"] == "7")
        let (r, timed) = run("%time %echo --stderr timed")
        #expect(r == .ok())
        #expect(timed.stderr == "timed\n")
    }

    @Test func completion() {
        #expect(interp.complete("%e", cursor: 2) == Completion(matches: ["%echo", "%env"], start: 0, end: 2))
        #expect(interp.complete("%echo --s", cursor: 9).matches == ["--stderr"])
        #expect(interp.complete("%help sl", cursor: 8) == Completion(matches: ["sleep"], start: 6, end: 8))
        let code = "%echo é😀\n%cl"
        let n = code.unicodeScalars.count
        #expect(interp.complete(code, cursor: n) == Completion(matches: ["%clear"], start: n - 3, end: n))
        #expect(interp.complete("", cursor: 0).matches.count == interp.registry.all.count)
    }

    @Test func isComplete() {
        #expect(interp.isComplete("%echo hi") == .complete)
        #expect(interp.isComplete("") == .complete)
        #expect(interp.isComplete("%echo 'open") == .incomplete(indent: ""))
        #expect(interp.isComplete("%echo a \\") == .incomplete(indent: ""))
        #expect(interp.isComplete("%%%") == .invalid)
        #expect(interp.isComplete("hello") == .invalid)
        #expect(interp.isComplete("%echo?") == .complete)
    }

    @Test func inspectFindsTheCommandUnderTheCursor() {
        let found = interp.inspect("%echo hi\n%env X", cursor: 12, detailLevel: 0)
        #expect(found?.data["text/plain"]?.string?.contains("\nUsage: %env [NAME[=VALUE]") == true)
        #expect(interp.inspect("blah", cursor: 2, detailLevel: 0) == nil)
    }

    @Test func formatsDurations() {
        #expect(formatMilliseconds(0.25) == "250 µs")
        #expect(formatMilliseconds(3.14159) == "3.14 ms")
        #expect(formatMilliseconds(42.06) == "42.1 ms")
        #expect(formatMilliseconds(1500) == "1.50 s")
    }

    @Test func secretLookingNames() {
        for n in ["GLOBUS_CLIENT_SECRET", "ACCESS_TOKEN", "DB_PASSWORD", "API_KEY", "SSH_KEY", "aws_secret_access_key"] { #expect(looksSecret(n)) }
        for n in ["GLOBUS_SDK_ENVIRONMENT", "HOME", "KEYBOARD", "MONKEY_BUSINESS", "", "K", "_KEY_"] { #expect(!looksSecret(n)) }
        #expect(looksSecret("key") && looksSecret("Key_Vault") && looksSecret("my_Key"))
    }

    /// The byte-level check agrees with the plain reading of the rule (`uppercased`, `contains`)
    /// on names made of the rule's own letters, where near-misses are common.
    @Test func secretLookingNamesAgreeWithThePlainRule() {
        func plain(_ name: String) -> Bool {
            let n = name.uppercased()
            return ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "APIKEY", "API_KEY"].contains { n.contains($0) }
                || n == "KEY" || n.hasSuffix("_KEY") || n.hasPrefix("KEY_")
        }
        let pieces = ["KEY", "key", "_", "TOK", "EN", "ken", "SECR", "et", "API", "Pass", "WD", "word", "PRIV", "ate", "CREDENTIAL", "X", "é", "ß"]
        var rng = Xoshiro(seed: (7, 0x9E37_79B9_7F4A_7C15, 1, 2))
        var secret = 0
        for _ in 0..<20_000 {
            let name = (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(looksSecret(name) == plain(name), "\(name)")
            if plain(name) { secret += 1 }
        }
        #expect(secret > 1_000 && secret < 19_000)  // both answers were drawn often
    }
}
