import GlobusSDK
import Support

/// Demo mode's part of a session: the simulator it runs against (the kernel's own, or a class's
/// shared one), the banner still to show, and demo mode's own in-memory token store, apart from
/// the person's real one. Used from the shell thread only, but for `releaseAtExit`.
final class DemoMode: @unchecked Sendable {
    private let environment: KernelEnvironment
    /// The demo simulator, when demo mode is on.
    private(set) var simulator: DemoSimulator?
    /// Its process and folder, if it is the kernel's own: released at the kernel's end from
    /// whichever thread ends it.
    private let child = Locked<DemoChild?>(nil)
    /// The banner still to show for a demo started from the environment.
    var pendingBanner: String?
    /// Demo mode's in-memory store (`%globus config storage memory` in demo mode).
    let memory: any TokenStorage
    /// Counts starts and stops (a new simulator may be where the last one was in memory).
    private(set) var generation = 0
    private var fromEnvironmentTried = false

    init(environment: KernelEnvironment, changes: SecretChanges) {
        self.environment = environment
        memory = WatchedTokenStorage(MemoryTokenStorage(), changes: changes)
    }

    /// Whether demo mode is on.
    var isOn: Bool { simulator != nil }

    /// Starts demo mode when `GLOBUS_KERNEL_DEMO` asks for it (`1`/`on`, or a username whose
    /// logins are approved automatically), once.
    /// `hub` approves each person as the JupyterHub user the kernel runs for (`JUPYTERHUB_USER`),
    /// which a class's simulator knows from its roster.
    func startFromEnvironment() throws(GlobusError) {
        guard simulator == nil, !fromEnvironmentTried else { return }
        let decided = environment.decided
        guard let v = decided.demo, v != "0", v.lowercased() != "off" else { return }
        fromEnvironmentTried = true
        var person: String? = ["1", "on", "true", "yes"].contains(v.lowercased()) ? nil : v
        if v.lowercased() == "hub" {
            guard let user = decided.hub?.user else {
                throw .configuration(
                    "GLOBUS_KERNEL_DEMO=hub approves each person as their JupyterHub user, but JUPYTERHUB_USER is not set (is this kernel running under JupyterHub?)")
            }
            person = user
        }
        try start(autoApprove: person)
    }

    /// `%globus demo on [--as USERNAME]`. Under JupyterHub the person is always the hub user the
    /// kernel started for (a class's simulator approves no one else): `--as` is refused there.
    func start(asked approveAs: String?) throws(GlobusError) {
        guard let user = environment.settings.hub?.user else { return try start(autoApprove: approveAs) }
        guard approveAs == nil else {
            throw .configuration("demo on --as: under JupyterHub, demo mode signs you in as your own hub user (\(user)); --as cannot choose another person. Use %globus demo on.")
        }
        try start(autoApprove: user)
    }

    /// Starts a simulator whose logins are approved as `autoApprove` (nil: a person signs in).
    func start(autoApprove: String?) throws(GlobusError) {
        stop()
        simulator = try DemoSimulator.start(autoApprove: autoApprove, environment: environment)
        child.withLock { $0 = simulator?.ownChild }
        generation += 1
        pendingBanner = simulator?.banner
    }

    /// Turns demo mode off (stopping the kernel's own simulator).
    func stop() {
        simulator?.stop()
        child.withLock { $0 = nil }
        simulator = nil
        generation += 1
    }

    /// Stops the kernel's own demo simulator and removes the demo's folder (the kernel is ending;
    /// any thread). A shared simulator runs on.
    func releaseAtExit() {
        child.withLock { $0 }?.release()
    }

    /// The login flow that needs no person (demo mode's automatic approval), if any.
    /// A class's simulator is also shown the kernel's JupyterHub token, by which it knows the person.
    func automaticLogin(_ app: GlobusApp) -> (any LoginFlow)? {
        guard let simulator, let person = simulator.autoApprove else { return nil }
        return SimulatorApproval(http: app.http, identity: person, classSimulator: simulator.hubToken.map { ($0, simulator.authURL) })
    }
}
