import Escaping
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import JSON
import NIOCore
import NIOSSL
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// An offline Globus on loopback: Auth, Transfer, Groups, Search, Timers, Flows and Compute,
/// each under its own base URL (`https://127.0.0.1:PORT/<service>/` with TLS, else `http://`),
/// checking what the real services check, with faults on demand. Start it in-process (tests) or
/// with `globus-sim`.
public final class Simulator: Sendable {
    /// How to set the simulator up.
    public struct Configuration: Sendable {
        public var identities = SimIdentity.defaults
        public var clients = SimClient.defaults
        /// Access token lifetime in seconds (Globus: 172800).
        public var tokenLifetime = 172_800
        /// Faults active from the start.
        public var faults: [Fault] = []
        /// Approve every authorize request at once as this username (demos, scripted runs).
        public var autoApprove: String?
        /// Seconds a transfer or delete task stays ACTIVE, making progress, before it ends.
        public var taskDuration: Double = 1
        /// A `kid` for the signing key and id_token headers. Globus Auth uses none (nil).
        public var signingKeyID: String?
        /// Serve HTTPS with this certificate (made by `TLSMaterial.make()`); nil: plain HTTP.
        public var tls: TLSMaterial?
        /// Where clients find the CA that signed `tls` (announced as `GLOBUS_SDK_VERIFY_SSL`).
        public var caPath: String?
        /// A class's JupyterHub: sign-ins are approved only as the owner of the hub token they
        /// carry (see `ClassSignIn.swift`); nil for a simulator that approves whoever is named.
        public var hub: HubDirectory?
        /// Who may use `/admin/…`.
        public var admin = AdminAccess.open

        public init() {}

        /// Adds `name` as a person unless someone already answers to it (a username, id, linked
        /// username, or a bare name that one username starts with).
        public mutating func ensurePerson(_ name: String) {
            if identities.person(named: name) == nil { identities.append(SimIdentity.newcomer(name)) }
        }
    }

    private let state: NIOLockedValueBox<SimState>
    let idTokens: IDTokens
    private let portBox = NIOLockedValueBox<Int>(0)
    /// The port of each collection's HTTPS server (`CollectionServers.swift`), once it listens.
    let dataPorts = NIOLockedValueBox<[String: Int]>([:])
    public let tls: TLSMaterial?
    /// Where the CA certificate was written (TLS only).
    public let caPath: String?
    /// The class's JupyterHub, when the simulator serves a class.
    let hub: HubDirectory?
    let adminAccess: AdminAccess
    /// Whether requests are recorded for `GET /admin/requests`: only where someone may read
    /// them (an admin API that is on), and never in a class, whose students' requests are theirs.
    let recordsRequests: Bool
    /// What confidential clients may do here (see `ConfidentialClients`).
    let confidentialClients: ConfidentialClients
    let log = NIOLockedValueBox(RequestLog())
    /// The responder the router builds (`responder`, in `Routing.swift`), once built.
    let responderBox = NIOLockedValueBox<RouterResponder<SimContext>?>(nil)
    /// Each collection's HTTPS server's responder (`dataResponder`), once built.
    let dataResponders = NIOLockedValueBox<[String: RouterResponder<SimContext>]>([:])

    public init(_ configuration: Configuration = Configuration()) throws {
        var s = SimState(identities: configuration.identities, clients: configuration.clients, tokenLifetime: configuration.tokenLifetime)
        s.faults = configuration.faults
        s.autoApprove = configuration.autoApprove
        s.transfer.taskDuration = configuration.taskDuration
        state = NIOLockedValueBox(s)
        idTokens = try IDTokens(keyID: configuration.signingKeyID)
        tls = configuration.tls
        caPath = configuration.caPath
        hub = configuration.hub
        adminAccess = configuration.admin
        let adminOff = if case .off = configuration.admin { true } else { false }
        recordsRequests = configuration.hub == nil && !adminOff
        confidentialClients = ConfidentialClients(class: configuration.hub != nil, admin: configuration.admin)
    }

    func withState<T>(_ body: (inout SimState) throws -> T) rethrows -> T {
        try state.withLockedValue { try body(&$0) }
    }

    /// The port the server listens on (0 until started).
    public var port: Int { portBox.withLockedValue { $0 } }

    /// `https://127.0.0.1:PORT/<service>/` (or `http://` without TLS).
    public func serviceURL(_ service: String) -> String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/\(service)/" }

    /// The line `globus-sim` prints after its export lines, once it listens.
    public static let readyLine = "# globus-sim ready"

    /// The environment that points the Python SDK, globus-cli and this project's SDK here.
    public var environment: [(String, String)] {
        [("GLOBUS_SDK_ENVIRONMENT", "production")]
            + ["auth", "transfer", "groups", "search", "timer", "flows", "compute"].map {
                ("GLOBUS_SDK_SERVICE_URL_\($0.uppercased())", serviceURL($0))
            }
            + [("GLOBUS_SIM_ADMIN_URL", serviceURL("admin"))]
            + (tls != nil ? [("GLOBUS_SDK_VERIFY_SSL", caPath ?? "")] : [])
    }

    /// The machine-readable announcement of a running simulator: one line of JSON,
    /// `{"ready": true, "environment": {NAME: VALUE, …}}`.
    public var readyDocument: String {
        var env = JSONObject()
        for (k, v) in environment { env[k] = .string(v) }
        var doc = JSONObject()
        doc["ready"] = .bool(true)
        doc["environment"] = .object(env)
        return JSON.object(doc).serialized
    }

    /// Serves on 127.0.0.1:`port` (0: any free port) until the task is cancelled; `ready` is
    /// called with the bound port. Requests go through Hummingbird's router (`Routing.swift`):
    /// middleware turns each into a `SimRequest`, records it and applies faults; then the route of
    /// its service answers (`Services.swift`).
    public func run(port: Int = 0, ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        // `ready` waits for every server: the services' and each collection's HTTPS server.
        let collections = withState { $0.transfer.collections.map(\.id) }
        let waiting = NIOLockedValueBox(collections.count + 1)
        let started: @Sendable () -> Void = { [self] in
            if waiting.withLockedValue({
                $0 -= 1; return $0
            }) == 0 {
                ready(self.port)
            }
        }
        let app = Application(
            responder: responder, server: try serverBuilder(), configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { [self] channel in
                let p = channel.localAddress?.port ?? 0
                self.portBox.withLockedValue { $0 = p }
                started()
            }, logger: .init(label: "globus-sim", factory: { _ in SwiftLogNoOpLogHandler() }))
        let dataApps = try collections.map { try dataApplication($0, started: started) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            for dataApp in dataApps { group.addTask { try await dataApp.runService(gracefulShutdownSignals: []) } }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// HTTP/1.1, over TLS with the simulator's certificate when it has one.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
        let config = NIOSSL.TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: NIOSSLPrivateKeySource.privateKey(key))
        return try .tls(.http1(), tlsConfiguration: config)
    }

    /// Splits `/service/rest` into the service and the path within it.
    static func split(_ path: String) -> (service: String, path: String) {
        let trimmed = path.drop { $0 == "/" }
        let service = String(trimmed.prefix { $0 != "/" })
        let rest = String(trimmed.dropFirst(service.count))
        return (service, rest.isEmpty ? "/" : rest)
    }

    func index() -> SimResponse {
        .html(page(title: "Globus Simulator", body: "<h1>Globus Simulator</h1><p>Services: /auth/ /transfer/ /groups/ /search/ /timer/ /flows/ /compute/ /admin/</p>"))
    }

    /// Records a request for `GET /admin/requests` (the admin API itself is not recorded), where
    /// requests are recorded at all (`recordsRequests`).
    func record(_ r: SimRequest) {
        if recordsRequests && !r.path.hasPrefix("/admin/") { log.withLockedValue { $0.add(RecordedRequest(r)) } }
    }

    /// The answer the faults give instead of the service's, if any: latency first, then a status,
    /// a rate limit, a dropped connection, or an unmet session requirement (a GARE).
    func respond(to faults: [Fault], _ r: SimRequest) async -> SimResponse? {
        for f in faults {
            switch f.kind {
            case .latency(let ms): try? await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000)
            case .status(let code):
                return .json(["code": "ServiceUnavailable", "message": .string("The simulator was told to fail (\(code))"), "request_id": .string(requestID())], status: code)
            case .rateLimit(let after):
                return .json(
                    ["code": "RateLimited", "message": "Too many requests", "request_id": .string(requestID())], status: 429,
                    headers: [("Retry-After", String(after))])
            case .drop:
                var resp = SimResponse(status: 500)
                resp.dropConnection = true
                return resp
            case .requireDomain, .requireMFA, .taskFail, .taskFaults, .taskPause, .cut, .throttle: break
            }
        }
        let service = Simulator.split(r.path).service
        if service != "auth" && service != "admin", let gare = sessionRequirementUnmet(faults, r) { return gare }
        return nil
    }

    func errorPage(_ status: Int, _ message: String) -> SimResponse {
        .html(page(title: "Error - Globus Simulator", body: "<h1>Something went wrong</h1><p class=msg>\(HTML.escape(message))</p>"), status: status)
    }
}
