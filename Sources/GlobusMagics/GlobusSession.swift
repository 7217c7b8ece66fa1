import Support
import GlobusSDK
import JSON

/// The kernel's Globus state, in named parts: sign-in (the settings in force from the kernel's
/// variables, the `%globus config` choices and demo mode; the app built from them; a login
/// waiting for its code, the two-step form used when the frontend cannot answer input
/// requests), demo mode (`DemoMode`), kept values (`KeptValues`), completion memory
/// (`SeenCollections`) and the secrets to mask (`SessionSecrets`). Used from the shell thread only.
final class GlobusSession: @unchecked Sendable {
    /// The public Globus tutorial native client (fine for teaching; register your own for real use).
    static let tutorialClientID = "61338d24-54d5-408f-a10d-66c06b59f6d2"
    static let defaultAppName = "Globus Kernel"
    /// The default scopes of a plain `%globus login`: auth, transfer, groups and search.
    static let loginServices: [GlobusService] = [.auth, .transfer, .groups, .search]

    /// What `%globus config KEY=VALUE` chose; each wins over the environment variable it names.
    struct Choices: Equatable {
        var clientID: String?
        var appName: String?
        var environment: String?
        var storage: TokenStorageKind = .json
        var tokenPath: String?
        var refreshTokens = true
        var autoRelogin = false
    }

    let environment: KernelEnvironment

    // Sign-in.
    var choices = Choices()
    /// A login started without stdin, waiting for `%globus login --code` (gone when demo mode
    /// starts or stops: it was made against the other Globus).
    var pending: PendingLogin? {
        get { pendingLogin.flatMap { $0.demo == demo.generation ? $0.login : nil } }
        set { pendingLogin = newValue.map { ($0, demo.generation) } }
    }
    private var pendingLogin: (login: PendingLogin, demo: Int)?
    /// The in-memory store (`%globus config storage memory`).
    let memory: any TokenStorage
    private var cachedSettings: (key: SettingsKey, settings: Settings)?
    private var cachedApp: (settings: Settings, app: GlobusApp)?
    private var warnedInsecure = false

    // The other parts.
    /// Demo mode: its simulator, banner and store.
    let demo: DemoMode
    /// Results kept with `--as NAME`, for `@{NAME.path}` in later lines (for the kernel's life).
    var kept = KeptValues()
    /// Collections and folders seen so far, and the ids names were resolved to: for Tab
    /// completion and `%globus ls "Tutorial Collection 1":/~/`.
    var seen = SeenCollections()
    /// Where this session's secrets are, and their mask.
    let secrets = SessionSecrets()

    /// On JupyterHub: the home the kernel started in, which every file `%globus` reads or writes
    /// must lie in (so no person's kernel reaches another's tokens, even where a spawner runs
    /// everyone as one system user). Nil elsewhere.
    let confinement: HomeConfinement?

    init(environment: KernelEnvironment) {
        self.environment = environment
        memory = WatchedTokenStorage(MemoryTokenStorage(), changes: secrets.changes)
        demo = DemoMode(environment: environment, changes: secrets.changes)
        confinement = HomeConfinement(environment: environment)
    }

    /// How `%globus` opens files: anywhere, or on a hub inside the home only (see `HomeConfinement`).
    var files: FileAccess { confinement?.files ?? .anywhere }

    /// What the settings are made from.
    private struct SettingsKey: Equatable {
        var generation: Int
        var choices: Choices
        var demo: Int
    }

    // MARK: settings and app

    /// The settings in force: the kernel's environment variables (with demo mode's on top), then
    /// the `%globus config` choices, then the kernel's defaults (the tutorial client, the app name).
    func settings() throws(GlobusError) -> Settings {
        let key = SettingsKey(generation: environment.generation, choices: choices, demo: demo.generation)
        if let c = cachedSettings, c.key == key { return c.settings }
        var variables = environment.forSettings
        if let simulator = demo.simulator { variables.merge(simulator.variables) { _, new in new } }
        var s = try Settings(variables: variables)
        if let name = choices.environment {
            s.environment = GlobusEnvironment(name: name, serviceURLs: s.environment.serviceURLs)
        }
        if s.clientSecret != nil && s.clientID == nil && choices.clientID == nil {
            throw .configuration(
                "GLOBUS_CLIENT_SECRET is set but GLOBUS_CLIENT_ID is not. Set both to run as a service account, or unset GLOBUS_CLIENT_SECRET to log in as a person.")
        }
        s.clientID = choices.clientID ?? s.clientID ?? GlobusSession.tutorialClientID
        s.appName = choices.appName ?? s.appName ?? GlobusSession.defaultAppName
        s.storage = choices.storage
        s.refreshTokens = choices.refreshTokens
        s.autoRedriveGARE = choices.autoRelogin
        s.products = [ClientProduct(name: "globus-kernel", version: KernelVersion.current)]
        s.tokenPath = try tokenPath(s)
        cachedSettings = (key, s)
        return s
    }

    /// Where tokens are stored: memory, demo mode's private folder (or, with a class's shared
    /// simulator, the `demo-` file beside the real one), the chosen path, or the Python SDK's
    /// default for the client and app. On a hub, it must lie in the person's own home.
    private func tokenPath(_ s: Settings) throws(GlobusError) -> String {
        if s.storage == .memory { return "memory" }
        // Demo mode has its own store, which can never be the person's real one.
        if let own = demo.simulator?.privateTokenPath(fileExtension: s.storage.fileExtension) { return own }
        let path: String
        if !demo.isOn, let p = choices.tokenPath {
            path = p
        } else {
            path = try JSONTokenStorage.defaultPath(
                clientID: s.clientID!, appName: s.appName!,
                environment: demo.isOn ? DemoSimulator.sharedEnvironmentName : s.environment.name,
                fileExtension: s.storage.fileExtension, home: s.home)
        }
        try confinement?.check(path, what: "the token file")
        return path
    }

    /// The app for the current settings (rebuilt when they change).
    func app() throws(GlobusError) -> GlobusApp {
        try demo.startFromEnvironment()
        let s = try settings()
        if let c = cachedApp, c.settings == s { return c.app }
        // Demo mode's own store lies in its private folder; any other in the person's home on a hub.
        let files = demo.simulator?.privateFiles ?? self.files
        let storage: any TokenStorage =
            switch s.storage {
            case .memory: demo.isOn ? demo.memory : memory
            case .sqlite: WatchedTokenStorage(try SQLiteTokenStorage(path: s.tokenPath!, files: files), changes: secrets.changes)
            case .json: WatchedTokenStorage(try JSONTokenStorage(path: s.tokenPath!, files: files), changes: secrets.changes)
            }
        secrets.sources.opened(storage)
        if !demo.isOn, s.storage == .json, let path = s.tokenPath { secrets.sources.realTokenFile(path, files: files) }
        if let secret = s.clientSecret { secrets.sources.signsIn(clientID: s.clientID!, secret: secret) }
        secrets.changes.bump()
        let app = try GlobusApp(settings: s, storage: storage)
        for svc in GlobusSession.loginServices where svc != .auth {
            app.addScopeRequirements(svc.resourceServer, svc.defaultScopes.compactMap { try? Scope.parse($0) })
        }
        if !app.isClientApp { app.addScopeRequirements("auth.globus.org", GlobusService.auth.defaultScopes.map { Scope($0) }) }
        cachedApp = (s, app)
        pending = nil
        return app
    }

    /// Once per kernel (and again after it was turned back on): a warning that certificates are
    /// not checked, when `GLOBUS_SDK_VERIFY_SSL` says false.
    func insecureTLSWarning() -> String? {
        let off = (try? settings())?.http.tls == .off
        defer { warnedInsecure = off }
        guard off, !warnedInsecure else { return nil }
        return "Warning: GLOBUS_SDK_VERIFY_SSL is false: TLS certificates are NOT checked, so anyone on the network path can"
            + " read your tokens and data. Use it only against a test service on this computer; set it to a CA bundle file instead.\n"
    }

    /// The auth service's address when it is a simulator on this computer, else nil.
    func localAuthURL() -> String? {
        guard let auth = (try? settings())?.environment.baseURL("auth") else { return nil }
        let local = ["http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost"].contains { auth.hasPrefix($0) }
        return local ? auth : nil
    }

    /// Every secret this kernel holds, to be found by value: the access and refresh tokens of
    /// every store it opened and of the person's real token file, the client secrets it signed
    /// in with, and the values of secret-looking variables (see `SecretSources`). Builds no app
    /// and starts no demo; made again only when a source changed (see `SessionSecrets.mask`).
    func secretMask() -> SecretMask {
        if !secrets.sources.watchesRealTokenFile { watchRealTokenFile() }
        return secrets.mask(environment: environment, demoGeneration: demo.generation, stores: [memory, demo.memory])
    }

    /// Starts watching the person's real token file (as the settings without demo mode name it).
    private func watchRealTokenFile() {
        guard var s = try? Settings(variables: environment.forSettings) else { return }
        s.clientID = choices.clientID ?? s.clientID ?? GlobusSession.tutorialClientID
        s.appName = choices.appName ?? s.appName ?? GlobusSession.defaultAppName
        let name = choices.environment ?? s.environment.name
        guard let path = choices.tokenPath ?? (try? JSONTokenStorage.defaultPath(clientID: s.clientID!, appName: s.appName!, environment: name, home: s.home)) else { return }
        secrets.sources.realTokenFile(path, files: files)
        secrets.changes.bump()
    }
}
