import Support
import GlobusSDK
import JSON

/// The kernel's Globus state: the settings (made from the kernel's environment variables, the
/// `%globus config` choices and demo mode), the app built from them, and a login waiting for its
/// code (the two-step form used when the frontend cannot answer input requests). Used from the
/// shell thread only.
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
    var choices = Choices()
    /// The demo simulator, when demo mode is on.
    private(set) var demo: DemoSimulator?
    /// Its process and folder, if it is the kernel's own: released at the kernel's end from
    /// whichever thread ends it.
    private let demoChild = Locked<DemoChild?>(nil)
    /// The banner still to show for a demo started from the environment.
    var pendingBanner: String?
    /// A login started without stdin, waiting for `%globus login --code`.
    var pending: PendingLogin?
    /// Results kept with `--as NAME`, for `@{NAME.path}` in later lines (for the kernel's life).
    var kept = KeptValues()
    /// Collection ids by the names that found them (`%globus ls "Tutorial Collection 1":/~/`).
    var collectionIDs: [String: String] = [:]
    /// Collections and folders seen so far, for Tab completion.
    var seen = SeenCollections()
    /// Changes this process made to the tokens of the stores it opened (each store is watched).
    let secretChanges = SecretChanges()
    /// The in-memory store (`%globus config storage memory`).
    let memory: any TokenStorage
    /// Where this session's secrets are (every store opened, the real token file, client secrets).
    let secrets = SecretSources()
    /// Demo mode's in-memory store, apart from the real one.
    let demoMemory: any TokenStorage
    /// The secret mask last made, what it was made from, and the state of those sources then
    /// (see `secretMask()`).
    private var lastMask: (sources: MaskSources, values: [String], mask: SecretMask)?
    /// How many times the secrets were gathered for a mask (the tests see the cache work).
    private(set) var maskGatherings = 0
    private var cachedSettings: (key: SettingsKey, settings: Settings)?
    private var cachedApp: (settings: Settings, app: GlobusApp)?
    private var warnedInsecure = false
    private var demoFromEnvironmentTried = false
    /// Counts demo starts and stops (a new simulator may be where the last one was in memory).
    private var demoGeneration = 0

    /// On JupyterHub: the home the kernel started in, which every file `%globus` reads or writes
    /// must lie in (so no person's kernel reaches another's tokens, even where a spawner runs
    /// everyone as one system user). Nil elsewhere.
    let confinement: HomeConfinement?

    init(environment: KernelEnvironment) {
        self.environment = environment
        memory = WatchedTokenStorage(MemoryTokenStorage(), changes: secretChanges)
        demoMemory = WatchedTokenStorage(MemoryTokenStorage(), changes: secretChanges)
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
        let key = SettingsKey(generation: environment.generation, choices: choices, demo: demoGeneration)
        if let c = cachedSettings, c.key == key { return c.settings }
        var variables = environment.forSettings
        if let demo { variables.merge(demo.variables) { _, new in new } }
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
        if let demo, let own = demo.privateTokenPath(fileExtension: s.storage.fileExtension) { return own }
        let path: String
        if demo == nil, let p = choices.tokenPath {
            path = p
        } else {
            path = try JSONTokenStorage.defaultPath(
                clientID: s.clientID!, appName: s.appName!,
                environment: demo == nil ? s.environment.name : DemoSimulator.sharedEnvironmentName,
                fileExtension: s.storage.fileExtension, home: s.home)
        }
        try confinement?.check(path, what: "the token file")
        return path
    }

    /// The app for the current settings (rebuilt when they change).
    func app() throws(GlobusError) -> GlobusApp {
        try startDemoFromEnvironment()
        let s = try settings()
        if let c = cachedApp, c.settings == s { return c.app }
        // Demo mode's own store lies in its private folder; any other in the person's home on a hub.
        let files = demo?.privateFiles ?? self.files
        let storage: any TokenStorage =
            switch s.storage {
            case .memory: demo == nil ? memory : demoMemory
            case .sqlite: WatchedTokenStorage(try SQLiteTokenStorage(path: s.tokenPath!, files: files), changes: secretChanges)
            case .json: WatchedTokenStorage(try JSONTokenStorage(path: s.tokenPath!, files: files), changes: secretChanges)
            }
        secrets.opened(storage)
        if demo == nil, s.storage == .json, let path = s.tokenPath { secrets.realTokenFile(path, files: files) }
        if let secret = s.clientSecret { secrets.signsIn(clientID: s.clientID!, secret: secret) }
        secretChanges.bump()
        var config = GlobusApp.Config(settings: s, storage: storage)
        config.products = [ClientProduct(name: "globus-kernel", version: GlobusInterpreter.version)]
        let app: GlobusApp
        if let secret = s.clientSecret {
            app = GlobusApp.client(s.appName!, clientID: s.clientID!, clientSecret: secret, config: config)
        } else {
            app = GlobusApp.user(s.appName!, clientID: s.clientID!, config: config)
        }
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
    /// and starts no demo.
    /// The mask is made again only when the secrets it was made from change (a warm cell asks
    /// for it at each request and output; each store's look is one `lstat`).
    /// When none of its sources changed (the environment's and demo mode's generations, this
    /// process's writes to its stores, how each token file looks) the last mask stands without
    /// reading a store: a warm cell's request and outputs cost a few `lstat`s, not a gathering
    /// and sorting of every secret.
    func secretMask() -> SecretMask {
        if !secrets.watchesRealTokenFile { watchRealTokenFile() }
        let sources = MaskSources(
            environment: environment.generation, demo: demoGeneration,
            changes: secretChanges.value, files: secrets.fileLooks())
        if let last = lastMask, last.sources == sources, sources.files.allSatisfy(\.settled) { return last.mask }
        maskGatherings += 1
        let values = (environment.secretValues() + secrets.values() + [memory, demoMemory].flatMap { (try? $0.all())?.values.flatMap(\.secrets) ?? [] }).sorted()
        if let last = lastMask, last.values == values {
            lastMask = (sources, values, last.mask)
            return last.mask
        }
        let mask = SecretMask(values)
        lastMask = (sources, values, mask)
        return mask
    }

    /// What a secret mask was made from, as far as a change can be seen without reading it.
    struct MaskSources: Equatable {
        var environment: Int
        var demo: Int
        var changes: UInt64
        var files: [TokenFileLook]
    }

    /// Starts watching the person's real token file (as the settings without demo mode name it).
    private func watchRealTokenFile() {
        guard var s = try? Settings(variables: environment.forSettings) else { return }
        s.clientID = choices.clientID ?? s.clientID ?? GlobusSession.tutorialClientID
        s.appName = choices.appName ?? s.appName ?? GlobusSession.defaultAppName
        let name = choices.environment ?? s.environment.name
        guard let path = choices.tokenPath ?? (try? JSONTokenStorage.defaultPath(clientID: s.clientID!, appName: s.appName!, environment: name, home: s.home)) else { return }
        secrets.realTokenFile(path, files: files)
        secretChanges.bump()
    }

    // MARK: demo mode

    /// Starts demo mode when `GLOBUS_KERNEL_DEMO` asks for it (`1`/`on`, or a username whose
    /// logins are approved automatically), once.
    /// `hub` approves each person as the JupyterHub user the kernel runs for (`JUPYTERHUB_USER`),
    /// which a class's simulator knows from its roster.
    func startDemoFromEnvironment() throws(GlobusError) {
        let decided = environment.decided
        guard demo == nil, !demoFromEnvironmentTried, let v = decided.demo, v != "0", v.lowercased() != "off" else { return }
        demoFromEnvironmentTried = true
        var person: String? = ["1", "on", "true", "yes"].contains(v.lowercased()) ? nil : v
        if v.lowercased() == "hub" {
            guard let user = decided.hub?.user else {
                throw .configuration(
                    "GLOBUS_KERNEL_DEMO=hub approves each person as their JupyterHub user, but JUPYTERHUB_USER is not set (is this kernel running under JupyterHub?)")
            }
            person = user
        }
        try startDemo(autoApprove: person)
    }

    /// `%globus demo on [--as USERNAME]`. Under JupyterHub the person is always the hub user the
    /// kernel started for (a class's simulator approves no one else): `--as` is refused there.
    func startDemo(asked approveAs: String?) throws(GlobusError) {
        guard let user = environment.settings.hub?.user else { return try startDemo(autoApprove: approveAs) }
        guard approveAs == nil else {
            throw .configuration("demo on --as: under JupyterHub, demo mode signs you in as your own hub user (\(user)); --as cannot choose another person. Use %globus demo on.")
        }
        try startDemo(autoApprove: user)
    }

    func startDemo(autoApprove: String?) throws(GlobusError) {
        stopDemo()
        demo = try DemoSimulator.start(autoApprove: autoApprove, environment: environment)
        demoChild.withLock { $0 = demo?.ownChild }
        demoGeneration += 1
        pendingBanner = demo?.banner
    }

    func stopDemo() {
        demo?.stop()
        demoChild.withLock { $0 = nil }
        demo = nil
        demoGeneration += 1
        pending = nil
    }

    /// Stops the kernel's own demo simulator and removes the demo's folder (the kernel is ending;
    /// any thread). A shared simulator runs on.
    func releaseAtExit() {
        demoChild.withLock { $0 }?.release()
    }

    /// The login flow that needs no person (demo mode's automatic approval), if any.
    /// A class's simulator is also shown the kernel's JupyterHub token, by which it knows the person.
    func automaticLogin(_ app: GlobusApp) -> (any LoginFlow)? {
        guard let demo, let person = demo.autoApprove else { return nil }
        return SimulatorApproval(http: app.http, identity: person, classSimulator: demo.hubToken.map { ($0, demo.authURL) })
    }
}
