import Dispatch
import GlobusSimulator
import JSON
import SimulatorSupport
import Synchronization
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

extension RunningSimulator {
    /// The settings that point the SDK here.
    var settings: Settings { try! Settings(variables: variables) }
}

let tutorialClient = "61338d24-54d5-408f-a10d-66c06b59f6d2"

func makeApp(_ sim: RunningSimulator, storage: any TokenStorage = MemoryTokenStorage(), refresh: Bool = true, settings: Settings? = nil) -> GlobusApp {
    var settings = settings ?? sim.settings
    settings.refreshTokens = refresh
    return GlobusApp.user("SDK Test", clientID: tutorialClient, settings: settings, storage: storage)
}

/// A service-account app with the simulator's automation client (or a wrong secret).
func makeClientApp(_ sim: RunningSimulator, secret: String? = nil) -> GlobusApp {
    let c = SimClient.defaults[1]
    return GlobusApp.client(
        "Automation", clientID: c.id, clientSecret: secret ?? c.secret!,
        settings: sim.settings, storage: MemoryTokenStorage())
}

/// A service-account app that has called Transfer once (its token in hand), and only then the
/// simulator's `faults` (the admin API's JSON) set.
func calledClientApp(_ sim: RunningSimulator, thenFaults faults: String) async throws -> GlobusApp {
    let app = makeClientApp(sim)
    _ = try await onThread { try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")) }
    await sim.admin("faults", faults)
    return app
}

/// A login flow that approves through the simulator, counting how often it ran.
final class ScriptedFlow: LoginFlow, @unchecked Sendable {
    let sim: RunningSimulator
    let identity: String
    let runs = Mutex(0)
    init(_ sim: RunningSimulator, identity: String = "alice@uchicago.edu") { self.sim = sim; self.identity = identity }
    func obtainCode(authorizeURL: String) throws(GlobusError) -> String {
        runs.withLock { $0 += 1 }
        return sim.approveBlocking(authorizeURL, as: identity)
    }
}

@Suite(.serialized) struct SimulatorBackedTests {
    @Test func loginCallRefreshAndLogout() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeApp(sim)
        let flow = ScriptedFlow(sim)
        let (who, listing, newToken) = try await onThread { () throws -> (IdentityClaims?, JSON, Bool) in
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            #expect(try app.loginRequired())
            let who = try app.login(flow: flow)
            #expect(try !app.loginRequired())
            let r = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list"))
            let before = try app.storage.get("transfer.api.globus.org")!.accessToken
            // Force expiry locally: the next call refreshes before sending.
            var t = try app.storage.get("transfer.api.globus.org")!
            t.expiresAtSeconds = Int(time(nil)) - 10
            try app.storage.store([t])
            _ = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list"))
            let after = try app.storage.get("transfer.api.globus.org")!
            return (who, try JSON.parse(r.body), after.accessToken != before && after.refreshToken == t.refreshToken)
        }
        #expect(who?.preferredUsername == "alice@uchicago.edu")
        #expect(listing["DATA_TYPE"] == "task_list")
        #expect(newToken)
        #expect(flow.runs.withLock { $0 } == 1)
        // Server-side expiry: a 401, then a refresh, then success.
        await sim.admin("expire-tokens")
        let ok = try await onThread { try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).status }
        #expect(ok == 200)
        let removed = try await onThread { try app.logout() }
        #expect(removed.contains("transfer.api.globus.org"))
        #expect(try await onThread { try app.identityID() } == nil)
    }

    @Test func aRefreshNeverJoinsAnotherPersonsTokens() async throws {
        // Another process logs alice out entry by entry and bob in while alice's refresh is on the
        // wire: her refreshed Transfer token must not be stored beside bob's entries.
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let storage = SwappedDuringRefresh()
        let app = makeApp(sim, storage: storage)
        let outcome = try await onThread { () throws -> String in
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            try app.login(flow: ScriptedFlow(sim))
            var t = try storage.get("transfer.api.globus.org")!
            t.expiresAtSeconds = Int(time(nil)) - 10
            try storage.store([t])
            storage.swap.withLock {
                $0 = [
                    TokenData(
                        resourceServer: "auth.globus.org", identityID: "bob-id", scope: "openid",
                        accessToken: "bob-token", refreshToken: nil, expiresAtSeconds: Int(time(nil)) + 3600, tokenType: "Bearer")
                ]
            }
            do { _ = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")); return "stored" } catch {
                if case GlobusError.loginRequired(let l)? = error as? GlobusError { return "\(l.reason)" }
                return "\(error)"
            }
        }
        #expect(outcome == "identityChanged")
        #expect(Set(storage.all().values.compactMap(\.identityID)) == ["bob-id"])
    }

    @Test func revokedRefreshTokenMeansLoginRequiredAndTheHandlerLogsIn() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeApp(sim)
        let flow = ScriptedFlow(sim)
        try await onThread {
            app.addScopeRequirements("groups.api.globus.org", [Scope(Scopes.groupsViewMyGroups)])
            try app.login(flow: flow)
        }
        await sim.admin("expire-tokens")
        await sim.admin("revoke-refresh-tokens")
        let outcome = try await onThread { () -> String in
            do {
                _ = try app.call(ServiceRequest(service: .groups, method: "GET", path: "/groups/my_groups"))
                return "no error"
            } catch {
                if case .loginRequired(let l)? = error as? GlobusError { return "\(l.reason)" }
                return "other: \(error)"
            }
        }
        #expect(outcome == "refreshRejected")
        let status = try await onThread {
            try app.call(
                ServiceRequest(service: .groups, method: "GET", path: "/groups/my_groups"),
                onLoginRequired: { _ throws(GlobusError) in try app.login(flow: flow, force: true) }
            ).status
        }
        #expect(status == 200)
        #expect(flow.runs.withLock { $0 } == 2)
    }

    @Test func consentRequiredThenLoginWithTheRequiredScopes() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeApp(sim)
        let flow = ScriptedFlow(sim)
        let (first, scopes) = try await onThread { () -> (Int, [String]) in
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            try app.login(flow: flow, force: true)
            do {
                _ = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/operation/endpoint/\(Fixtures.mapped)/ls"))
                return (0, [])
            } catch {
                guard case .api(let e)? = error as? GlobusError else { return (-1, []) }
                return (e.httpStatus, e.consentRequiredScopes ?? [])
            }
        }
        #expect(first == 403)
        #expect(scopes == [Scopes.transferDataAccess([Fixtures.mapped]).description])
        let status = try await onThread {
            try app.call(
                ServiceRequest(service: .transfer, method: "GET", path: "/operation/endpoint/\(Fixtures.mapped)/ls"),
                onLoginRequired: { need throws(GlobusError) in try app.login(flow: flow, parameters: need.authorizationParameters) },
                redrive: true
            ).status
        }
        #expect(status == 200)
    }

    @Test func dependentScopesAreCheckedAgainstTheConsentForest() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeApp(sim)
        let flow = ScriptedFlow(sim)
        let (before, after, who, found) = try await onThread { () throws -> (Bool, Bool, String?, Int) in
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            try app.login(flow: flow)
            // Now require data_access on the mapped collection: the root scope is there, the consent is not.
            app.addScopeRequirements("transfer.api.globus.org", [Scopes.transferDataAccess([Fixtures.mapped])])
            let before = try app.loginRequired()
            try app.login(flow: flow)
            let after = try app.loginRequired()
            let info = try app.userinfo()
            let ids = try app.identities(usernames: ["bob@globusid.org", "carol@anl.gov"])
            return (before, after, info["preferred_username"]?.string, ids.count)
        }
        #expect(before)
        #expect(!after)
        #expect(who == "alice@uchicago.edu")
        #expect(found == 2)
    }

    @Test func confidentialClientLoginAndIntrospect() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let c = SimClient.defaults[1]
        var settings = sim.settings
        settings.redirectURI = "http://localhost:8080/callback"
        let app = GlobusApp.user("Confidential", clientID: c.id, clientSecret: c.secret!, settings: settings, storage: MemoryTokenStorage())
        let flow = ScriptedFlow(sim)
        let (url, introspected, status) = try await onThread { () throws -> (String, JSON, Int) in
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            let pending = try app.startLogin()
            try app.finishLogin(pending, code: try flow.obtainCode(authorizeURL: pending.authorizeURL))
            let token = try app.storage.get("transfer.api.globus.org")!.accessToken
            let info = try app.authClient.introspect(token)
            let status = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).status
            return (pending.authorizeURL, info, status)
        }
        #expect(!url.contains("code_challenge"))  // confidential: no PKCE
        #expect(url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback"))
        #expect(introspected["active"] == true && introspected["username"] == "alice@uchicago.edu")
        #expect(status == 200)
        // A confidential user app needs an explicit redirect URI.
        let noRedirect = GlobusApp.user(
            "Confidential", clientID: c.id, clientSecret: c.secret!,
            settings: sim.settings, storage: MemoryTokenStorage())
        #expect(throws: GlobusError.self) { try noRedirect.startLogin() }
    }

    @Test func aNativeAppDoesNotAskToIntrospect() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeApp(sim)
        #expect(throws: GlobusError.self) { try app.authClient.introspect("some-token") }
        #expect(await sim.requestedPaths().isEmpty)
    }

    @Test func clientAppUsesClientCredentials() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeClientApp(sim)
        let body = try await onThread { try JSON.parse(app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).body) }
        #expect(body["total"] == 0)
        let bad = makeClientApp(sim, secret: "wrong")
        let err = try await onThread { globusError { () throws(GlobusError) in try bad.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")) }?.httpStatus }
        #expect(err == 401)
    }

    @Test func retriesInjectedFailuresAndHonoursNoRetry() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = try await calledClientApp(
            sim, thenFaults: #"{"faults":["status=503@/transfer/v0.10/task_listx2","429=0@/transfer/v0.10/task_listx1","drop@/transfer/v0.10/task_listx1"]}"#)
        let status = try await onThread { try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).status }
        #expect(status == 200)
        await sim.admin("faults", #"{"fault":"status=502@/transfer/v0.10/task_listx1"}"#)
        var req = ServiceRequest(service: .transfer, method: "GET", path: "/task_list")
        req.retry = .none
        let noRetry = req
        let failed = try await onThread { globusError { () throws(GlobusError) in try app.call(noRetry) }?.httpStatus }
        #expect(failed == 502)
    }

    @Test func cancellationEndsASlowCallPromptly() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = try await calledClientApp(sim, thenFaults: #"{"fault":"latency=5000@/transfer/v0.10/task_list"}"#)
        let cancel = Mutex(false)
        let flag = CancelFlag()
        let started = monotonicSeconds()
        async let result: (String, Double) = onThread {
            do { _ = try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list"), isCancelled: { flag.isSet }); return ("finished", 0) } catch {
                if case .cancelled? = error as? GlobusError { return ("cancelled", monotonicSeconds()) }
                return ("\(error)", 0)
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        let at = monotonicSeconds()
        flag.set()
        _ = cancel
        let (what, when) = try await result
        #expect(what == "cancelled")
        #expect(when - at < 0.2)
        #expect(when - started < 1.5)
    }

    @Test func tokensStoredInTheFileAreSharedWithANewApp() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let dir = scratchDirectory()
        let flow = ScriptedFlow(sim)
        try await onThread {
            let app = makeApp(sim, storage: try JSONTokenStorage(path: dir + "/tokens.json"))
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            try app.login(flow: flow)
        }
        let status = try await onThread { () -> Int in
            let app = makeApp(sim, storage: try JSONTokenStorage(path: dir + "/tokens.json"))
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            #expect(try !app.loginRequired())
            return try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).status
        }
        #expect(status == 200)
        #expect(flow.runs.withLock { $0 } == 1)
    }
}

final class CancelFlag: Sendable {
    private let v = Mutex(false)
    func set() { v.withLock { $0 = true } }
    var isSet: Bool { v.withLock { $0 } }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A token store whose content another process replaces just before a refreshed token is stored.
final class SwappedDuringRefresh: TokenStorage, @unchecked Sendable {
    let inner = MemoryTokenStorage()
    let swap = Mutex<[TokenData]?>(nil)
    var namespace: String { inner.namespace }
    var location: String { "memory" }
    func all() -> [String: TokenData] { inner.all() }
    func store(_ entries: [TokenData]) { inner.store(entries) }
    func remove(_ rs: String) -> Bool { inner.remove(rs) }
    func store(_ entries: [TokenData], ifIdentityIs identity: String) throws(GlobusError) -> String? {
        if let replaced = swap.withLock({ s in
            defer { s = nil }; return s
        }) {
            for rs in inner.all().keys { inner.remove(rs) }
            inner.store(replaced)
        }
        return try inner.store(entries, ifIdentityIs: identity)
    }
}
