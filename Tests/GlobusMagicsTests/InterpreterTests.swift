import JSON
import JupyterKernel
import Testing
@testable import GlobusMagics
import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

/// Records what a cell sends, like a frontend would see it.
final class RecordingOutput: OutputSink, @unchecked Sendable {
    var stdout = "", stderr = ""
    var displays: [MimeBundle] = []
    var updates: [String] = []
    var results: [MimeBundle] = []
    var clears = 0
    var answers: [String] = []
    var prompts: [(String, Bool)] = []
    var allowInput = true
    var interrupted = false
    /// Answers input requests when set (after `answers` runs out): what a person would type.
    var person: ((RecordingOutput) -> String)?

    func stream(_ name: StreamName, _ text: String) { if name == .stdout { stdout += text } else { stderr += text } }
    func display(_ data: MimeBundle, metadata: JSON, displayID: String?) { displays.append(data) }
    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String) { updates.append(displayID); updated.append(data) }
    var updated: [MimeBundle] = []

    /// Everything a person reads: streams and the text of displays, updates and results.
    var text: String {
        ([stdout, stderr] + (displays + updated + results).compactMap { $0["text/plain"]?.string }).joined(separator: "\n")
    }

    /// The last sign-in link shown.
    var signInURL: String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).last { $0.hasPrefix("http") && $0.contains("/authorize?") }.map(String.init)
    }
    func result(_ data: MimeBundle, metadata: JSON) { results.append(data) }
    func clearOutput(wait: Bool) { clears += 1 }
    func input(prompt: String, password: Bool) throws(InputError) -> String {
        guard allowInput else { throw .notAllowed }
        prompts.append((prompt, password))
        if answers.isEmpty, let person { return person(self) }
        guard !answers.isEmpty else { throw .endOfFile }
        return answers.removeFirst()
    }
    func flush() {}
    var isInterrupted: Bool { interrupted }
    var interruptionCheck: @Sendable () -> Bool { { false } }
}

@Suite struct ShellWordsTests {
    let env: (String) -> String? = { ["HOME": "/home/u", "EMPTY": ""][$0] }

    @Test func quotingAndEscapes() throws {
        #expect(try ShellWords.split(#"a 'b c' "d e" f\ g"#, environment: env) == ["a", "b c", "d e", "f g"])
        #expect(try ShellWords.split(#"'it''s' "say \"hi\"""#, environment: env) == ["its", #"say "hi""#])
        #expect(try ShellWords.split("  ", environment: env) == [])
        #expect(try ShellWords.split("''", environment: env) == [""])
    }

    @Test func expandsVariablesExceptInSingleQuotes() throws {
        #expect(try ShellWords.split(#"$HOME "${HOME}/x" '$HOME' \$HOME $NOPE. $"#, environment: env)
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

@Suite struct InterpreterTests {
    let interp = GlobusInterpreter(variables: ["HOME": "/nonexistent-home"])

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
        #expect(payload[0]["data"]?["text/plain"]?.string?.hasPrefix("Usage: %echo") == true)
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
        #expect(found?.data["text/plain"]?.string?.hasPrefix("Usage: %env") == true)
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
        for n in ["GLOBUS_SDK_ENVIRONMENT", "HOME", "KEYBOARD", "MONKEY_BUSINESS"] { #expect(!looksSecret(n)) }
    }
}

@Suite struct ArgumentTests {
    static let query = Option<String>("-Q", "--query-param", value: "K=V", help: "")
    static let format = Option<OutputFormat>("--format", "-F", value: "FORMAT", help: "")
    static let location = Flag("-L", "--location", help: "")
    let spec = ArgumentSpec([query, format, location])

    @Test func aliasesAreReadBackThroughTheDeclaredKey() throws {
        let a = try spec.parse(["--query-param", "a=1", "-Q", "b=2", "-F", "table", "--location", "x"], command: "t")
        #expect(a.all(Self.query) == ["a=1", "b=2"])
        #expect(a[Self.format] == .table)
        #expect(a[Self.location])
        #expect(a.positionals == ["x"])
        // Whichever spelling was typed, the key declared with it finds it (the old `-L` bug).
        #expect(try spec.parse(["-L"], command: "t")[Self.location])
        #expect(try spec.parse(["--format=json"], command: "t")[Self.format] == .json)
        #expect(try spec.parse([], command: "t")[Self.format] == nil)
    }

    @Test func badValuesAreRefusedWithTheChoices() {
        #expect(throws: MagicError.self) { try spec.parse(["--format", "xml"], command: "t") }
        #expect(throws: MagicError.self) { try spec.parse(["-Q"], command: "t") }
        #expect(throws: MagicError.self) { try spec.parse(["--location=1"], command: "t") }
        #expect(spec.option(named: "-F")?.choices == OutputFormat.allCases.map(\.rawValue))
    }
}

@Suite struct RenderingTests {
    let listing: JSON = ["DATA_TYPE": "file_list", "DATA": [["DATA_TYPE": "file", "name": "a.txt", "size": 4, "type": "file"],
                                                            ["DATA_TYPE": "file", "name": "data", "size": 4096, "type": "dir"]]]

    @Test func listingsGetATableTreeAndStableText() {
        let b = Rendering.bundle(for: listing, format: .auto)
        #expect(b["application/json"] == listing)
        #expect(b["text/plain"]?.string?.hasPrefix("{\n  \"DATA\": [") == true)   // sorted keys
        let html = b["text/html"]?.string ?? ""
        #expect(html.contains("<th>name</th>") && html.contains("<td>data</td>") && !html.contains("DATA_TYPE"))
    }

    @Test func asciiTableColumnsLineUp() {
        let text = Rendering.asciiTable(listing)!
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "name  | type | size")
        #expect(lines[1] == "------+------+-----")
        #expect(lines[2] == "a.txt | file | 4")
        #expect(lines[3] == "data  | dir  | 4096")
    }

    @Test func errorsCarryTheRemedyAndNeverTheToken() {
        let body = #"{"code":"ConsentRequired","message":"Missing required data_access consent","request_id":"r1","required_scopes":["urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]"]}"#
        let e = GlobusAPIError(method: "GET", url: "https://transfer.api.globus.org/v0.10/operation/endpoint/c1/ls", status: 403,
                               headers: [("content-type", "application/json")], body: Array(body.utf8))
        let x = Rendering.error(.api(e))
        #expect(x.ename == "GlobusAPIError")
        #expect(x.evalue == "403 ConsentRequired: Missing required data_access consent")
        #expect(x.traceback.last == "  %globus login --scope 'urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]'")
        #expect(x.traceback.contains("  request id: r1"))
        let session = Rendering.loginCommand(for: AuthorizationParameters(sessionRequiredSingleDomain: ["anl.gov"], sessionRequiredMFA: true))
        #expect(session == "%globus login --session-domain anl.gov --mfa")
    }
}
