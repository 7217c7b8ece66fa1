import JSON
import NIOCore
import NIOHTTP1
import NIOPosix

/// JupyterHub's REST API as the simulator uses it: `GET {api}/user` with a person's token, the
/// hub's "who am I" (any token may read its own owner; the answer's `kind` is `user` or
/// `service` and `name` its name; 403 for a token the hub does not accept). Plain HTTP, which is
/// how JupyterHub gives its API to the services it manages (`JUPYTERHUB_API_URL`); a token is
/// sent to nothing else and never written anywhere.
struct HubAPI: Sendable {
    let host: String
    let port: Int
    /// The path of `…/user`.
    let userPath: String
    /// Seconds to wait for the whole answer.
    let timeout: Int64
    /// The deadline a hub's answer has unless told otherwise.
    static let defaultTimeout: Int64 = 5
    /// The most of an answer read (a user model is a few hundred bytes).
    static let answerLimit = 1 << 20

    /// Reads `http://HOST[:PORT]/PATH`; nil for anything else (https included: not spoken here).
    init?(_ apiURL: String, timeout: Int64 = HubAPI.defaultTimeout) {
        self.timeout = max(1, timeout)
        guard apiURL.hasPrefix("http://") else { return nil }
        let rest = apiURL.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        var host = Substring(authority), port = 80
        if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            host = authority[..<colon]
            port = p
        }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
        userPath = (path.hasSuffix("/") ? String(path) : path + "/") + "user"
    }

    /// Who the hub says `token` belongs to.
    func owner(of token: String) async -> HubOwner {
        let status: Int, body: [UInt8]
        do {
            (status, body) = try await withDeadline(seconds: timeout) { try await self.get(self.userPath, token: token) }
        } catch {
            return .unreachable("no answer from JupyterHub at \(host):\(port)")
        }
        switch status {
        case 200:
            guard let model = try? JSON.parse(body), let name = model["name"]?.string, !name.isEmpty else {
                return .unreachable("JupyterHub's answer names no one")
            }
            switch model["kind"]?.string {
            case "user": return .user(name)
            case "service": return .service(name)
            default: return .unreachable("JupyterHub's answer is neither a user nor a service")
            }
        case 401, 403, 404:
            return .rejected
        default:
            return .unreachable("JupyterHub answered HTTP \(status)")
        }
    }

    /// One GET on a new connection: the status and the body.
    func get(_ path: String, token: String) async throws -> (Int, [UInt8]) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(timeout))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(position: .last, leftOverBytesStrategy: .dropBytes, withClientUpgrade: nil)
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let host = self.host, port = self.port
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Authorization", value: "token " + token)
            head.headers.add(name: "Accept", value: "application/json")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status = 0
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h): status = Int(h.status.code)
                case .body(var bytes):
                    body += bytes.readBytes(length: bytes.readableBytes) ?? []
                    guard body.count <= HubAPI.answerLimit else { throw HubAPIError.tooLong }
                case .end: return (status, body)
                }
            }
            return (status, body)
        }
    }
}

/// Why a hub request gave no answer.
enum HubAPIError: Error {
    case tooLong
    case timedOut
}

/// `body`'s result, or `HubAPIError.timedOut` after `seconds` (the work is cancelled).
func withDeadline<T: Sendable>(seconds: Int64, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
            throw HubAPIError.timedOut
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
