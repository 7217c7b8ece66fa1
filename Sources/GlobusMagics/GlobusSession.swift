import GlobusSDK
import JSON
import Synchronization

/// The kernel's Globus state: configuration, the app built from it, and a login waiting for its
/// code (the two-step form used when the frontend cannot answer input requests).
final class GlobusSession: @unchecked Sendable {
    /// The public Globus tutorial native client (fine for teaching; register your own for real use).
    static let tutorialClientID = "61338d24-54d5-408f-a10d-66c06b59f6d2"
    static let defaultAppName = "Globus Kernel"

    /// Settings changed with `%globus config KEY=VALUE` (environment variables give the defaults).
    struct Settings: Equatable {
        var clientID: String?
        var appName: String?
        var storage = "json"
        var tokenPath: String?
        var refreshTokens = true
        var autoRelogin = false
    }

    var settings = Settings()
    /// The demo simulator, when demo mode is on.
    var demo: DemoSimulator?
    /// The banner still to show for a demo started from the environment.
    var pendingBanner: String?
    private var cachedApp: (key: String, app: GlobusApp)?
    /// A login started without stdin, waiting for `%globus login --code`.
    var pending: PendingLogin?
    let memory = MemoryTokenStorage()
    /// Demo mode's in-memory store, apart from the real one.
    let demoMemory = MemoryTokenStorage()

    var clientID: String { settings.clientID ?? environmentValue("GLOBUS_CLIENT_ID").flatMap { $0.isEmpty ? nil : $0 } ?? GlobusSession.tutorialClientID }
    var appName: String { settings.appName ?? environmentValue("GLOBUS_APP_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? GlobusSession.defaultAppName }
    /// Set with GLOBUS_CLIENT_SECRET (never stored or shown by the kernel).
    var clientSecret: String? { environmentValue("GLOBUS_CLIENT_SECRET").flatMap { $0.isEmpty ? nil : $0 } }
    /// A service account when both GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET are set.
    var isClientApp: Bool { clientSecret != nil }

    private var warnedInsecure = false

    /// Once per kernel (and again after it was turned back on): a warning that certificates are
    /// not checked, when `GLOBUS_SDK_VERIFY_SSL` says false.
    func insecureTLSWarning() -> String? {
        let off = (try? GlobusEnvironment.tlsVerification()) == .off
        defer { warnedInsecure = off }
        guard off, !warnedInsecure else { return nil }
        return "Warning: GLOBUS_SDK_VERIFY_SSL is false: TLS certificates are NOT checked, so anyone on the network path can"
            + " read your tokens and data. Use it only against a test service on this computer; set it to a CA bundle file instead.\n"
    }

    /// The default scopes of a plain `%globus login`: auth, transfer, groups and search.
    static let loginServices: [GlobusService] = [.auth, .transfer, .groups, .search]

    /// Starts demo mode when `GLOBUS_KERNEL_DEMO` asks for it (`1`/`on`, or a username whose
    /// logins are approved automatically), once.
    func startDemoFromEnvironment() throws(GlobusError) {
        guard demo == nil, !demoFromEnvironmentTried, let v = environmentValue("GLOBUS_KERNEL_DEMO"), !v.isEmpty, v != "0", v.lowercased() != "off" else { return }
        demoFromEnvironmentTried = true
        try startDemo(autoApprove: ["1", "on", "true", "yes"].contains(v.lowercased()) ? nil : v)
    }
    private var demoFromEnvironmentTried = false

    func startDemo(autoApprove: String?) throws(GlobusError) {
        stopDemo()
        demo = try DemoSimulator(autoApprove: autoApprove)
        pendingBanner = demo?.banner
        cachedApp = nil
    }

    func stopDemo() {
        demo?.stop()
        demo = nil
        cachedApp = nil
        pending = nil
    }

    /// The app for the current configuration (rebuilt when it changes).
    func app() throws(GlobusError) -> GlobusApp {
        try startDemoFromEnvironment()
        if isClientApp && environmentValue("GLOBUS_CLIENT_ID").map({ $0.isEmpty }) ?? true && settings.clientID == nil {
            throw .usage("GLOBUS_CLIENT_SECRET is set but GLOBUS_CLIENT_ID is not. Set both to run as a service account, or unset GLOBUS_CLIENT_SECRET to log in as a person.")
        }
        let env = try GlobusEnvironment.current()
        let path = try tokenPath(env)
        let key = [clientID, appName, env.name, settings.storage, path, String(settings.refreshTokens), String(isClientApp),
                   env.baseURL("auth")].joined(separator: "|")
        if let c = cachedApp, c.key == key { return c.app }
        let storage: any TokenStorage = switch settings.storage {
        case "memory": demo == nil ? memory : demoMemory
        case "sqlite": try SQLiteTokenStorage(path: path)
        default: try JSONTokenStorage(path: path)
        }
        var config = GlobusApp.Config(environment: env, storage: storage)
        config.requestRefreshTokens = settings.refreshTokens
        config.products = [ClientProduct(name: "globus-kernel", version: GlobusInterpreter.version)]
        let app: GlobusApp
        if let secret = clientSecret {
            app = GlobusApp.client(appName, clientID: clientID, clientSecret: secret, config: config)
        } else {
            app = GlobusApp.user(appName, clientID: clientID, config: config)
        }
        for s in GlobusSession.loginServices where s != .auth {
            app.addScopeRequirements(s.resourceServer, s.defaultScopes.compactMap { try? Scope.parse($0) })
        }
        if !isClientApp { app.addScopeRequirements("auth.globus.org", GlobusService.auth.defaultScopes.map { Scope($0) }) }
        cachedApp = (key, app)
        pending = nil
        return app
    }

    /// Where tokens are stored: the configured path or the Python SDK's default.
    func tokenPath(_ env: GlobusEnvironment) throws(GlobusError) -> String {
        if settings.storage == "memory" { return "memory" }
        // Demo mode has its own store, which can never be the person's real one.
        if let demo { return demo.tokenPath(fileExtension: settings.storage == "sqlite" ? "db" : "json") }
        if let p = settings.tokenPath { return p }
        return try JSONTokenStorage.defaultPath(clientID: clientID, appName: appName, environment: env.name,
                                                fileExtension: settings.storage == "sqlite" ? "db" : "json")
    }
}
