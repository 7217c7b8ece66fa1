import Support
import JSON
import Testing
@testable import GlobusSimulator

let tutorial = "61338d24-54d5-408f-a10d-66c06b59f6d2"
let verifier = String(repeating: "v", count: 43)

func authorizeQuery(scope: String, extra: [(String, String)] = [], challenge: String? = pkceChallenge(verifier)) -> [(String, String)] {
    var q: [(String, String)] = [
        ("client_id", tutorial), ("redirect_uri", "http://localhost:8080/cb"), ("scope", scope),
        ("response_type", "code"), ("state", "s1"), ("access_type", "offline")
    ]
    if let challenge { q += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
    return q + extra
}

/// Logs in as `identity` and returns the token response.
func login(_ sim: Simulator, scope: String, identity: String = "alice@uchicago.edu", extra: [(String, String)] = []) async throws -> JSON {
    let approved = await sim.handle(
        SimRequest(
            method: "GET", path: "/auth/sim/approve",
            query: authorizeQuery(scope: scope, extra: extra) + [("identity", identity)],
            headers: ["accept": "application/json"]))
    return try await redeem(sim, code: try #require(try JSON.parse(approved.body)["code"]?.string))
}

/// Exchanges an authorization code (from `authorizeQuery`'s request) for the token response.
func redeem(_ sim: Simulator, code: String) async throws -> JSON {
    let form = FormCoding.encode([
        ("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
        ("code_verifier", verifier), ("redirect_uri", "http://localhost:8080/cb")
    ])
    let r = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token", body: Array(form.utf8)))
    #expect(r.status == 200)
    return try JSON.parse(r.body)
}

func get(_ sim: Simulator, _ path: String, token: String?, query: [(String, String)] = []) async -> (Int, JSON) {
    let r = await sim.handle(SimRequest(method: "GET", path: path, query: query, headers: token.map { ["authorization": "Bearer \($0)"] } ?? [:]))
    return (r.status, (try? JSON.parse(r.body)) ?? .null)
}

func token(_ response: JSON, for rs: String) -> String? {
    if response["resource_server"]?.string == rs { return response["access_token"]?.string }
    return response["other_tokens"]?.array?.first { $0["resource_server"]?.string == rs }?["access_token"]?.string
}

@Suite struct SimulatorAuthTests {
    @Test func loginIssuesOneTokenPerResourceServerWithRefreshAndIDToken() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid profile urn:globus:auth:scope:transfer.api.globus.org:all")
        #expect(t["resource_server"] == "auth.globus.org")
        #expect(t["scope"] == "openid profile")
        #expect(t["id_token"]?.string?.split(separator: ".").count == 3)
        #expect(t["refresh_token"]?.string != nil)
        #expect(t["expires_in"] == 172800)
        let other = try #require(t["other_tokens"]?.array?.first)
        #expect(other["resource_server"] == "transfer.api.globus.org")
        #expect(other["refresh_token"]?.string != nil)
        #expect(t["state"] == "s1")
    }

    @Test func pkceAndCodeRulesAreEnforced() async throws {
        let sim = try Simulator()
        // No code_challenge for a native client: refused at authorize.
        let noPKCE = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/v2/oauth2/authorize",
                query: authorizeQuery(scope: "openid", challenge: nil)))
        #expect(noPKCE.status == 400)
        // Wrong verifier, reused code, wrong redirect.
        let approved = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve",
                query: authorizeQuery(scope: "openid") + [("identity", "bob@globusid.org")],
                headers: ["accept": "application/json"]))
        let code = try #require(try JSON.parse(approved.body)["code"]?.string)
        func exchange(_ v: String, redirect: String = "http://localhost:8080/cb") async -> (Int, JSON) {
            let form = FormCoding.encode([
                ("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
                ("code_verifier", v), ("redirect_uri", redirect)
            ])
            let r = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token", body: Array(form.utf8)))
            return (r.status, (try? JSON.parse(r.body)) ?? .null)
        }
        #expect(await exchange(verifier, redirect: "http://localhost:9999/other").1["error"] == "invalid_grant")
        #expect(await exchange(String(repeating: "w", count: 43)).1["error"] == "invalid_grant")
        #expect(await exchange(verifier).0 == 200)
        let reused = await exchange(verifier)
        #expect(reused.0 == 401 && reused.1["error"] == "invalid_grant")
    }

    @Test func onlineAccessHasNoRefreshToken() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid", extra: [])
        #expect(t["refresh_token"] != nil)
        let approved = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve",
                query: authorizeQuery(scope: "openid").map { $0.0 == "access_type" ? ($0.0, "online") : $0 }
                    + [("identity", "alice@uchicago.edu")], headers: ["accept": "application/json"]))
        let code = try JSON.parse(approved.body)["code"]!.string!
        let form = FormCoding.encode([
            ("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
            ("code_verifier", verifier), ("redirect_uri", "http://localhost:8080/cb")
        ])
        let r = try JSON.parse(await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token", body: Array(form.utf8))).body)
        #expect(r["refresh_token"] == .null)
    }

    @Test func tokensAreCheckedPerResourceServerForExpiryAndRevocation() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid urn:globus:auth:scope:transfer.api.globus.org:all")
        let transfer = try #require(token(t, for: "transfer.api.globus.org"))
        let auth = try #require(token(t, for: "auth.globus.org"))
        #expect(await get(sim, "/transfer/v0.10/task_list", token: transfer).0 == 200)
        #expect(await get(sim, "/transfer/v0.10/task_list", token: auth).0 == 401)
        #expect(await get(sim, "/auth/v2/oauth2/userinfo", token: transfer).0 == 401)
        #expect(await get(sim, "/auth/v2/oauth2/userinfo", token: auth).1["preferred_username"] == "alice@uchicago.edu")
        // Refresh, then revoke the refresh token: its access tokens stop working too.
        let rt = try #require(t["other_tokens"]?.array?.first?["refresh_token"]?.string)
        let refreshed = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token",
                body: Array(FormCoding.encode([("client_id", tutorial), ("grant_type", "refresh_token"), ("refresh_token", rt)]).utf8)))
        let newAT = try #require(try JSON.parse(refreshed.body)["access_token"]?.string)
        #expect(await get(sim, "/transfer/v0.10/task_list", token: newAT).0 == 200)
        _ = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token/revoke",
                body: Array(FormCoding.encode([("token", rt), ("client_id", tutorial)]).utf8)))
        #expect(await get(sim, "/transfer/v0.10/task_list", token: newAT).0 == 401)
        // Expiry.
        let t2 = try await login(sim, scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships")
        let groups = try #require(token(t2, for: "groups.api.globus.org"))
        #expect(await get(sim, "/groups/v2/groups/my_groups", token: groups).0 == 200)
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/expire-tokens"))
        #expect(await get(sim, "/groups/v2/groups/my_groups", token: groups).0 == 401)
    }

    @Test func clientCredentialsNeedTheSecret() async throws {
        let sim = try Simulator()
        let c = SimClient.defaults[1]
        func cc(_ secret: String) async -> SimResponse {
            let basic = "Basic " + Base64.encode(Array("\(c.id):\(secret)".utf8))
            return await sim.handle(
                SimRequest(
                    method: "POST", path: "/auth/v2/oauth2/token", headers: ["authorization": basic],
                    body: Array("grant_type=client_credentials&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall".utf8)))
        }
        let bad = await cc("wrong")
        let badBody = try JSON.parse(bad.body)
        #expect(bad.status == 401 && badBody["error"] == "invalid_client")
        let good = try JSON.parse(await cc(c.secret!).body)
        #expect(good["resource_server"] == "transfer.api.globus.org")
    }

    @Test func unknownScopesAreRefused() async throws {
        let sim = try Simulator()
        let r = await sim.handle(SimRequest(method: "GET", path: "/auth/v2/oauth2/authorize", query: authorizeQuery(scope: "openid urn:globus:auth:scope:nope.example.org:all")))
        #expect(r.status == 400)
        #expect(String(decoding: r.body, as: UTF8.self).contains("Unknown scope"))
    }
}
