import JSON

/// A call to a Globus service API, `globus api`-style.
public struct ServiceRequest: Sendable {
    /// The service called.
    public var service: GlobusService
    /// The HTTP method, uppercased.
    public var method: String
    /// The path (the service's prefix is added when missing), or a full URL on the service's origin.
    public var path: String
    /// Query parameters, in order.
    public var query: [(String, String)] = []
    /// Headers besides those the SDK adds.
    public var headers: [(String, String)] = []
    /// The body.
    public var body: [UInt8]?
    /// Whether to follow redirects (within the service's origin only).
    public var followRedirects = false
    /// When to retry.
    public var retry = RetryPolicy()
    /// Answer 4xx/5xx bodies instead of throwing.
    public var allowErrors = false
    /// A full base URL overriding the service's (GCS managers).
    public var baseURL: String?
    /// Work for the calling thread while the answer is awaited (see `WhileWaiting`).
    public var whileWaiting: WhileWaiting?
    /// The largest answer taken, in bytes (a paginator lowers it to what its byte cap has left).
    public var maximumResponseBytes = HTTPRequest.defaultMaximumResponseBytes
    /// Where a 2xx answer's body is written instead of memory (``CollectionHTTPSClient`` downloads).
    var download: DownloadSink?
    /// Where the body is read from as it is sent (``CollectionHTTPSClient`` uploads).
    var upload: UploadSource?

    /// A request without query, headers or body (Transfer's retry policy for Transfer).
    public init(service: GlobusService, method: String, path: String) {
        self.service = service
        self.method = method.uppercased()
        self.path = path
        if service.resourceServer == GlobusService.transfer.resourceServer { retry = .transfer }
    }

    /// A request with the query parameters that have a value (in the order given) and, when
    /// given, a JSON body.
    init(service: GlobusService, method: String, path: String, query: KeyValuePairs<String, String?>, json: JSON? = nil) {
        self.init(service: service, method: method, path: path)
        self.query = query.compactMap { k, v in v.map { (k, $0) } }
        if let json {
            body = Array(json.serialized.utf8)
            headers = [("Content-Type", "application/json")]
        }
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
                throw .usage(
                    "Refusing to send the \(service.name) token to \(Origin(path)?.description ?? path): a full URL must be on \(Origin(base)?.description ?? base), the service's own address. Give a path instead, e.g. /task_list."
                )
            }
            return path + queryString
        }
        return base + service.prefixed(path) + queryString
    }

    /// The HTTP request to send (without the headers and credentials `GlobusHTTP` adds).
    func httpRequest(environment: GlobusEnvironment) throws(GlobusError) -> HTTPRequest {
        var http = HTTPRequest(method: method, url: try url(environment: environment), headers: headers, body: body, followRedirects: followRedirects)
        http.whileWaiting = whileWaiting
        http.maximumResponseBytes = maximumResponseBytes
        http.download = download
        http.upload = upload
        return http
    }

    /// `?name=value&…`, each part percent-encoded (a space as `%20`), or nothing without a query.
    var queryString: String {
        query.isEmpty ? "" : "?" + query.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    func percentEncode(_ s: String) -> String { FormEncoding.percentEncoded(s, spaceAsPlus: false) }
}

/// One segment of a request path. An id goes into a path percent-encoded, so whatever it holds
/// (`/`, `..`, `?`, `#`, spaces: a typo, a hostile answer, a kept value) it names one resource
/// under the path it was put in and cannot climb out of it: `task("../../admin/state")`
/// asks for `/task/%2E%2E%2F%2E%2E%2Fadmin%2Fstate`, which is no task.
public enum PathSegment {
    /// `text` with everything but letters, digits, `-`, `_` and `~` percent-encoded (dots too,
    /// so `.` and `..` are never dot segments).
    public static func escape(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Whether `text` is a UUID (`8-4-4-4-12` hex digits), as every Globus id is.
    public static func isUUID(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).map(\.count)
        return parts == [8, 4, 4, 4, 12]
            && text.utf8.allSatisfy { b in
                b == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
            }
    }
}
