import GlobusSimulator
import JSON
import SimulatorSupport
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// HTTPS as in production: the simulator's private CA trusted through GLOBUS_SDK_VERIFY_SSL.
extension SimulatorBackedTests {
    func tlsSimulator() async throws -> RunningSimulator {
        var config = Simulator.Configuration()
        config.tls = try TLSMaterial.make()
        config.caPath = try config.tls!.writeCA(to: scratchDirectory() + "/ca.pem")
        return try await RunningSimulator(config)
    }

    /// Logs in and calls Transfer `count` times; returns the connections the simulator saw.
    func warmCalls(_ sim: RunningSimulator, count: Int, settings: Settings? = nil) async throws -> Int {
        let app = makeApp(sim, settings: settings)
        let flow = ScriptedFlow(sim)
        try await onThread {
            app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
            try app.login(flow: flow)
        }
        _ = await sim.sim.handle(SimRequest(method: "DELETE", path: "/admin/requests"))
        let statuses = try await onThread { try (0..<count).map { _ in try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/task_list")).status } }
        #expect(statuses.allSatisfy { $0 == 200 })
        let seen = try JSON.parse(await sim.sim.handle(SimRequest(method: "GET", path: "/admin/connections")).body)
        return seen["connections"]?.int ?? -1
    }

    @Test func httpsWithTheSimulatorsCAAndOneConnectionForFiftyCalls() async throws {
        let sim = try await tlsSimulator()
        defer { sim.stop() }
        #expect(sim.sim.serviceURL("auth").hasPrefix("https://127.0.0.1:"))
        #expect(sim.settings.http.tls == .caBundle(sim.sim.caPath!))
        // Login (Auth) opened its own connection(s) before; the 50 Transfer calls reuse one.
        let before = try JSON.parse(await sim.sim.handle(SimRequest(method: "GET", path: "/admin/connections")).body)["connections"]?.int ?? 0
        let after = try await warmCalls(sim, count: 50)
        #expect(after - before <= 2, "50 warm calls opened \(after - before) new connections")
    }

    @Test func aCertificateFromAnotherCAIsRefusedAndNamesTheSetting() async throws {
        let sim = try await tlsSimulator()
        defer { sim.stop() }
        let other = try TLSMaterial.make().writeCA(to: parent(of: sim.sim.caPath!) + "/other-ca.pem")
        var settings = sim.settings
        settings.http.tls = .caBundle(other)
        let app = makeApp(sim, settings: settings)
        let start = monotonicSeconds()
        let outcome = try await onThread { () -> String in
            do { _ = try app.startLogin(); _ = try app.idTokens.verify("x.y.z"); return "no error" } catch { return "\(error)" }
        }
        #expect(outcome.contains("TLSError"))
        #expect(outcome.contains("GLOBUS_SDK_VERIFY_SSL"))
        #expect(outcome.contains(other))
        #expect(monotonicSeconds() - start < 2, "a certificate error is not retried")
    }

    @Test func verificationOffStillWorks() async throws {
        let sim = try await tlsSimulator()
        defer { sim.stop() }
        var settings = sim.settings
        settings.http.tls = .off
        #expect(try await warmCalls(sim, count: 3, settings: settings) >= 1)
    }
}
