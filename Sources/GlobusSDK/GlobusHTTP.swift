import JSON

/// The SDK's identity on the wire.
public enum SDKInfo {
    /// The SDK's version (see CHANGELOG.md).
    public static let version = "0.1.0"
    /// `globus-sdk-swift-<version>`, the start of every `User-Agent`.
    public static let userAgent = "globus-sdk-swift-\(version)"
    /// `product=swift-sdk,version=<version>`, the start of every `X-Globus-Client-Info`.
    public static let clientInfo = "product=swift-sdk,version=\(version)"
}

/// Something that supplies an `Authorization` header and can renew it once after a 401.
public protocol Authorizer: Sendable {
    /// The header value, e.g. `Bearer …`, refreshing first if needed.
    func authorization() throws(GlobusError) -> String?
    /// Called after a 401: true when it renewed its credentials and the call may be retried.
    func handleUnauthorized() throws(GlobusError) -> Bool
}

/// A product named in `X-Globus-Client-Info` after the SDK (the Globus CLI names itself so).
public struct ClientProduct: Sendable, Equatable {
    /// The product's name.
    public var name: String
    /// The product's version.
    public var version: String
    /// A product.
    public init(name: String, version: String) { self.name = name; self.version = version }
}

/// Sends requests with Globus's headers, retries and error handling.
public struct GlobusHTTP: Sendable {
    /// Sends the requests (libcurl unless replaced).
    public var transport: any Transport
    /// The app named in `User-Agent`.
    public var appName: String?
    /// Products using this SDK, named after it in `X-Globus-Client-Info`.
    public var products: [ClientProduct]
    /// Timeout, certificate checks and proxies of every request it sends.
    public var settings: HTTPSettings

    /// A sender; see the properties.
    public init(
        transport: any Transport = CurlTransport.shared, appName: String? = nil, products: [ClientProduct] = [],
        settings: HTTPSettings = HTTPSettings()
    ) {
        self.transport = transport
        self.appName = appName
        self.products = products
        self.settings = settings
    }

    /// `User-Agent`: `globus-sdk-swift-VERSION/APP NAME`, as the Python SDK's `globus-sdk-py-VERSION/APP NAME`.
    public var userAgent: String { SDKInfo.userAgent + (appName.map { "/" + $0 } ?? "") }

    /// `X-Globus-Client-Info`: `product=swift-sdk,version=V;product=NAME,version=V…`.
    public var clientInfo: String {
        ([SDKInfo.clientInfo] + products.map { "product=\($0.name),version=\($0.version)" }).joined(separator: ";")
    }

    /// Performs a request; answers outside 200–399 become `.api` errors unless `allowErrors`.
    public func perform(
        _ request: HTTPRequest, authorizer: (any Authorizer)? = nil, retry: RetryPolicy = RetryPolicy(),
        allowErrors: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> HTTPResponse {
        var attempt = 0
        var renewed = false
        // Redirects are followed here, never by the transport, and only within the request's
        // origin: the Authorization header must not travel to another host, whatever the
        // libcurl version in use would do.
        var current = request
        current.followRedirects = false
        current.settings = settings
        var redirects = 0
        // Retries of a dead network stop at the configured timeout: the call ends with a clear
        // error in about that time, not after retries × connect timeouts.
        let deadline = settings.timeout.map { monotonicSeconds() + $0 }
        while true {
            var r = current
            r.headers =
                [("Accept", "application/json"), ("User-Agent", userAgent), ("X-Globus-Client-Info", clientInfo)]
                .filter { h in !current.headers.contains { $0.0.lowercased() == h.0.lowercased() } } + current.headers
            if let authorizer, let value = try authorizer.authorization() {
                r.headers.removeAll { $0.0.lowercased() == "authorization" }
                r.headers.append(("Authorization", value))
            }
            let response: HTTPResponse
            do {
                response = try transport.send(r, isCancelled: isCancelled)
            } catch {
                guard case .network(let n) = error, n.kind != .tls, n.kind != .tooLarge, n.kind != .localFile,
                    let wait = retry.delay(attempt: attempt, status: nil, retryAfter: nil, errorCode: nil),
                    deadline.map({ monotonicSeconds() + wait < $0 }) ?? true
                else { throw error }
                attempt += 1
                guard interruptibleSleep(wait, isCancelled: isCancelled) else { throw .cancelled }
                continue
            }
            if request.followRedirects, [301, 302, 303, 307, 308].contains(response.status), let location = response.header("location") {
                let next = GlobusHTTP.resolve(location, against: current.url)
                guard let to = Origin(next), to == Origin(request.url) else {
                    throw .network(
                        NetworkError(
                            kind: .redirectRefused, method: r.method, url: redacted(r.url),
                            detail: "redirected to \(Origin(next)?.description ?? redacted(next)), another origin: not followed, so that the token is not sent there"))
                }
                redirects += 1
                guard redirects <= 10 else { throw .network(NetworkError(kind: .redirectRefused, method: r.method, url: redacted(request.url), detail: "more than 10 redirects")) }
                current.url = next
                if response.status == 303 || (response.status != 307 && response.status != 308 && current.method == "POST") {
                    current.method = "GET"
                    current.body = nil
                    current.headers.removeAll { $0.0.lowercased() == "content-type" }
                }
                continue
            }
            if response.status == 401, let authorizer, !renewed {
                renewed = true
                if try authorizer.handleUnauthorized() { continue }
            }
            if response.status >= 400 {
                let err = GlobusAPIError(method: r.method, url: redacted(r.url), status: response.status, headers: response.headers, body: response.body)
                if let wait = retry.delay(attempt: attempt, status: response.status, retryAfter: response.header("retry-after"), errorCode: err.code) {
                    attempt += 1
                    guard interruptibleSleep(wait, isCancelled: isCancelled) else { throw .cancelled }
                    continue
                }
                if allowErrors { return response }
                throw .api(err)
            }
            return response
        }
    }

    /// A redirect's `Location` made absolute against the URL that answered it.
    static func resolve(_ location: String, against url: String) -> String {
        if location.hasPrefix("https://") || location.hasPrefix("http://") { return location }
        guard let sep = url.firstRange(of: "://") else { return location }
        let afterScheme = url[sep.upperBound...]
        let hostEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let root = String(url[..<hostEnd])
        if location.hasPrefix("//") { return url[..<sep.lowerBound] + ":" + location }
        if location.hasPrefix("/") { return root + location }
        let path = url[hostEnd...].prefix { $0 != "?" && $0 != "#" }
        let dir = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
        return root + dir + location
    }

    /// Performs a request and parses the JSON answer.
    public func json(
        _ request: HTTPRequest, authorizer: (any Authorizer)? = nil, retry: RetryPolicy = RetryPolicy(),
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> JSON {
        let r = try perform(request, authorizer: authorizer, retry: retry, isCancelled: isCancelled)
        do { return try JSON.parse(r.body) } catch {
            throw .api(GlobusAPIError(method: request.method, url: redacted(request.url), status: r.status, headers: r.headers, body: r.body))
        }
    }
}
