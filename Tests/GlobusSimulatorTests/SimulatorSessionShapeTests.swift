import Support
import JSON
import Testing
@testable import GlobusSimulator

/// Globus Auth's shapes the session commands rely on, taken from the real id_token fixture and
/// the Python SDK (introspection is on `ConfidentialAppAuthClient` only).
@Suite struct SimulatorSessionShapeTests {
    @Test func onlyAnAuthenticatedConfidentialClientMayIntrospect() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid urn:globus:auth:scope:transfer.api.globus.org:all")
        let access = try #require(token(t, for: "transfer.api.globus.org"))
        let publicClient = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token/introspect",
                body: Array(FormCoding.encode([("token", access), ("client_id", tutorial)]).utf8)))
        #expect(publicClient.status == 401)
        let c = SimClient.defaults[1]
        let basic = "Basic " + Base64.encode(Array("\(c.id):\(c.secret!)".utf8))
        let confidential = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token/introspect",
                headers: ["authorization": basic, "content-type": "application/x-www-form-urlencoded"],
                body: Array(FormCoding.encode([("token", access), ("include", "session_info")]).utf8)))
        let info = try JSON.parse(confidential.body)
        #expect(confidential.status == 200 && info["active"] == true)
        #expect(info["session_info"]?["authentications"]?.object?.keys.first == info["sub"]?.string)
    }

    @Test func identitySetEntriesHaveTheRealKeysAndOnlyTheSessionsIdentityHasAnAuthenticationTime() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid profile email urn:globus:auth:scope:auth.globus.org:view_identity_set", identity: "alice@anl.gov")
        let (status, info) = await get(sim, "/auth/v2/oauth2/userinfo", token: t["access_token"]?.string)
        #expect(status == 200)
        let set = try #require(info["identity_set"]?.array)
        // The keys of an identity_set entry in the real Globus Auth id_token (../shared/fixtures).
        let realKeys: Set = ["sub", "organization", "name", "username", "identity_provider", "identity_provider_display_name", "email", "last_authentication"]
        #expect(set.allSatisfy { Set($0.object?.keys ?? []) == realKeys })
        #expect(set.map { $0["username"]?.string } == ["alice@uchicago.edu", "alice@anl.gov"])
        #expect(set[0]["last_authentication"] == .null && set[1]["last_authentication"]?.int != nil)
        // The id_token carries the same identity set.
        let payload = try #require(t["id_token"]?.string?.split(separator: ".").dropFirst().first)
        let claims = try JSON.parse(Array(try #require(Base64.decode(String(payload)))))
        #expect(claims["identity_set"]?.array?.allSatisfy { Set($0.object?.keys ?? []) == realKeys } == true)
        #expect(claims["identity_provider"]?.string != nil)
    }
}
