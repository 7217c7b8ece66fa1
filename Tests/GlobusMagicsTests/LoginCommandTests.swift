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
