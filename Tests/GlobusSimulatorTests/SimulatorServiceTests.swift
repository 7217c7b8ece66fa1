import Support
import JSON
import Testing
@testable import GlobusSimulator

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
        let refused = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve",
                query: authorizeQuery(scope: "urn:globus:auth:scope:transfer.api.globus.org:all", extra: [("session_required_single_domain", "anl.gov")]) + [
                    ("identity", "alice@uchicago.edu")
                ]))
        #expect(refused.status == 403)
        let carol = try await login(
            sim, scope: "urn:globus:auth:scope:transfer.api.globus.org:all", identity: "carol@anl.gov",
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
