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
    /// Work for the calling thread while the answer is awaited (see `WhileWaiting`).
    public var whileWaiting: WhileWaiting?

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
