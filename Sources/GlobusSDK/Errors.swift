import JSON

/// Every failure the SDK reports.
public enum GlobusError: Error, Sendable, CustomStringConvertible {
    /// A service answered outside 200–399.
    case api(GlobusAPIError)
    /// The request never got an answer.
    case network(NetworkError)
    /// The caller cancelled (an interrupt).
    case cancelled
    /// Tokens are missing, expired, revoked or lack a scope: log in (again).
    case loginRequired(LoginRequired)
    /// The SDK was used wrongly (an invalid argument, a refused URL).
    case usage(String)
    /// A setting is invalid or something the SDK needs is missing (a variable's value, libcurl).
    case configuration(String)
    /// Globus Auth answered in a way the login protocol does not allow (a malformed token response).
    case auth(String)
    /// The token store could not be read or written.
    case storage(String)
    /// An id_token failed verification.
    case idToken(String)

    /// The error, said for people: a status, a code and a message, never a credential.
    public var description: String {
        switch self {
        case .api(let e): e.description
        case .network(let e): e.description
        case .cancelled: "cancelled"
        case .loginRequired(let l): l.description
        case .usage(let m), .configuration(let m), .auth(let m), .storage(let m), .idToken(let m): m
        }
    }
}

/// A request that got no response. Names the request, never its credentials.
public struct NetworkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong on the way.
    public enum Kind: String, Sendable {
        /// The service could not be reached (no route, refused, a name that does not resolve).
        case connect = "ConnectionError"
        /// The service did not answer in time.
        case timeout = "TimeoutError"
        /// Anything else on the way.
        case other = "NetworkError"
        /// The server's certificate could not be verified (never retried: it will not change).
        case tls = "TLSError"
        /// A redirect to another origin, not followed (the token would go with it).
        case redirectRefused = "RedirectRefused"
        /// An answer larger than the request allows, not read further (never retried).
        case tooLarge = "ResponseTooLarge"
        /// The local file of a download or upload could not be written or read (never retried:
        /// a full disk stays full).
        case localFile = "LocalFileError"
    }
    /// What went wrong on the way.
    public let kind: Kind
    /// The request's method.
    public let method: String
    /// The request's URL, without its query.
    public let url: String
    /// What libcurl (or the SDK) said.
    public let detail: String
    /// `ConnectionError on GET https://…: detail`.
    public var description: String { "\(kind.rawValue) on \(method) \(url): \(detail)" }
}

/// Why tokens cannot be used as they are, and what a login must ask for.
public struct LoginRequired: Error, Sendable, CustomStringConvertible {
    /// Why a login is needed.
    public enum Reason: Sendable, Equatable {
        /// No tokens are stored for the resource server.
        case noTokens
        /// The access token expired, and refresh tokens are off.
        case expired
        /// The access token expired, and there is no refresh token.
        case noRefreshToken
        /// Globus Auth refused the refresh token (expired or revoked).
        case refreshRejected
        /// The tokens lack these scopes (or their dependencies).
        case missingScopes([String])
        /// The stored tokens belong to someone else.
        case identityChanged
        /// Globus Auth refused the Authorization Code of a login (mistyped, expired or used
        /// before), with its description when it gave one.
        case codeRejected(String?)
    }
    /// Why a login is needed.
    public let reason: Reason
    /// The resource server whose tokens cannot be used.
    public let resourceServer: String
    /// Extra parameters the next login must carry (from a GARE).
    public var authorizationParameters: AuthorizationParameters?

    /// A requirement; see the properties.
    public init(reason: Reason, resourceServer: String, authorizationParameters: AuthorizationParameters? = nil) {
        self.reason = reason
        self.resourceServer = resourceServer
        self.authorizationParameters = authorizationParameters
    }

    /// Said for people: "No login for transfer.api.globus.org".
    public var description: String {
        switch reason {
        case .noTokens: "No login for \(resourceServer)"
        case .expired: "The login for \(resourceServer) has expired"
        case .noRefreshToken: "No refresh token for \(resourceServer)"
        case .refreshRejected: "The refresh token for \(resourceServer) was rejected (expired or revoked)"
        case .missingScopes(let s): "The login for \(resourceServer) lacks \(s.joined(separator: " "))"
        case .identityChanged: "The stored tokens belong to another identity"
        case .codeRejected(let why):
            switch why?.lowercased() {
            case let w? where w.contains("expired"): "That Authorization Code has expired (a code lasts 10 minutes)"
            case let w? where w.contains("already used"): "That Authorization Code was already used (each code works once)"
            default: "Globus did not accept that Authorization Code: it may be mistyped, expired (a code lasts 10 minutes) or already used (each works once)"
            }
        }
    }
}

/// An error response from a Globus service, parsed like the Python SDK's `GlobusAPIError`.
public struct GlobusAPIError: Error, Sendable, CustomStringConvertible {
    /// The request's method.
    public let method: String
    /// The request URL (never carries a token).
    public let url: String
    /// The HTTP status (400–599).
    public let httpStatus: Int
    /// The service's error code (`ClientError.NotFound`, `ConsentRequired`…), when it gave one.
    public let code: String?
    /// The service's messages.
    public let messages: [String]
    /// The service's id for the request, to quote to Globus support.
    public let requestID: String?
    /// The parsed JSON body, when the body was JSON.
    public let json: JSON?
    /// The body as text.
    public let text: String
    /// The response headers, names lowercased.
    public let headers: [(String, String)]

    /// The messages joined, or nil.
    public var message: String? { messages.isEmpty ? nil : messages.joined(separator: "; ") }

    /// The authorization requirement carried by the error, if any.
    public var gare: GARE? { json.flatMap(GARE.init(json:)) }

    /// The scopes a ConsentRequired error asks for.
    public var consentRequiredScopes: [String]? {
        guard code == "ConsentRequired" || gare?.code == "ConsentRequired" else { return nil }
        return gare?.authorizationParameters.requiredScopes
    }

    /// Parses an error answer (its JSON body, when it has one) as the Python SDK does.
    public init(method: String, url: String, status: Int, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        httpStatus = status
        self.headers = headers
        text = String(decoding: body, as: UTF8.self)
        let contentType = headers.first { $0.0 == "content-type" }?.1.lowercased() ?? ""
        let isJSON = contentType.hasPrefix("application/json") || (contentType.hasPrefix("application/") && contentType.contains("+json"))
        let doc = isJSON ? (try? JSON.parse(body)) : nil
        json = doc
        var code: String?, messages: [String] = [], requestID: String?
        if let doc, case .object = doc {
            let subdocs = doc["errors"]?.array?.filter { $0.object != nil } ?? []
            func messageOf(_ d: JSON) -> String? { d["message"]?.string ?? d["detail"]?.string ?? d["title"]?.string }
            if contentType.hasPrefix("application/vnd.api+json"), !subdocs.isEmpty {
                let codes = Set(subdocs.compactMap { $0["code"]?.string })
                code = codes.count == 1 ? codes.first : nil
                messages = subdocs.compactMap { $0["detail"]?.string ?? $0["title"]?.string }
            } else if let c = doc["code"]?.string, let m = doc["message"]?.string {
                code = c
                messages = [m]
                requestID = doc["request_id"]?.string
            } else if let inner = doc["error"], inner.object != nil {
                // Flows and Timers: a top-level "error" object is the one subdocument; its
                // "detail" may be a list of validation items with "msg".
                code = inner["code"]?.string
                if let details = inner["detail"]?.array, !details.isEmpty, details.allSatisfy({ $0.object != nil }) {
                    messages = details.compactMap { $0["msg"]?.string }
                } else {
                    messages = [messageOf(inner)].compactMap { $0 }
                }
                requestID = doc["request_id"]?.string
            } else if let details = doc["detail"]?.array, !details.isEmpty, details.allSatisfy({ $0.object != nil }) {
                // Timers' validation errors: "msg: location.path" for each item.
                let codes = Set(details.compactMap { $0["code"]?.string })
                code = codes.count == 1 ? codes.first : nil
                messages = details.compactMap { d in
                    guard let m = d["msg"]?.string, let loc = d["loc"]?.array?.compactMap(\.string) else { return nil }
                    return "\(m): \(loc.joined(separator: "."))"
                }
                requestID = doc["request_id"]?.string
            } else {
                let docs = subdocs.isEmpty ? [doc] : subdocs
                if let c = doc["code"]?.string {
                    code = c
                } else {
                    let codes = Set(docs.compactMap { $0["code"]?.string })
                    code = codes.count == 1 ? codes.first : nil
                }
                messages = docs.compactMap(messageOf)
                requestID = doc["request_id"]?.string
            }
            // Auth puts a request id in every sub-document.
            if requestID == nil, !subdocs.isEmpty {
                let ids = Set(subdocs.compactMap { $0["id"]?.string })
                if ids.count == 1 { requestID = ids.first }
            }
        }
        self.code = code
        self.messages = messages
        self.requestID = requestID
    }

    /// `404 ClientError.NotFound: message (GET url, request id …)`.
    public var description: String {
        "\(httpStatus) \(code ?? "Error"): \(message ?? (text.isEmpty ? "(no body)" : String(text.prefix(200)))) (\(method) \(url)\(requestID.map { ", request id " + $0 } ?? ""))"
    }
}
