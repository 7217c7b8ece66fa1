import GlobusSDK
import JupyterKernel

/// `%globus login`: sign in (paste-the-code), or finish a two-step login with `--code`.
struct LoginCommand: GlobusSubcommand {
    static let scope = Option<String>("--scope", value: "SCOPE", help: "also ask for this scope (repeatable)").repeatable()
    static let service = Option<ServiceName>("--service", value: "NAME", help: "also ask for a service's scopes (repeatable)").repeatable()
    static let force = Flag("--force", help: "log in even if the stored tokens are fine")
    static let code = Option<String>("--code", value: "CODE", help: "finish a login started without input, with the pasted code")
    static let noRefresh = Flag("--no-refresh", help: "do not ask for refresh tokens")
    static let sessionDomain = Option<String>("--session-domain", value: "DOMAIN", help: "require an identity from this domain")
    static let sessionIdentity = Option<String>("--session-identity", value: "ID", help: "require this identity")
    static let sessionPolicy = Option<String>("--session-policy", value: "POLICY", help: "require this authentication policy")
    static let mfa = Flag("--mfa", help: "require multi-factor authentication")
    static let promptLogin = Flag("--prompt-login", help: "make Globus ask for credentials again")

    static let declaration = CommandDeclaration(
        name: "login",
        summary: "Sign in to Globus (paste-the-code login; tokens are shared with the Python SDK's UserApp).",
        options: [scope, service, force, code, noRefresh, sessionDomain, sessionIdentity, sessionPolicy, mfa, promptLogin], positionals: [],
        examples: ["%globus login", "%globus login --service timers", "%globus login --code PASTE_CODE_HERE"])

    var scopes: [Scope] = []
    var force: Bool
    var code: String?
    var noRefresh: Bool
    var parameters = AuthorizationParameters()

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        for text in a.all(Self.scope) {
            do { scopes += try ScopeParser.parse(text) } catch { throw Self.usage("invalid scope '\(text)': \(error)") }
        }
        for name in a.all(Self.service) { scopes += name.service.defaultScopes.compactMap { try? Scope.parse($0) } }
        force = a[Self.force]
        code = a[Self.code]
        noRefresh = a[Self.noRefresh]
        let list = { (key: Option<String>) in a.all(key).isEmpty ? nil : a.all(key) }
        parameters.sessionRequiredSingleDomain = list(Self.sessionDomain)
        parameters.sessionRequiredIdentities = list(Self.sessionIdentity)
        parameters.sessionRequiredPolicies = list(Self.sessionPolicy)
        if a[Self.mfa] { parameters.sessionRequiredMFA = true }
        if a[Self.promptLogin] { parameters.prompt = "login" }
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        if noRefresh { g.session.choices.refreshTokens = false }
        let app = try g.app()
        if app.isClientApp {
            try g.sdk { () throws(GlobusError) in try app.clientCredentialsLogin(isCancelled: g.isCancelled) }
            let servers = try g.sdk { () throws(GlobusError) in try app.storage.all().keys.sorted().joined(separator: ", ") }
            g.output.stream(
                .stdout,
                "This kernel runs as a service account (client \(app.clientID), from GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET): no browser login is needed.\nGot tokens for: \(servers).\n"
            )
            return nil
        }
        if let code {
            guard let pending = g.session.pending else {
                throw Self.usage("--code: no login is waiting for a code. Run %globus login first, open the link, then paste the code here.")
            }
            let who = try g.sdk { () throws(GlobusError) in try app.finishLogin(pending, code: code, isCancelled: g.isCancelled) }
            g.session.pending = nil
            g.output.display(g.loggedIn(who))
            return nil
        }
        for scope in scopes { if let rs = Scopes.resourceServer(of: scope.name) { app.addScopeRequirements(rs, [scope]) } }
        let hasParameters = parameters != AuthorizationParameters()
        let needed = try g.sdk { () throws(GlobusError) in try app.loginRequired() }
        if !needed && !force && !hasParameters && scopes.isEmpty {
            let who = (try? g.userinfo(app)).flatMap { $0["preferred_username"]?.string }
            g.output.stream(.stdout, "Already logged in\(who.map { " as " + $0 } ?? "") with the needed scopes. Use %globus login --force to log in again.\n")
            return nil
        }
        try g.runLogin(app, parameters: hasParameters ? parameters : nil, extraScopes: scopes)
        return nil
    }
}

/// A service named on the command line (`--service transfer`); `timers` is the CLI's spelling of `timer`.
struct ServiceName: ArgumentValue {
    let service: GlobusService
    init?(argument: String) {
        guard let s = GlobusService.named(argument) else { return nil }
        service = s
    }
    static var choices: [String] { GlobusService.all.map(\.name) + ["timers"] }
}
