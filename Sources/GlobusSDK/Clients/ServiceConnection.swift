import JSON

/// How a client's calls behave: what happens when a login is needed, when they give up, whether
/// an authorization requirement (GARE) is met by logging in and calling again.
///
/// Every call of a client is blocking and runs on the calling thread; ``isCancelled`` is asked
/// while a request is on the wire (every 50 ms) and between retries, and a `true` ends the call
/// with ``GlobusError/cancelled``.
public struct ClientOptions: Sendable {
    /// Runs when the app's tokens cannot be used as they are (none yet, expired without a refresh
    /// token, missing a scope): it should log in (for example with ``GlobusApp/login(flow:force:parameters:isCancelled:)``),
    /// and the call is then made once more. Without it, such a call throws
    /// ``GlobusError/loginRequired(_:)``. Only clients made from a ``GlobusApp`` use it.
    public var onLoginRequired: (@Sendable (LoginRequired) throws(GlobusError) -> Void)?
    /// Whether to give up: asked while a request is on the wire and between retries.
    public var isCancelled: @Sendable () -> Bool
    /// With ``onLoginRequired``: when the service answers with an authorization requirement
    /// (a GARE, such as a `ConsentRequired` for a mapped collection), log in with its parameters
    /// and call once more. `nil` follows the app's ``Settings/autoRedriveGARE``.
    public var redriveGARE: Bool?
    /// Runs around every request the client sends (each page a paginator fetches too), with the
    /// request as it is about to go (``ServiceRequest/baseURL`` set, before the SDK adds its own
    /// headers and credentials) and the function that sends it: it may look at the request and
    /// refuse it (by throwing), and look at or change the answer before the client reads it. The
    /// logins and retries of a call happen inside `send`. Nil sends every request as it is.
    ///
    /// ```swift
    /// let options = ClientOptions(intercept: { request, send throws(GlobusError) in
    ///     print(request.method, request.path)
    ///     return try send(request)
    /// })
    /// ```
    public var intercept: (@Sendable (ServiceRequest, Send) throws(GlobusError) -> HTTPResponse)?

    /// What sends a request for ``intercept``: the connection's own call (credentials, logins, retries).
    public typealias Send = (ServiceRequest) throws(GlobusError) -> HTTPResponse

    /// Options; by default a login required is thrown, nothing cancels, GAREs follow the app's
    /// setting, and requests are sent as they are.
    public init(
        onLoginRequired: (@Sendable (LoginRequired) throws(GlobusError) -> Void)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }, redriveGARE: Bool? = nil,
        intercept: (@Sendable (ServiceRequest, Send) throws(GlobusError) -> HTTPResponse)? = nil
    ) {
        self.onLoginRequired = onLoginRequired
        self.isCancelled = isCancelled
        self.redriveGARE = redriveGARE
        self.intercept = intercept
    }
}

/// A bearer token given as it is, for a client made from a token source rather than an app (the
/// Python SDK's `AccessTokenAuthorizer`). It is never refreshed: once it expires, calls fail with
/// a 401 ``GlobusError/api(_:)``.
public struct AccessTokenAuthorizer: Authorizer {
    let token: String

    /// An authorizer that sends `token` as `Authorization: Bearer …`.
    public init(_ token: String) { self.token = token }

    /// `Bearer <token>`.
    public func authorization() throws(GlobusError) -> String? { "Bearer " + token }

    /// Always false: a fixed token cannot be renewed.
    public func handleUnauthorized() throws(GlobusError) -> Bool { false }
}

/// Where a client's calls go and with which credentials: a ``GlobusApp`` (its tokens, refreshed
/// and renewed as needed, and its login), or an ``Authorizer`` with an environment.
/// Made by the clients' initializers; its contents are the SDK's own.
public struct ServiceConnection: Sendable {
    enum Source: Sendable {
        case app(GlobusApp)
        case authorizer(any Authorizer, GlobusHTTP, GlobusEnvironment)
    }

    let source: Source
    /// The service called (its base URL and path prefix).
    public let service: GlobusService
    /// The resource server whose tokens the calls carry.
    public let resourceServer: String
    /// A base URL replacing the service's (a GCS manager's).
    let baseURL: String?
    /// How calls behave.
    public var options: ClientOptions

    init(_ source: Source, service: GlobusService, resourceServer: String? = nil, baseURL: String? = nil, options: ClientOptions) {
        self.source = source
        self.service = service
        self.resourceServer = resourceServer ?? service.resourceServer
        self.baseURL = baseURL
        self.options = options
    }

    /// The app the calls use, if they use one.
    public var app: GlobusApp? {
        if case .app(let app) = source { return app }
        return nil
    }

    /// The app the calls use; for a client made without one, a usage error saying that `what`
    /// needs one (a client made from an authorizer has no app to ask for consent).
    func app(for what: String) throws(GlobusError) -> GlobusApp {
        guard let app else { throw .usage("\(what) needs a client made from a GlobusApp") }
        return app
    }

    /// The environment the calls go to.
    public var environment: GlobusEnvironment {
        switch source {
        case .app(let app): app.settings.environment
        case .authorizer(_, _, let environment): environment
        }
    }

    /// A request to this connection's service: the query parameters that have a value, and a JSON body.
    func request(_ method: String, _ path: String, query: KeyValuePairs<String, String?> = [:], json: JSON? = nil) -> ServiceRequest {
        ServiceRequest(service: service, method: method, path: path, query: query, json: json)
    }

    /// Sends a request with this connection's credentials and options (nothing, once cancelled),
    /// through the options' ``ClientOptions/intercept`` when there is one.
    func send(_ request: ServiceRequest) throws(GlobusError) -> HTTPResponse {
        if options.isCancelled() { throw .cancelled }
        var r = request
        if let baseURL { r.baseURL = baseURL }
        guard let intercept = options.intercept else { return try deliver(r) }
        return try intercept(r) { (r: ServiceRequest) throws(GlobusError) -> HTTPResponse in try deliver(r) }
    }

    /// Sends a request with this connection's credentials.
    private func deliver(_ r: ServiceRequest) throws(GlobusError) -> HTTPResponse {
        switch source {
        case .app(let app):
            return try app.call(
                r, resourceServer: resourceServer, onLoginRequired: options.onLoginRequired, redrive: options.redriveGARE,
                isCancelled: options.isCancelled)
        case .authorizer(let authorizer, let http, let environment):
            return try http.perform(
                try r.httpRequest(environment: environment), authorizer: authorizer, retry: r.retry,
                allowErrors: r.allowErrors, isCancelled: options.isCancelled)
        }
    }

    /// Sends a request and reads its JSON answer through the view `D`.
    func call<D: GlobusDocument>(_ request: ServiceRequest, as _: D.Type = D.self) throws(GlobusError) -> GlobusResponse<D> {
        let answer = try send(request)
        return try GlobusResponse<D>(answer, method: request.method, url: request.path)
    }

    /// The paginator of a listing.
    func paginator<Item: GlobusDocument>(_ request: ServiceRequest, scheme: PagingScheme, of _: Item.Type = Item.self) -> Paginator<Item> {
        Paginator(connection: self, request: request, scheme: scheme)
    }
}

/// A client of a Globus service: calls through a ``ServiceConnection``.
public protocol GlobusClient: Sendable {
    /// Where the client's calls go, and how they behave.
    var connection: ServiceConnection { get set }
}

extension GlobusClient {
    /// The resource server whose tokens the client's calls carry.
    public var resourceServer: String { connection.resourceServer }

    /// This client with other options.
    public func with(options: ClientOptions) -> Self {
        var c = self
        c.connection.options = options
        return c
    }

    /// This client, giving up when `isCancelled` turns true (see ``ClientOptions/isCancelled``).
    public func cancellable(_ isCancelled: @escaping @Sendable () -> Bool) -> Self {
        var c = self
        c.connection.options.isCancelled = isCancelled
        return c
    }
}

/// A client of one Globus service with a fixed resource server (Transfer, Auth, Groups, Search,
/// Flows, Timers). Every such client is made the same ways:
///
/// ```swift
/// let transfer = TransferClient(app: app)                         // a GlobusApp's tokens
/// let auth = AuthClient(authorizer: AccessTokenAuthorizer(token))  // a token you hold
/// ```
///
/// Made from an app, a client adds its scopes to the app's requirements, so that the app's next
/// login asks for consent to them (as the Python SDK's clients do with `app.add_scope_requirements`).
public protocol GlobusServiceClient: GlobusClient {
    /// The scopes of the service the client calls (``TransferScopes``, …), which name the
    /// service and the scopes the client asks for by default.
    associatedtype ScopeSet: ServiceScopes
    /// A client over an existing connection.
    init(connection: ServiceConnection)
}

extension GlobusServiceClient {
    /// The service the client calls.
    public static var service: GlobusService { ScopeSet.service }
    /// The service's scopes (`TransferClient.scopes.all`).
    public static var scopes: ScopeSet { ScopeSet() }
    /// The scopes the client needs by default (added to an app's requirements).
    public static var defaultScopeRequirements: [Scope] { scopes.defaults }

    /// A client that calls with `app`'s tokens. Adds `scopes` (by default
    /// ``defaultScopeRequirements``) to the app's requirements for the service's resource server.
    public init(app: GlobusApp, scopes: [Scope]? = nil, options: ClientOptions = ClientOptions()) {
        app.addScopeRequirements(Self.service.resourceServer, scopes ?? Self.defaultScopeRequirements)
        self.init(connection: ServiceConnection(.app(app), service: Self.service, options: options))
    }

    /// A client that calls with the credentials of `authorizer` (for example an
    /// ``AccessTokenAuthorizer``) in `environment`, sending through `http`.
    public init(
        authorizer: any Authorizer, environment: GlobusEnvironment = .production, http: GlobusHTTP = GlobusHTTP(),
        options: ClientOptions = ClientOptions()
    ) {
        self.init(connection: ServiceConnection(.authorizer(authorizer, http, environment), service: Self.service, options: options))
    }
}
