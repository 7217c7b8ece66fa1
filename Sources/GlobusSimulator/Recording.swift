import JSON

/// What the simulator remembers of each request, for differential tests that compare what two
/// SDKs send for the same operation. Secrets are never kept: the `Authorization` header is
/// reduced to its scheme, and form fields that carry tokens, codes or secrets to `<redacted>`.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: [(String, String)]
    var contentType: String?
    var authorization: String?
    var userAgent: String?
    var clientInfo: String?
    /// The `Range` header, when one was sent (a data download of part of a file).
    var range: String?
    var body: JSON
    /// About what it takes in memory: its texts, and its body (at most
    /// `SimLimits.recordedBodyBytes` of it as received; parsed, it takes about as much).
    var size = 0

    static let secretFields: Set<String> = ["token", "refresh_token", "code", "code_verifier", "client_secret", "access_token"]

    init(_ r: SimRequest) {
        method = r.method
        path = r.path
        query = r.query
        contentType = r.headers["content-type"]
        authorization = r.headers["authorization"].map { String($0.prefix { $0 != " " }) }
        userAgent = r.headers["user-agent"]
        clientInfo = r.headers["x-globus-client-info"]
        range = r.headers["range"]
        if r.body.isEmpty {
            body = .null
        } else if r.body.count > SimLimits.recordedBodyBytes {
            body = .string("<\(r.body.count) bytes, not kept>")
        } else if contentType?.hasPrefix("application/x-www-form-urlencoded") == true {
            var o = JSONObject()
            for (k, v) in r.form { o[k] = .string(RecordedRequest.secretFields.contains(k) ? "<redacted>" : v) }
            body = .object(o)
        } else {
            body = r.json ?? .string("<\(r.body.count) bytes, not JSON>")
        }
        let texts = [method, path, contentType ?? "", authorization ?? "", userAgent ?? "", clientInfo ?? ""]
        size =
            256 + texts.reduce(0) { $0 + $1.utf8.count } + query.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
            + min(r.body.count, SimLimits.recordedBodyBytes)
    }

    var json: JSON {
        var o = JSONObject()
        o["method"] = .string(method)
        o["path"] = .string(path)
        o["query"] = .array(query.map { [.string($0.0), .string($0.1)] })
        o["content_type"] = contentType.map(JSON.string) ?? .null
        o["authorization"] = authorization.map(JSON.string) ?? .null
        o["user_agent"] = userAgent.map(JSON.string) ?? .null
        o["client_info"] = clientInfo.map(JSON.string) ?? .null
        if let range { o["range"] = .string(range) }
        o["body"] = body
        return .object(o)
    }
}

/// The most recent requests (a log bounded in requests and bytes) and the connections they came on.
struct RequestLog: Sendable {
    var requests: [RecordedRequest] = []
    /// The sum of the kept requests' sizes.
    var bytes = 0
    /// Client ports seen: one per TCP connection (loopback), to show connection reuse.
    var connections: Set<Int> = []

    /// Keeps `r`, forgetting the oldest requests while the log holds more than
    /// `SimLimits.recordedRequests` of them or `SimLimits.recordedBytes` bytes (the newest is
    /// always kept).
    mutating func add(_ r: RecordedRequest) {
        requests.append(r)
        bytes += r.size
        var drop = 0
        while drop < requests.count - 1 && (requests.count - drop > SimLimits.recordedRequests || bytes > SimLimits.recordedBytes) {
            bytes -= requests[drop].size
            drop += 1
        }
        if drop > 0 { requests.removeFirst(drop) }
    }
}
