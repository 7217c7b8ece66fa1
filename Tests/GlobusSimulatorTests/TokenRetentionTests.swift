import JSON
import Testing
@testable import GlobusSimulator

/// A loop of sign-ins or refreshes does not grow the simulator without end: past the bound of
/// their kind the oldest tokens and codes are forgotten (and answer as unknown ones do); the
/// newest always work.
@Suite struct TokenRetentionTests {
    @Test func refreshingInALoopKeepsABoundedNumberOfTokens() async throws {
        let sim = try Simulator()
        let first = try await login(sim, scope: transferScope)
        let refresh = try #require(first["refresh_token"]?.string)
        var newest = ""
        for _ in 0..<(SimLimits.tokensPerGrant + 5) {
            let r = await sim.handle(
                SimRequest(
                    method: "POST", path: "/auth/v2/oauth2/token",
                    body: Array(FormCoding.encode([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", tutorial)]).utf8)))
            newest = try #require(try JSON.parse(r.body)["access_token"]?.string)
        }
        #expect(sim.withState { $0.accessTokens.count } == SimLimits.tokensPerGrant)
        #expect(await get(sim, "/transfer/v0.10/task_list", token: newest).0 == 200)
        #expect(await get(sim, "/transfer/v0.10/task_list", token: first["access_token"]?.string).0 == 401)
    }

    @Test func signInsInALoopKeepABoundedNumberOfCodes() async throws {
        let sim = try Simulator()
        for _ in 0..<(SimLimits.codesPerIdentity + 5) {
            _ = await sim.handle(
                SimRequest(
                    method: "GET", path: "/auth/sim/approve", query: authorizeQuery(scope: "openid") + [("identity", "bob@globusid.org")],
                    headers: ["accept": "application/json"]))
        }
        #expect(sim.withState { $0.codes.count } == SimLimits.codesPerIdentity)
        // The newest still signs in.
        _ = try await login(sim, scope: "openid", identity: "bob@globusid.org")
    }

    /// Sign-ins that each consent to a scope tree not seen before keep a bounded number of
    /// consents for the person and client (past it the earlier ones are forgotten), and the
    /// newest consent stands.
    @Test func signInsWithNewScopeTreesKeepABoundedNumberOfConsents() async throws {
        let sim = try Simulator()
        let names = ["openid", "email", "profile"]
        var scope = ""
        for i in 0..<400 {
            // A chain of seven dependencies spelling i in base 3: a new consent path each time.
            var digits = i, chain: [String] = []
            for _ in 0..<7 { chain.append(names[digits % 3]); digits /= 3 }
            scope = "email[" + chain.joined(separator: "[") + String(repeating: "]", count: chain.count)
            _ = try await login(sim, scope: scope, identity: "bob@globusid.org")
        }
        let kept = sim.withState { $0.consents.count }
        #expect(kept <= SimLimits.consentsPerClient, "\(kept) consents kept")
        let bob = try #require(sim.withState { s in s.consents.last?.identityID })
        let newest = try #require(ScopeTree.parse(scope)?.first)
        var path = [newest.name], node = newest
        while let d = node.dependencies.first { path.append(d.name); node = d }
        #expect(sim.withState { $0.hasConsent(identityID: bob, clientID: tutorial, path: path) })
    }
}
