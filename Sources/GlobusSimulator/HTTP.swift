import Support
import JSON

/// A request as the simulator's services see it (independent of the HTTP server package).
public struct SimRequest: Sendable {
    public var method: String
    /// The path without the query, e.g. `/transfer/v0.10/task_list`.
    public var path: String
    /// Decoded query parameters in order.
    public var query: [(String, String)]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The faults taken for this request (the task faults act at submission).
    var faults: [Fault] = []

    public init(method: String, path: String, query: [(String, String)] = [], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a query parameter.
    public func param(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// The body decoded as `application/x-www-form-urlencoded`.
    public var form: [(String, String)] { FormCoding.decode(String(decoding: body, as: UTF8.self)) }

    /// The body parsed as JSON, or nil.
    public var json: JSON? { try? JSON.parse(body) }

    /// The bearer token, if the request has one.
    public var bearer: String? {
        guard let a = headers["authorization"], a.hasPrefix("Bearer ") else { return nil }
        return String(a.dropFirst(7))
    }

    /// `(user, password)` from HTTP Basic authorization.
    public var basic: (String, String)? {
        guard let a = headers["authorization"], a.hasPrefix("Basic "),
            let decoded = Base64.decode(String(a.dropFirst(6))),
            let text = String(validating: decoded, as: UTF8.self),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// A response from a simulated service.
public struct SimResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// When set, the server drops the connection instead of answering (fault injection).
    public var dropConnection = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ value: JSON, status: Int = 200, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.bytes)
    }

    /// An HTML page.
    public static func html(_ text: String, status: Int = 200) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }
}

/// Lets a ready response travel as the failure of a `Result`.
extension SimResponse: Error {}

/// URL form encoding and decoding.
public enum FormCoding {
    /// Decodes `a=1&b=two+words`.
    public static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (unescape(String(parts[0])), parts.count > 1 ? unescape(String(parts[1])) : "")
        }
    }

    /// Percent-decodes, with `+` as space.
    public static func unescape(_ s: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "+") { out.append(0x20); continue }
            if b == UInt8(ascii: "%"), bytes.count >= 2,
                let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
            {
                out.append(v)
                bytes = bytes.dropFirst(2)
                continue
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes for a query component (unreserved characters kept).
    public static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    /// Encodes pairs as a query string.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}
