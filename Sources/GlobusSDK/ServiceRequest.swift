import JSON

/// A call to a Globus service API, `globus api`-style.
public struct ServiceRequest: Sendable {
    public var service: GlobusService
    public var method: String
    public var path: String
    public var query: [(String, String)] = []
    public var headers: [(String, String)] = []
    public var body: [UInt8]?
    public var followRedirects = false
    public var retry = RetryPolicy()
    /// Answer 4xx/5xx bodies instead of throwing.
    public var allowErrors = false
    /// A full base URL overriding the service's (GCS managers).
    public var baseURL: String?

    public init(service: GlobusService, method: String, path: String) {
        self.service = service
        self.method = method.uppercased()
        self.path = path
        if service.resourceServer == GlobusService.transfer.resourceServer { retry = .transfer }
    }

    /// The service's base URL (a GCS manager's, when set), without a trailing slash.
    func base(environment: GlobusEnvironment) -> String {
        var base = baseURL ?? environment.baseURL(service.name)
        if base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The request URL: base URL, the service's path prefix, the path, the query. A full URL is
    /// accepted only on the service's own origin (scheme, host, port): the service's token goes
    /// with the request, and a token goes only to its own service.
    public func url(environment: GlobusEnvironment) throws(GlobusError) -> String {
        let base = base(environment: environment)
        if path.hasPrefix("https://") || path.hasPrefix("http://") {
            guard let o = Origin(path), o == Origin(base) else {
                throw .usage("Refusing to send the \(service.name) token to \(Origin(path)?.description ?? path): a full URL must be on \(Origin(base)?.description ?? base), the service's own address. Give a path instead, e.g. /task_list.")
            }
            return path + queryString
        }
        return base + service.prefixed(path) + queryString
    }

    var queryString: String { query.isEmpty ? "" : "?" + query.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&") }

    func percentEncode(_ s: String) -> String { FormEncoding.escape(s).replacingPlus() }
}

extension String {
    func replacingPlus() -> String { split(separator: "+", omittingEmptySubsequences: false).joined(separator: "%20") }
}

extension GlobusApp {
    /// Calls a service with this app's tokens for it. When tokens are missing or unusable,
    /// `onLoginRequired` runs (it should log in) and the call is retried once; likewise, once,
    /// when (with `autoRedriveGARE` or `redrive`) the service answers with an authorization
    /// requirement.
    public func call(_ request: ServiceRequest, resourceServer: String? = nil,
                     onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)? = nil,
                     redrive: Bool? = nil,
                     isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> HTTPResponse {
        let rs = resourceServer ?? request.service.resourceServer
        if !scopeRequirements.contains(where: { $0.0 == rs }) {
            let defaults = request.service.defaultScopes.compactMap { try? Scope.parse($0) }
            if !defaults.isEmpty { addScopeRequirements(rs, defaults) }
        }
        let http = HTTPRequest(method: request.method, url: try request.url(environment: config.environment), headers: request.headers,
                               body: request.body, followRedirects: request.followRedirects)
        var loggedIn = false, redriven = false
        while true {
            do {
                let response = try self.http.perform(http, authorizer: authorizer(for: rs, isCancelled: isCancelled), retry: request.retry,
                                                     allowErrors: request.allowErrors, isCancelled: isCancelled)
                if !redriven, redrive ?? config.autoRedriveGARE, let handler = onLoginRequired, response.status == 403,
                   let body = try? JSON.parse(response.body), let gare = GARE(json: body) {
                    redriven = true
                    try handler(LoginRequired(reason: .missingScopes(gare.authorizationParameters.requiredScopes ?? []), resourceServer: rs,
                                              authorizationParameters: gare.authorizationParameters))
                    continue
                }
                return response
            } catch {
                switch error {
                case .loginRequired(let need) where !loggedIn && onLoginRequired != nil:
                    loggedIn = true
                    try onLoginRequired!(need)
                case .api(let e) where !redriven && e.httpStatus == 403 && (redrive ?? config.autoRedriveGARE) && onLoginRequired != nil:
                    guard let gare = e.gare else { throw error }
                    redriven = true
                    try onLoginRequired!(LoginRequired(reason: .missingScopes(gare.authorizationParameters.requiredScopes ?? []), resourceServer: rs,
                                                       authorizationParameters: gare.authorizationParameters))
                default:
                    throw error
                }
            }
        }
    }
}

/// A URL's origin: scheme, host and port (the default port when none is written), compared
/// case-insensitively. Tokens and redirects are confined to one origin.
public struct Origin: Equatable, Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    public init?(_ url: String) {
        guard let sep = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<sep.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let rest = url[sep.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority), port = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    public var description: String { "\(scheme)://\(host):\(port)" }
}
