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

@Suite struct LoginCommandTests {
    @Test func pastedCodeLogsInAndSaysWho() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login")
            #expect(r == .ok())
            #expect(o.prompts.count == 1 && o.prompts[0].1, "the code is asked for as hidden input")
            // The used link is cleared, and the confirmation is a display of its own (shown once,
            // also by frontends that ignore updates, such as jupyter console).
            #expect(o.updated.last?["text/plain"]?.string == "")
            #expect(o.displays.last?["text/plain"]?.string == "Logged in as alice@uchicago.edu (Alice Researcher) via University of Chicago")
            #expect(o.text.components(separatedBy: "Logged in as").count == 2)
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
            let code = await nb.sim.approve(shown.signInURL ?? o.signInURL!)
            let (finished, done) = try await nb.run("%globus login --code \(code)", stdin: false)
            #expect(done.displays.last?["text/plain"]?.string?.hasPrefix("Logged in as alice@uchicago.edu") == true, "\(finished) \(done.text)")
        }
    }

    @Test func pastedCodesAreCleanedAndLinksExplained() async throws {
        try await withNotebook { nb in
            // Quotes, spaces and a trailing newline around the code are stripped.
            let (r1, o1) = try await nb.run("%globus login --force", pasting: { "  \"\($0)\"\n" })
            #expect(r1 == .ok(), "\(o1.text)")
            // The redirect link with the code in it works as the code.
            let (r2, o2) = try await nb.run("%globus login --force", pasting: { "https://auth.globus.org/v2/web/auth-code?code=\($0)&state=_default" })
            #expect(r2 == .ok(), "\(o2.text)")
            // The sign-in link itself is answered with where the code is, and asked again.
            let (r3, o3) = try await nb.run("%globus login --force", answers: ["https://auth.globus.org/v2/oauth2/authorize?client_id=x", ""])
            #expect(r3 == .ok() && o3.prompts.count == 3, "\(o3.text)")
            #expect(o3.prompts[1].0.hasPrefix("That is the sign-in link, not the code") && o3.prompts[2].0.hasPrefix("Nothing was pasted"))
            let allHidden = o3.prompts.allSatisfy { $0.1 }
            #expect(allHidden, "every attempt is hidden input")
        }
    }

    @Test func loginMistakesAreNamedWithTheCommandThatFixesThem() async throws {
        try await withNotebook { nb in
            // A mistyped code.
            let wrong = try await nb.failure("%globus login", answers: ["not-a-real-code"])
            #expect(wrong?.ename == "LoginError" && wrong?.evalue.contains("mistyped, expired") == true, "\(String(describing: wrong))")
            #expect(wrong?.traceback.last == "  %globus login")
            // A code used twice: Globus says so, and the error does too.
            var used = ""
            _ = try await nb.run(
                "%globus login",
                pasting: {
                    used = $0; return $0
                })
            let twice = try await nb.failure("%globus login --force", answers: [used])
            #expect(twice?.ename == "LoginError" && twice?.evalue == "That Authorization Code was already used (each code works once)")
            // Ctrl-C at the prompt.
            let cancelled = try await nb.failure("%globus login --force", answers: [RecordingOutput.ctrlC])
            #expect(cancelled?.ename == "KeyboardInterrupt" && cancelled?.traceback.last == "  %globus login")
            // Nothing pasted, again and again.
            let nothing = try await nb.failure("%globus login --force", answers: ["", " ", "\n"])
            #expect(nothing?.evalue.hasSuffix("run: %globus login") == true)
            // No network when the code is exchanged.
            await nb.sim.admin("faults", #"{"fault": "drop@/auth/v2/oauth2/token"}"#)
            let offline = try await nb.failure("%globus login --force")
            #expect(offline?.ename == "NetworkError" && offline?.traceback.last == "  %globus login", "\(String(describing: offline))")
            // The login that worked is still there.
            await nb.sim.admin("faults-clear")
            let after = try await nb.run("%globus whoami").1.text
            #expect(after.contains("\nalice@uchicago.edu\nName:"), "\(after)")
        }
    }

    @Test(arguments: [
        ("abc123", AuthorizationCodeInput.code("abc123")), ("  'abc123'\n", .code("abc123")), ("\u{201C}abc123\u{201D}", .code("abc123")),
        ("`abc123`\r\n", .code("abc123")), ("http://localhost:8080/cb?state=s&code=ab%2Bc", .code("ab+c")), ("\"\" ", .empty),
        ("https://auth.globus.org/v2/oauth2/authorize?client_id=x&scope=openid", .signInLink)
    ])
    func pastedTextBecomesACode(_ typed: String, _ expected: AuthorizationCodeInput) {
        #expect(AuthorizationCodeInput(typed) == expected)
    }

    @Test func aClientGlobusDoesNotKnowIsAConfigurationToFix() throws {
        let pending = PendingLogin(authorizeURL: "https://auth.globus.org/v2/oauth2/authorize", pkce: nil, redirectURI: "x", scopes: [], parameters: nil)
        let answer = GlobusAPIError(
            method: "POST", url: "https://auth.globus.org/v2/oauth2/token", status: 401, headers: [("content-type", "application/json")],
            body: Array(#"{"error": "invalid_client"}"#.utf8))
        let e = ErrorRendering.globus(GlobusApp.loginFailure(.api(answer), clientID: "0000-unknown", pending: pending))
        #expect(e.ename == "ConfigurationError" && e.evalue.contains("does not know the client id '0000-unknown'"))
        #expect(e.traceback.last?.contains("%env GLOBUS_CLIENT_ID=") == true, "\(e.traceback)")
        let expired = GlobusAPIError(
            method: "POST", url: "https://auth.globus.org/v2/oauth2/token", status: 401, headers: [("content-type", "application/json")],
            body: Array(#"{"error": "invalid_grant", "error_description": "Authorization code expired"}"#.utf8))
        #expect(
            ErrorRendering.globus(GlobusApp.loginFailure(.api(expired), clientID: "c", pending: pending)).evalue
                == "That Authorization Code has expired (a code lasts 10 minutes)")
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
