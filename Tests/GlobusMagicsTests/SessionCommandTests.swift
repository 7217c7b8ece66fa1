import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

/// `%globus session show`: who is in the session and when, read from userinfo's identity set as
/// Globus Auth gives it to a native app (which may not introspect tokens).
@Suite struct SessionCommandTests {
    @Test func showsTheIdentitiesInTheSessionAndWhenTheyAuthenticated() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus session show --as s")
            #expect(r == .ok(), "\(o.text)")
            let text = o.results.last?["text/plain"]?.string ?? ""
            #expect(text.hasPrefix("Logged in as alice@uchicago.edu\nIdentity"), "\(text)")
            let rows = text.split(separator: "\n").filter { $0.contains(" UTC") }
            #expect(rows.count == 1 && rows[0].hasPrefix("alice@uchicago.edu"), "\(text)")
            #expect(text.contains("MFA: Globus Auth does not tell native apps"), "\(text)")
            #expect(nb.kept("s")?["authentications"]?.array?.first?["username"] == "alice@uchicago.edu")
            // Signing in again with the linked identity puts that identity in the session.
            let (rr, relogin) = try await nb.run("%globus login --session-identity alice@anl.gov", as: "alice@anl.gov")
            #expect(rr == .ok(), "\(relogin.text)")
            let linked = try await nb.run("%globus session show").1.results.last?["text/plain"]?.string ?? ""
            let linkedRows = linked.split(separator: "\n").filter { $0.contains(" UTC") }
            #expect(linkedRows.count == 1 && linkedRows[0].hasPrefix("alice@anl.gov"), "\(linked) \(relogin.text)")
            // Only userinfo was asked, never token introspection (Globus refuses it from native apps).
            #expect(await !nb.sim.requestedPaths().contains { $0.hasSuffix("/token/introspect") })
            let stored = try JSONTokenStorage(path: nb.tokenFile).all()
            #expect(!stored.values.contains { o.text.contains($0.accessToken) })
            #expect(try await nb.failure("%globus session list")?.ename == "UsageError")
        }
    }
}
