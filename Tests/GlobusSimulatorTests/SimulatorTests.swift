import Support
import JSON
import Testing
@testable import GlobusSimulator

let tutorial = "61338d24-54d5-408f-a10d-66c06b59f6d2"
let verifier = String(repeating: "v", count: 43)

func authorizeQuery(scope: String, extra: [(String, String)] = [], challenge: String? = pkceChallenge(verifier)) -> [(String, String)] {
    var q: [(String, String)] = [("client_id", tutorial), ("redirect_uri", "http://localhost:8080/cb"), ("scope", scope),
                                 ("response_type", "code"), ("state", "s1"), ("access_type", "offline")]
    if let challenge { q += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
    return q + extra
}

/// Logs in as `identity` and returns the token response.
func login(_ sim: Simulator, scope: String, identity: String = "alice@uchicago.edu", extra: [(String, String)] = []) async throws -> JSON {
    let approved = await sim.handle(SimRequest(method: "GET", path: "/auth/sim/approve",
                                               query: authorizeQuery(scope: scope, extra: extra) + [("identity", identity)],
                                               headers: ["accept": "application/json"]))
    return try await redeem(sim, code: try #require(try JSON.parse(approved.body)["code"]?.string))
}

/// Exchanges an authorization code (from `authorizeQuery`'s request) for the token response.
func redeem(_ sim: Simulator, code: String) async throws -> JSON {
    let form = FormCoding.encode([("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
                                  ("code_verifier", verifier), ("redirect_uri", "http://localhost:8080/cb")])
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
        let noPKCE = await sim.handle(SimRequest(method: "GET", path: "/auth/v2/oauth2/authorize",
                                                 query: authorizeQuery(scope: "openid", challenge: nil)))
        #expect(noPKCE.status == 400)
        // Wrong verifier, reused code, wrong redirect.
        let approved = await sim.handle(SimRequest(method: "GET", path: "/auth/sim/approve",
                                                   query: authorizeQuery(scope: "openid") + [("identity", "bob@globusid.org")],
                                                   headers: ["accept": "application/json"]))
        let code = try #require(try JSON.parse(approved.body)["code"]?.string)
        func exchange(_ v: String, redirect: String = "http://localhost:8080/cb") async -> (Int, JSON) {
            let form = FormCoding.encode([("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
                                          ("code_verifier", v), ("redirect_uri", redirect)])
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
        let approved = await sim.handle(SimRequest(method: "GET", path: "/auth/sim/approve",
                                                   query: authorizeQuery(scope: "openid").map { $0.0 == "access_type" ? ($0.0, "online") : $0 }
                                                       + [("identity", "alice@uchicago.edu")], headers: ["accept": "application/json"]))
        let code = try JSON.parse(approved.body)["code"]!.string!
        let form = FormCoding.encode([("client_id", tutorial), ("grant_type", "authorization_code"), ("code", code),
                                      ("code_verifier", verifier), ("redirect_uri", "http://localhost:8080/cb")])
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
        let refreshed = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token",
                                                    body: Array(FormCoding.encode([("client_id", tutorial), ("grant_type", "refresh_token"), ("refresh_token", rt)]).utf8)))
        let newAT = try #require(try JSON.parse(refreshed.body)["access_token"]?.string)
        #expect(await get(sim, "/transfer/v0.10/task_list", token: newAT).0 == 200)
        _ = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token/revoke",
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
            return await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token", headers: ["authorization": basic],
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

/// Globus Auth's shapes the session commands rely on, taken from the real id_token fixture and
/// the Python SDK (introspection is on `ConfidentialAppAuthClient` only).
@Suite struct SimulatorSessionShapeTests {
    @Test func onlyAnAuthenticatedConfidentialClientMayIntrospect() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "openid urn:globus:auth:scope:transfer.api.globus.org:all")
        let access = try #require(token(t, for: "transfer.api.globus.org"))
        let publicClient = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token/introspect",
                                                       body: Array(FormCoding.encode([("token", access), ("client_id", tutorial)]).utf8)))
        #expect(publicClient.status == 401)
        let c = SimClient.defaults[1]
        let basic = "Basic " + Base64.encode(Array("\(c.id):\(c.secret!)".utf8))
        let confidential = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token/introspect",
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

@Suite struct SimulatorServiceTests {
    let mapped = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"

    @Test func mappedCollectionNeedsDataAccessConsent() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "urn:globus:auth:scope:transfer.api.globus.org:all")
        let (status, body) = await get(sim, "/transfer/v0.10/operation/endpoint/\(mapped)/ls", token: token(t, for: "transfer.api.globus.org"))
        #expect(status == 403)
        #expect(body["code"] == "ConsentRequired")
        let required = "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/\(mapped)/data_access]"
        #expect(body["required_scopes"] == [.string(required)])
        #expect(body["authorization_parameters"]?["required_scopes"] == [.string(required)])
        let t2 = try await login(sim, scope: required)
        let ok = await get(sim, "/transfer/v0.10/operation/endpoint/\(mapped)/ls", token: token(t2, for: "transfer.api.globus.org"))
        #expect(ok.0 == 200 && ok.1["DATA_TYPE"] == "file_list")
        // Consent persists: even the first token now works.
        #expect(await get(sim, "/transfer/v0.10/operation/endpoint/\(mapped)/ls", token: token(t, for: "transfer.api.globus.org")).0 == 200)
    }

    @Test func faultsApplyToTheirRouteAndCountDown() async throws {
        let sim = try Simulator()
        let t = try await login(sim, scope: "urn:globus:auth:scope:transfer.api.globus.org:all")
        let at = token(t, for: "transfer.api.globus.org")
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/faults", body: Array(#"{"faults":["429=7@/transfer/v0.10/task_listx1","status=502@/transfer/x1"]}"#.utf8)))
        let first = await sim.handle(SimRequest(method: "GET", path: "/transfer/v0.10/task_list", headers: ["authorization": "Bearer \(at!)"]))
        #expect(first.status == 429 || first.status == 502)
        let second = await sim.handle(SimRequest(method: "GET", path: "/transfer/v0.10/task_list", headers: ["authorization": "Bearer \(at!)"]))
        #expect(second.status == 429 || second.status == 502)
        #expect([first, second].contains { $0.status == 429 && $0.headers.contains { $0 == ("Retry-After", "7") } })
        #expect(await get(sim, "/transfer/v0.10/task_list", token: at).0 == 200)
        #expect(await get(sim, "/groups/v2/groups/my_groups", token: nil).0 == 401)
    }

    @Test func sessionDomainGAREUntilTheRightIdentityLogsIn() async throws {
        let sim = try Simulator()
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/faults", body: Array(#"{"fault":"domain=anl.gov@/transfer/"}"#.utf8)))
        let t = try await login(sim, scope: "urn:globus:auth:scope:transfer.api.globus.org:all")
        let (status, body) = await get(sim, "/transfer/v0.10/task_list", token: token(t, for: "transfer.api.globus.org"))
        #expect(status == 403)
        #expect(body["authorization_parameters"]?["session_required_single_domain"] == ["anl.gov"])
        // Alice is not from anl.gov: the login page refuses her for that requirement.
        let refused = await sim.handle(SimRequest(method: "GET", path: "/auth/sim/approve",
            query: authorizeQuery(scope: "urn:globus:auth:scope:transfer.api.globus.org:all", extra: [("session_required_single_domain", "anl.gov")]) + [("identity", "alice@uchicago.edu")]))
        #expect(refused.status == 403)
        let carol = try await login(sim, scope: "urn:globus:auth:scope:transfer.api.globus.org:all", identity: "carol@anl.gov",
                                    extra: [("session_required_single_domain", "anl.gov")])
        #expect(await get(sim, "/transfer/v0.10/task_list", token: token(carol, for: "transfer.api.globus.org")).0 == 200)
    }

    @Test func faultSpecs() {
        #expect(Fault(spec: "latency=200") == Fault(kind: .latency(200)))
        #expect(Fault(spec: "status=503@/transfer/x2") == Fault(kind: .status(503), route: "/transfer/", times: 2))
        #expect(Fault(spec: "drop@/groups/") == Fault(kind: .drop, route: "/groups/"))
        #expect(Fault(spec: "mfa") == Fault(kind: .requireMFA))
        #expect(Fault(spec: "bogus") == nil)
        #expect(Fault(spec: "latency") == nil)
    }

    @Test func scopeParsing() {
        #expect(ScopeTree.parse("a b[c *d[e]]")?.map(\.serialized) == ["a", "b[c *d[e]]"])
        #expect(ScopeTree.parse("a[") == nil)
        #expect(ScopeTree.parse("a[]") == nil)
        #expect(ScopeTree.parse("a]") == nil)
        // Nesting and size are bounded: deeper or larger is malformed, never a stack overflow.
        func nested(_ depth: Int) -> String { String(repeating: "email[", count: depth) + "openid" + String(repeating: "]", count: depth) }
        #expect(ScopeTree.parse(nested(ScopeTree.maximumDepth)) != nil)
        #expect(ScopeTree.parse(nested(ScopeTree.maximumDepth + 1)) == nil)
        #expect(ScopeTree.parse(nested(100_000)) == nil)
        #expect(ScopeTree.parse(Array(repeating: "openid", count: ScopeTree.maximumScopes).joined(separator: " ")) != nil)
        #expect(ScopeTree.parse(Array(repeating: "openid", count: ScopeTree.maximumScopes + 1).joined(separator: " ")) == nil)
    }

    @Test func searchIsPublicAndFilters() async throws {
        let sim = try Simulator()
        let (status, body) = await get(sim, "/search/v1/index/\(Simulator.searchIndex)/search", token: nil, query: [("q", "climate")])
        #expect(status == 200)
        #expect(body["total"] == 2)
        #expect(body["gmeta"]?.array?.first?["entries"]?.array?.first?["content"]?["subject"] != nil)
    }
}

@Suite struct RosterTests {
    @Test func aRosterNamesEachStudentAndAHubNameFindsThem() {
        let roster = SimIdentity.roster(12)
        #expect(roster.map(\.username).first == "student01@classroom.example.edu")
        #expect(roster.map(\.username).last == "student12@classroom.example.edu")
        #expect(Set(roster.map(\.id)).count == 12)
        #expect(SimIdentity.roster(100).first?.username == "student001@classroom.example.edu")
        let state = SimState(identities: SimIdentity.defaults + roster + [SimIdentity(id: "x", username: "student07@elsewhere.org", name: "", email: "", organization: "")],
                             clients: [], tokenLifetime: 60)
        #expect(state.identity(named: "student03")?.username == "student03@classroom.example.edu")
        #expect(state.identity(named: "alice")?.username == "alice@uchicago.edu")
        // Two people with that name: neither is chosen.
        #expect(state.identity(named: "student07") == nil)
        #expect(state.identity(named: "nobody") == nil)
    }
}

@Suite struct NewcomerTests {
    @Test func demoModeApprovesSomeoneNewAsAPersonOfTheirOwn() {
        var config = Simulator.Configuration()
        config.ensurePerson("alice")
        config.ensurePerson("alice@uchicago.edu")
        #expect(config.identities.count == SimIdentity.defaults.count)
        config.ensurePerson("student07")
        config.ensurePerson("dana@example.org")
        #expect(config.identities.map(\.username).suffix(2) == ["student07@classroom.example.edu", "dana@example.org"])
        config.ensurePerson("student07")
        #expect(config.identities.count == SimIdentity.defaults.count + 2)
    }
}
