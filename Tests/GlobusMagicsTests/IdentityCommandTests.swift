import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

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
            // Compact: one line per resource server, four columns, no line wider than a console.
            let lines = text.split(separator: "\n")
            #expect(lines[1] == "Identity: b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01", "\(text)")
            #expect(lines[2].hasPrefix("resource server") && lines[2].hasSuffix("| expires | refresh"), "\(text)")
            #expect(lines.dropFirst().allSatisfy { $0.count <= 110 }, "\(text)")
            #expect(text.contains("…") && text.hasSuffix("%globus tokens --full shows them whole."))
            let full = try await nb.run("%globus tokens --full").1.results.last?["text/plain"]?.string ?? ""
            #expect(!full.contains("…") && full.contains("urn:globus:auth:scope:transfer.api.globus.org:all"))
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
