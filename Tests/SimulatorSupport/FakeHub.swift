import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A stand-in JupyterHub for tests, on a loopback port: `GET /hub/api/user` answers the model of
/// the token's owner as JupyterHub's "who am I" does (`{"kind": "user", "name": …}`, or
/// `"service"`), and 403 for a token it does not know. It counts the requests it answered.
public final class FakeHub: Sendable {
    public let port: Int
    private let task: Task<Void, Never>
    private let state: NIOLockedValueBox<(owners: [String: Owner], requests: Int)>

    /// Who holds a token.
    public enum Owner: Sendable {
        case user(String)
        case service(String)
    }

    public init(_ owners: [String: Owner]) async throws {
        let state = NIOLockedValueBox((owners: owners, requests: 0))
        let router = Router()
        router.get("hub/api/user") { request, _ -> Response in
            let header = request.headers[.authorization] ?? ""
            let token = header.hasPrefix("token ") ? String(header.dropFirst(6)) : ""
            let owner: Owner? = state.withLockedValue { s in
                s.requests += 1
                return s.owners[token]
            }
            let body: String, status: HTTPResponse.Status
            switch owner {
            case .user(let name): (status, body) = (.ok, #"{"kind": "user", "name": "\#(name)", "admin": false, "groups": [], "scopes": []}"#)
            case .service(let name): (status, body) = (.ok, #"{"kind": "service", "name": "\#(name)", "roles": []}"#)
            case nil: (status, body) = (.forbidden, #"{"status": 403, "message": "Forbidden"}"#)
            }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "fake-hub", factory: { _ in SwiftLogNoOpLogHandler() }))
        task = Task { try? await app.runService(gracefulShutdownSignals: []) }
        var it = ready.stream.makeAsyncIterator()
        port = await it.next() ?? 0
        self.state = state
    }

    /// What the simulator is given as the hub's REST API (`JUPYTERHUB_API_URL`).
    public var apiURL: String { "http://127.0.0.1:\(port)/hub/api" }

    /// How many times it was asked who owns a token.
    public var requests: Int { state.withLockedValue { $0.requests } }

    /// A new token for `owner` (a person signing in to the hub; a server started for them).
    public func add(_ token: String, _ owner: Owner) { state.withLockedValue { $0.owners[token] = owner } }

    public func stop() { task.cancel() }
}
