import Support
import JSON
import Testing
@testable import GlobusSimulator

/// In a class, the published secret of the simulator's automation client hands nobody a way
/// in: without an operator key confidential clients are unknown, with one they get Auth's own
/// scopes only. And no grant turns one student into another.
@Suite struct ClassClientTests {
    static let automation = ("7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "sim-automation-secret-do-not-use-in-production")

    static func classSimulator(admin: AdminAccess) throws -> Simulator {
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(2)
        config.hub = HubDirectory(apiURL: "http://127.0.0.1:1/hub/api") { token in
            switch token {
            case "hub-01": .user("student01")
            case "hub-02": .user("student02")
            default: .rejected
            }
        }
        config.admin = admin
        return try Simulator(config)
    }

    static func clientCredentials(_ sim: Simulator, scope: String) async -> (Int, JSON) {
        let basic = "Basic " + Base64.encode(Array("\(automation.0):\(automation.1)".utf8))
        let r = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token",
                headers: ["authorization": basic, "content-type": "application/x-www-form-urlencoded"],
                body: Array(FormCoding.encode([("grant_type", "client_credentials"), ("scope", scope)]).utf8)))
        return (r.status, (try? JSON.parse(r.body)) ?? .null)
    }

    /// A student's sign-in from their own kernel (with their hub token), redeemed.
    static func studentLogin(_ sim: Simulator, hubToken: String, scope: String) async throws -> JSON {
        let r = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/v2/oauth2/authorize", query: authorizeQuery(scope: scope),
                headers: ["accept": "application/json", "authorization": "token " + hubToken]))
        return try await redeem(sim, code: try #require(try JSON.parse(r.body)["code"]?.string))
    }

    @Test func withoutAnOperatorKeyConfidentialClientsAreUnknown() async throws {
        let sim = try Self.classSimulator(admin: .off)
        for scope in [transferScope, "openid"] {
            let (status, body) = await Self.clientCredentials(sim, scope: scope)
            #expect(status == 401 && body["error"] == "invalid_client", "\(scope): \(body)")
        }
        // Nor can it introspect a student's token.
        let student = try await Self.studentLogin(sim, hubToken: "hub-01", scope: "openid")
        let basic = "Basic " + Base64.encode(Array("\(Self.automation.0):\(Self.automation.1)".utf8))
        let r = await sim.handle(
            SimRequest(
                method: "POST", path: "/auth/v2/oauth2/token/introspect", headers: ["authorization": basic],
                body: Array(FormCoding.encode([("token", student["access_token"]?.string ?? "")]).utf8)))
        #expect(r.status == 401)
    }

    @Test func withAnOperatorKeyTheyGetAuthScopesOnly() async throws {
        let sim = try Self.classSimulator(admin: .key("operator-key-0123456789abcdef"))
        for scope in [transferScope, "openid urn:globus:auth:scope:groups.api.globus.org:all", Simulator.timerScope] {
            let (status, body) = await Self.clientCredentials(sim, scope: scope)
            #expect(status == 400 && body["error"] == "invalid_scope" && body["access_token"] == nil, "\(scope): \(body)")
        }
        // Identity lookups (what a class's tooling asks) still work.
        let (status, body) = await Self.clientCredentials(sim, scope: "openid")
        let token = try #require(body["access_token"]?.string, "\(status) \(body)")
        let found = await get(sim, "/auth/v2/api/identities", token: token, query: [("usernames", "student01@classroom.example.edu")])
        #expect(found.1["identities"]?.array?.count == 1)
    }

    @Test func aSimulatorOfOnesOwnKeepsItsAutomationClient() async throws {
        let (status, body) = await Self.clientCredentials(try Simulator(), scope: transferScope)
        #expect(status == 200 && body["resource_server"] == "transfer.api.globus.org")
    }

    @Test func noGrantTurnsOneStudentIntoAnother() async throws {
        let sim = try Self.classSimulator(admin: .key("operator-key-0123456789abcdef"))
        let scope = "openid " + transferScope
        let one = try await Self.studentLogin(sim, hubToken: "hub-01", scope: scope)
        let two = try await Self.studentLogin(sim, hubToken: "hub-02", scope: scope)
        func who(_ token: String?) async -> String? {
            await get(sim, "/auth/v2/oauth2/userinfo", token: token).1["preferred_username"]?.string
        }
        #expect(await who(one["access_token"]?.string) == "student01@classroom.example.edu")
        #expect(await who(two["access_token"]?.string) == "student02@classroom.example.edu")
        // A refresh token gives its own student's tokens, whoever redeems it, and only to its client.
        let refresh = try #require(one["refresh_token"]?.string)
        func redeem(_ form: [(String, String)], headers: [String: String] = [:]) async -> JSON {
            let r = await sim.handle(SimRequest(method: "POST", path: "/auth/v2/oauth2/token", headers: headers, body: Array(FormCoding.encode(form).utf8)))
            return (try? JSON.parse(r.body)) ?? .null
        }
        let refreshed = await redeem([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", tutorial)])
        #expect(await who(refreshed["access_token"]?.string) == "student01@classroom.example.edu")
        let basic = "Basic " + Base64.encode(Array("\(Self.automation.0):\(Self.automation.1)".utf8))
        #expect(await redeem([("grant_type", "refresh_token"), ("refresh_token", refresh)], headers: ["authorization": basic])["access_token"] == nil)
        // A sign-in naming the other student, with one's own hub token, is refused; so is the
        // page's approve link and the admin API's scripted approval without the operator's key.
        let named = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve",
                query: authorizeQuery(scope: scope) + [("identity", "student02")],
                headers: ["accept": "application/json", "authorization": "token hub-01"]))
        #expect(named.status == 403)
        let scripted = await sim.handle(
            SimRequest(
                method: "POST", path: "/admin/approve",
                body: (["authorize_url": "http://x/?client_id=\(tutorial)", "identity": "student02"] as JSON).bytes))
        #expect(scripted.status == 401)
        // And no grant is known that would.
        for grant in ["password", "urn:globus:auth:grant_type:dependent_token", "urn:ietf:params:oauth:grant-type:token-exchange", "implicit"] {
            #expect(await redeem([("grant_type", grant), ("client_id", tutorial), ("username", "student02")])["access_token"] == nil, "\(grant)")
        }
    }

    @Test func aClassRecordsNoRequests() async throws {
        let sim = try Self.classSimulator(admin: .key("operator-key-0123456789abcdef"))
        _ = await get(sim, "/search/v1/index/\(Simulator.searchIndex)/search", token: nil, query: [("q", "x")])
        let r = await sim.handle(SimRequest(method: "GET", path: "/admin/requests", headers: ["authorization": "Bearer operator-key-0123456789abcdef"]))
        #expect(try JSON.parse(r.body)["requests"] == [])
        #expect(sim.log.withLockedValue { $0.requests.isEmpty })
    }

    @Test func theRequestLogIsBoundedInRequestsAndBytes() async throws {
        var log = RequestLog()
        func body(_ n: Int) -> SimRequest {
            SimRequest(method: "POST", path: "/x", headers: ["content-type": "application/json"], body: Array(("\"" + String(repeating: "b", count: n) + "\"").utf8))
        }
        // Bodies just small enough to keep: the oldest go once the bytes are full.
        let kept = body(SimLimits.recordedBodyBytes - 2)
        let added = SimLimits.recordedBytes / SimLimits.recordedBodyBytes + 10
        for _ in 0..<added { log.add(RecordedRequest(kept)) }
        #expect(log.bytes <= SimLimits.recordedBytes && log.requests.count < added)
        #expect(log.bytes == log.requests.reduce(0) { $0 + $1.size })
        // A larger body is recorded as its size only.
        log.add(RecordedRequest(body(SimLimits.recordedBodyBytes)))
        #expect(log.requests.last?.body.string?.hasSuffix("bytes, not kept>") == true)
        let small = SimRequest(method: "GET", path: "/y")
        for _ in 0..<(SimLimits.recordedRequests + 5) { log.add(RecordedRequest(small)) }
        #expect(log.requests.count == SimLimits.recordedRequests)
    }
}
