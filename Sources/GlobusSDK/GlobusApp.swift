import Support
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// A Globus application: the scopes it needs per resource server, where its tokens live, and
/// how it gets them — a person logging in (`UserApp`) or a service account with client
/// credentials (`ClientApp`). Like the Python SDK's `GlobusApp`, with these differences:
/// expiry is checked on every use; refresh tokens are on by default; a rejected refresh means
/// "log in again"; a refresh answer without a refresh token keeps the old one; logout forgets the
/// identity so someone else can log in; `openid` is always required.
public final class GlobusApp: @unchecked Sendable {
    /// The app's name (in `User-Agent`, the token file's folder, the consent's name).
    public let appName: String
    /// The Globus Auth client's id.
    public let clientID: String
    /// Whether it is a service account (client credentials) rather than a person's app.
    public let isClientApp: Bool
    /// Its settings: the environment, HTTP settings, refresh tokens, redirect URI, GARE redrive
    /// and products (the Python SDK's `GlobusAppConfig`), with the app's name and client id.
    public let settings: Settings
    /// Where its tokens are kept.
    public let storage: any TokenStorage
    /// Globus Auth's login endpoints for this app's client (authorize, token, revoke, introspect).
    public let authClient: AuthLoginClient
    /// How its requests are sent.
    public let http: GlobusHTTP
    /// Verifies the id_tokens of its logins.
    public let idTokens: IDTokenVerifier
    private let state = Locked<State>(State())

    struct State {
        var requirements: [(String, [Scope])] = [("auth.globus.org", [Scope(uncheckedName: "openid")])]
        /// Scopes with dependencies already found in the consent forest (identity → scope strings).
        var consentsMet: [String: Set<String>] = [:]
    }

    /// A person's app (native with PKCE, or confidential with a redirect URI in `settings`),
    /// keeping its tokens in `storage`.
    public static func user(
        _ appName: String, clientID: String, clientSecret: String? = nil, settings: Settings = Settings(),
        storage: any TokenStorage, transport: any Transport = CurlTransport.shared
    ) -> GlobusApp {
        GlobusApp(appName: appName, clientID: clientID, clientSecret: clientSecret, isClientApp: false, settings: settings, storage: storage, transport: transport)
    }

    /// A service account's app (client credentials), keeping its tokens in `storage`.
    public static func client(
        _ appName: String, clientID: String, clientSecret: String, settings: Settings = Settings(),
        storage: any TokenStorage, transport: any Transport = CurlTransport.shared
    ) -> GlobusApp {
        GlobusApp(appName: appName, clientID: clientID, clientSecret: clientSecret, isClientApp: true, settings: settings, storage: storage, transport: transport)
    }

    /// The app `settings` describe: a service account when they hold a client secret, else a
    /// person's app; named ``Settings/appName`` (default "Unnamed Globus App", as in the Python
    /// SDK), keeping its tokens in `storage`, or else in the store the settings name
    /// (``Settings/tokenStorage(appName:clientID:files:)``). Throws a configuration error without
    /// a client id.
    ///
    /// ```swift
    /// let app = try GlobusApp(settings: Settings(variables: Settings.processVariables()))
    /// ```
    public convenience init(settings: Settings, storage: (any TokenStorage)? = nil, transport: any Transport = CurlTransport.shared) throws(GlobusError) {
        guard let clientID = settings.clientID else {
            throw .configuration("Could not set up a globus login client: the settings have no client id (GLOBUS_CLIENT_ID).")
        }
        let appName = settings.appName ?? "Unnamed Globus App"
        var store = storage
        if store == nil { store = try settings.tokenStorage(appName: appName, clientID: clientID) }
        self.init(
            appName: appName, clientID: clientID, clientSecret: settings.clientSecret, isClientApp: settings.isClientApp, settings: settings,
            storage: store!, transport: transport)
    }

    init(
        appName: String, clientID: String, clientSecret: String?, isClientApp: Bool, settings: Settings, storage: any TokenStorage,
        transport: any Transport
    ) {
        self.appName = appName
        self.clientID = clientID
        self.isClientApp = isClientApp
        var settings = settings
        settings.appName = appName
        settings.clientID = clientID
        self.settings = settings
        self.storage = storage
        http = GlobusHTTP(transport: transport, appName: appName, products: settings.products, settings: settings.http)
        authClient = AuthLoginClient(clientID: clientID, clientSecret: clientSecret, environment: settings.environment, http: http)
        idTokens = IDTokenVerifier(http: http, environment: settings.environment, clientID: clientID)
    }

    // MARK: scope requirements

    /// The required scopes by resource server.
    public var scopeRequirements: [(String, [Scope])] { state.withLock { $0.requirements } }

    /// Adds required scopes for a resource server (merged, not duplicated).
    public func addScopeRequirements(_ resourceServer: String, _ scopes: [Scope]) {
        state.withLock { s in
            if let i = s.requirements.firstIndex(where: { $0.0 == resourceServer }) {
                s.requirements[i].1 = ScopeParser.merge(s.requirements[i].1, scopes)
            } else {
                s.requirements.append((resourceServer, ScopeParser.merge([], scopes)))
            }
        }
    }

    /// Every required scope, merged.
    public var allRequiredScopes: [Scope] { scopeRequirements.reduce([]) { ScopeParser.merge($0, $1.1) } }

    // MARK: identity

    /// The identity the stored tokens belong to (user apps), read from the store each time:
    /// other processes may share it.
    public func identityID() throws(GlobusError) -> String? {
        try storage.all().values.compactMap(\.identityID).first
    }

    // MARK: checking tokens

    /// Why the stored tokens for `resourceServer` cannot be used as they are, or nil when they can.
    public func problem(with resourceServer: String, now: Int = Int(time(nil))) throws(GlobusError) -> LoginRequired? {
        try problem(with: resourceServer, stored: try storage.get(resourceServer), now: now)
    }

    func problem(
        with resourceServer: String, stored: TokenData?, now: Int,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> LoginRequired? {
        let required = scopeRequirements.first { $0.0 == resourceServer }?.1 ?? []
        guard let t = stored else {
            return isClientApp ? nil : LoginRequired(reason: .noTokens, resourceServer: resourceServer)
        }
        let granted = Set(t.scopes)
        let missing = required.map(\.name).filter { !granted.contains($0) }
        if !missing.isEmpty { return LoginRequired(reason: .missingScopes(missing), resourceServer: resourceServer) }
        if let unmet = try unmetDependentScope(required, identity: t.identityID, isCancelled: isCancelled) {
            return LoginRequired(
                reason: .missingScopes([unmet.description]), resourceServer: resourceServer,
                authorizationParameters: AuthorizationParameters(requiredScopes: [unmet.description]))
        }
        if isClientApp { return nil }
        if settings.refreshTokens {
            if t.refreshToken == nil && t.expiresAtSeconds <= now { return LoginRequired(reason: .noRefreshToken, resourceServer: resourceServer) }
        } else if t.expiresAtSeconds <= now {
            return LoginRequired(reason: .expired, resourceServer: resourceServer)
        }
        return nil
    }

    /// A required scope whose dependencies the identity has not consented to (checked against the
    /// consent forest once, then remembered), or nil.
    func unmetDependentScope(_ required: [Scope], identity: String?, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> Scope? {
        let withDeps = required.filter { !$0.dependencies.isEmpty }
        guard !withDeps.isEmpty, let identity, !isClientApp else { return nil }
        let known = state.withLock { $0.consentsMet[identity] ?? [] }
        let unknown = withDeps.filter { !known.contains($0.description) }
        guard !unknown.isEmpty else { return nil }
        let forest = ConsentForest(try consents(identityID: identity, isCancelled: isCancelled))
        for s in unknown {
            guard forest.meets(s) else { return s }
            state.withLock { _ = $0.consentsMet[identity, default: []].insert(s.description) }
        }
        return nil
    }

    /// True when some required resource server has no usable tokens.
    public func loginRequired() throws(GlobusError) -> Bool {
        for (rs, _) in scopeRequirements where try problem(with: rs) != nil { return true }
        return false
    }

    // MARK: logging in

    /// Starts a login: the URL to show, and the state to finish it with.
    public func startLogin(parameters: AuthorizationParameters? = nil, extraScopes: [Scope] = []) throws(GlobusError) -> PendingLogin {
        guard !isClientApp else { throw .usage("A ClientApp logs in with client credentials; it has no browser login.") }
        var scopes = ScopeParser.merge(allRequiredScopes, extraScopes)
        if let more = parameters?.requiredScopes {
            for s in more {
                do { scopes = ScopeParser.merge(scopes, try ScopeParser.parse(s)) } catch { throw .usage("invalid required scope '\(s)': \(error)") }
            }
        }
        let pkce = authClient.isConfidential ? nil : PKCE()
        let redirect = settings.redirectURI ?? authClient.authCodeRedirect
        if authClient.isConfidential && settings.redirectURI == nil {
            throw .configuration("Use of a Confidential client requires an explicit redirect_uri.")
        }
        var options = AuthLoginClient.AuthorizeOptions(
            scopes: scopes, redirectURI: redirect, refreshTokens: settings.refreshTokens, pkce: pkce,
            prefillNamedGrant: authClient.isConfidential ? nil : GlobusApp.namedGrant(appName), parameters: parameters)
        options.state = "_default"
        return PendingLogin(authorizeURL: authClient.authorizeURL(options), pkce: pkce, redirectURI: redirect, scopes: scopes, parameters: parameters)
    }

    /// "<app name> on <host>", as the Python SDK pre-fills the consent's name.
    static func namedGrant(_ appName: String) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        var host = String(cString: buf)
        if host.hasSuffix(".local") { host = String(host.dropLast(6)) }
        return host.isEmpty ? appName : "\(appName) on \(host)"
    }

    /// Finishes a login with the pasted code: exchanges it, verifies the id_token, checks the
    /// identity, stores the tokens. Returns who logged in.
    @discardableResult
    public func finishLogin(_ pending: PendingLogin, code: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> IdentityClaims {
        let response: TokenResponse
        do {
            response = try authClient.exchange(code: code.trimmingCharacters(" \t\r\n"), redirectURI: pending.redirectURI, pkce: pending.pkce, isCancelled: isCancelled)
        } catch {
            throw Self.loginFailure(error, clientID: clientID, pending: pending)
        }
        guard let idToken = response.idToken else {
            throw .idToken("Token grant response doesn't contain an id_token. This normally occurs if the auth flow didn't include 'openid' alongside other scopes.")
        }
        let claims = try idTokens.verify(idToken, isCancelled: isCancelled)
        // Never mix two people's tokens in one store (checked and written under the store's lock).
        let entries = response.resourceServers.map { TokenData(response.byResourceServer[$0]!, identityID: claims.sub) }
        if try storage.store(entries, ifIdentityIs: claims.sub) != nil {
            for t in response.byResourceServer.values {
                try? authClient.revoke(t.accessToken, isCancelled: isCancelled)
                if let r = t.refreshToken { try? authClient.revoke(r, isCancelled: isCancelled) }
            }
            throw .loginRequired(LoginRequired(reason: .identityChanged, resourceServer: "auth.globus.org"))
        }
        return claims
    }

    /// What a refused code exchange means for the person logging in: a code Globus did not take
    /// (`invalid_grant`) is a login to start again; a client Globus does not know
    /// (`invalid_client`) is a configuration to fix. Anything else is passed on.
    static func loginFailure(_ error: GlobusError, clientID: String, pending: PendingLogin) -> GlobusError {
        guard case .api(let e) = error, (400...401).contains(e.httpStatus) else { return error }
        switch e.json?["error"]?.string ?? e.code {
        case "invalid_grant":
            return .loginRequired(
                LoginRequired(
                    reason: .codeRejected(e.json?["error_description"]?.string), resourceServer: "auth.globus.org",
                    authorizationParameters: pending.parameters))
        case "invalid_client":
            return .configuration(
                "Globus Auth does not know the client id '\(clientID)' (GLOBUS_CLIENT_ID): register a native app at https://app.globus.org/settings/developers and set its id, or unset it for the default"
            )
        default:
            return error
        }
    }

    /// Logs in through `flow` when needed (or always with `force` or parameters).
    @discardableResult
    public func login(
        flow: some LoginFlow, force: Bool = false, parameters: AuthorizationParameters? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> IdentityClaims? {
        if isClientApp { try clientCredentialsLogin(isCancelled: isCancelled); return nil }
        let needed = try loginRequired()
        guard force || parameters != nil || needed else { return nil }
        let pending = try startLogin(parameters: parameters)
        let code = try flow.obtainCode(authorizeURL: pending.authorizeURL)
        return try finishLogin(pending, code: code, isCancelled: isCancelled)
    }

    /// Gets client-credentials tokens for every required resource server (ClientApp).
    public func clientCredentialsLogin(isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) {
        guard isClientApp else { throw .usage("client credentials are for a ClientApp") }
        let r = try authClient.clientCredentials(scopes: allRequiredScopes, isCancelled: isCancelled)
        try storeClientTokens(r, isCancelled: isCancelled)
    }

    /// Stores a client-credentials response with the client's identity from its id_token (when
    /// `openid` was asked for), as the Python SDK's ClientApp stores it.
    func storeClientTokens(_ r: TokenResponse, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) {
        var identity: String?
        if let t = r.idToken { identity = try idTokens.verify(t, isCancelled: isCancelled).sub }
        if identity == nil { identity = try storage.all().values.compactMap(\.identityID).first }
        try storage.store(r.resourceServers.map { TokenData(r.byResourceServer[$0]!, identityID: identity) })
    }

    /// Revokes and removes tokens (those of required resource servers, or all with `sweep`),
    /// and forgets the identity so that another person can log in.
    /// An interrupt stops the revokes at once; the local tokens are still removed.
    public func logout(sweep: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> [String] {
        let stored = try storage.all()
        let targets = sweep ? Array(stored.keys).sorted() : scopeRequirements.map(\.0).filter { stored[$0] != nil }
        var firstError: GlobusError?
        for rs in targets {
            guard let t = stored[rs] else { continue }
            for token in [t.accessToken] + (t.refreshToken.map { [$0] } ?? []) {
                if isCancelled() { firstError = firstError ?? .cancelled; break }
                do { try authClient.revoke(token, isCancelled: isCancelled) } catch { firstError = firstError ?? error }
            }
            try storage.remove(rs)
        }
        switch firstError {
        case .network?, .cancelled?: throw firstError!
        default: return targets
        }
    }

    // MARK: authorizers

    /// The authorizer for calls to `resourceServer`: checks expiry on every use, refreshes
    /// (user apps with refresh tokens) or renews (client apps) as needed.
    public func authorizer(for resourceServer: String, isCancelled: @escaping @Sendable () -> Bool = { false }) -> any Authorizer {
        AppAuthorizer(app: self, resourceServer: resourceServer, isCancelled: isCancelled)
    }

    /// A usable access token for `resourceServer`, refreshing or renewing first if needed.
    func accessToken(for rs: String, forceRenew: Bool, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> String {
        let now = Int(time(nil))
        // One read of the store per call: another process may have refreshed since the last one.
        let stored = try storage.get(rs)
        if let p = try problem(with: rs, stored: stored, now: now, isCancelled: isCancelled) { throw .loginRequired(p) }
        if let t = stored, !forceRenew, t.expiresAtSeconds - 60 > now { return t.accessToken }
        if isClientApp {
            let scopes = scopeRequirements.first { $0.0 == rs }?.1 ?? []
            guard !scopes.isEmpty else { throw .usage("no scope requirements for resource server \(rs)") }
            let r = try authClient.clientCredentials(scopes: scopes, isCancelled: isCancelled)
            try storeClientTokens(r, isCancelled: isCancelled)
            guard let t = r.byResourceServer[rs] else { throw .auth("client credentials did not return a token for \(rs)") }
            return t.accessToken
        }
        guard let t = stored else { throw .loginRequired(LoginRequired(reason: .noTokens, resourceServer: rs)) }
        guard settings.refreshTokens, let refresh = t.refreshToken else {
            throw .loginRequired(LoginRequired(reason: .expired, resourceServer: rs))
        }
        let response: TokenResponse
        do {
            response = try authClient.refresh(refresh, isCancelled: isCancelled)
        } catch {
            if case .api(let e) = error, (400...401).contains(e.httpStatus), e.json?["error"]?.string == "invalid_grant" || e.code == "invalid_grant" {
                throw .loginRequired(LoginRequired(reason: .refreshRejected, resourceServer: rs))
            }
            throw error
        }
        guard response.resourceServers.count == 1, var fresh = response.byResourceServer[rs] else {
            throw .auth("Attempting refresh for \(rs) didn't return exactly one token. Possible service error.")
        }
        if fresh.refreshToken == nil { fresh.refreshToken = refresh }
        // Stored under the store's lock only if no entry belongs to someone else: another process
        // may have logged someone else in meanwhile, or be logging them out entry by entry (a
        // check of this entry alone let one person's refreshed token join another's).
        let renewed = TokenData(fresh, identityID: t.identityID)
        if let identity = t.identityID {
            if try storage.store([renewed], ifIdentityIs: identity) != nil {
                throw .loginRequired(LoginRequired(reason: .identityChanged, resourceServer: rs))
            }
        } else {
            try storage.update(rs) { _ throws(GlobusError) in renewed }
        }
        return fresh.accessToken
    }
}

/// Bearer tokens from a `GlobusApp`, checked on every use.
final class AppAuthorizer: Authorizer {
    let app: GlobusApp
    let resourceServer: String
    let isCancelled: @Sendable () -> Bool
    let renewNext = Locked(false)

    init(app: GlobusApp, resourceServer: String, isCancelled: @escaping @Sendable () -> Bool) {
        self.app = app
        self.resourceServer = resourceServer
        self.isCancelled = isCancelled
    }

    func authorization() throws(GlobusError) -> String? {
        let force = renewNext.withLock { v in
            defer { v = false }; return v
        }
        return "Bearer " + (try app.accessToken(for: resourceServer, forceRenew: force, isCancelled: isCancelled))
    }

    func handleUnauthorized() throws(GlobusError) -> Bool {
        guard app.isClientApp || app.settings.refreshTokens else { return false }
        renewNext.withLock { $0 = true }
        return true
    }
}
