import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The simulator's HTTP side on Hummingbird: a request context carrying the simulator's view of
/// the request, four middleware (read, record, faults, and the answer for unrouted requests), and
/// each service's routes on a group of its own (`Services.swift`). The server (`run`) and the
/// in-process `handle` answer with the same responder, built once from the router.
extension Simulator {
    /// Hummingbird's request context, plus the client's address (to count connections), the
    /// request as the services see it and the faults taken for it.
    struct SimContext: RequestContext, RemoteAddressRequestContext {
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?
        /// Set by `ReadRequest` before any other middleware runs.
        var simRequest = SimRequest(method: "GET", path: "/")

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remoteAddress = source.channel.remoteAddress
        }

        /// A request made in process (`handle`): no channel, no client address.
        init(inProcess logger: Logger) {
            coreContext = .init(source: InProcess(logger: logger))
            remoteAddress = nil
        }

        struct InProcess: RequestContextSource {
            let logger: Logger
        }
    }

    /// The router's responder, built on first use and kept: the server and `handle` both answer
    /// with it, so a request in process passes the very middleware and routes a served one does.
    var responder: RouterResponder<SimContext> {
        responderBox.withLockedValue { built in
            if let built { return built }
            let made = router().buildResponder()
            built = made
            return made
        }
    }

    /// Answers one request in process, as the server does: through `responder`.
    public func handle(_ r: SimRequest) async -> SimResponse { await answer(r, with: responder) }

    /// Answers one request in process with a server's responder: the request becomes a
    /// Hummingbird request (its query encoded, as a client sends it) and the answer's body is
    /// collected. A dropped connection (the `drop` and `cut` faults) answers a response marked
    /// `dropConnection`.
    func answer(_ r: SimRequest, with responder: RouterResponder<SimContext>) async -> SimResponse {
        guard let method = HTTPRequest.Method(r.method) else {
            return .json(["code": "BadRequest", "message": .string("Not an HTTP method: \(r.method)")], status: 400)
        }
        var fields = HTTPFields()
        for (name, value) in r.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let target = r.query.isEmpty ? r.path : r.path + "?" + FormCoding.encode(r.query)
        let request = Request(
            head: HTTPRequest(method: method, scheme: nil, authority: nil, path: target, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(bytes: r.body)))
        let body = CollectedBody()
        do {
            let response = try await responder.respond(to: request, context: SimContext(inProcess: Simulator.quietLogger))
            try await response.body.write(body)
            return SimResponse(status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) }, body: body.bytes)
        } catch is DroppedConnection {
            var dropped = SimResponse(status: 500)
            dropped.dropConnection = true
            return dropped
        } catch {
            // What the server answers for an error no route turned into a response.
            return SimResponse(status: 500)
        }
    }

    /// A logger that writes nothing (the simulator logs no requests).
    static let quietLogger = Logger(label: "globus-sim", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A response body as `handle` returns it: all of it, in order.
    final class CollectedBody: ResponseBodyWriter, Sendable {
        private let box = NIOLockedValueBox<[UInt8]>([])
        var bytes: [UInt8] { box.withLockedValue { $0 } }
        func write(_ buffer: ByteBuffer) async throws { box.withLockedValue { $0 += buffer.readableBytesView } }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    /// Thrown to make the server drop a connection instead of answering (the `drop` fault).
    struct DroppedConnection: Error {}

    /// The router: middleware in order, then each service's routes on a group of its name, and
    /// the index page at `/`. Its routes and middleware hold the simulator unowned: the simulator
    /// keeps the responder built from it (`responder`).
    func router() -> Router<SimContext> {
        let router = Router(context: SimContext.self)
        let services = self.services
        var byName: [String: any SimService] = [:]
        for service in services { for name in service.names { byName[name] = service } }
        router.add(middleware: ReadRequest(simulator: self))
        router.add(middleware: RecordRequest(simulator: self))
        router.add(middleware: InjectFaults(simulator: self))
        router.add(middleware: AnswerUnrouted(simulator: self, services: byName))
        for service in services {
            for name in service.names { service.register(on: router.group(RouterPath(name))) }
        }
        for method in Simulator.methods {
            router.on("/", method: method) { [unowned self] _, _ in try Simulator.response(index()) }
        }
        return router
    }

    /// A simulated response as Hummingbird's.
    static func response(_ r: SimResponse) throws -> Response {
        // A dropped connection: the body fails before a byte of it is written, and the server
        // closes the connection (a thrown error here would be answered as a 500 instead).
        if r.dropConnection { return Response(status: .ok, body: ResponseBody { _ in throw DroppedConnection() }) }
        var h = HTTPFields()
        for (k, v) in r.headers { if let name = HTTPField.Name(k) { h[name] = v } }
        return Response(status: .init(code: r.status), headers: h, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }

    /// Reads the body and makes the `SimRequest` the services see; counts the client's connection.
    struct ReadRequest: RouterMiddleware {
        unowned let simulator: Simulator

        func handle(_ request: Request, context: SimContext, next: (Request, SimContext) async throws -> Response) async throws -> Response {
            var request = request
            var context = context
            let body = try await request.collectBody(upTo: 64 * 1024 * 1024)
            var headers: [String: String] = [:]
            for f in request.headers { headers[f.name.canonicalName] = f.value }
            let query = request.uri.query.map { FormCoding.decode(String($0)) } ?? []
            context.simRequest = SimRequest(
                method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
                body: Array(body.readableBytesView))
            if let port = context.remoteAddress?.port { simulator.log.withLockedValue { _ = $0.connections.insert(port) } }
            return try await next(request, context)
        }
    }

    /// Records the request for `GET /admin/requests`.
    struct RecordRequest: RouterMiddleware {
        unowned let simulator: Simulator

        func handle(_ request: Request, context: SimContext, next: (Request, SimContext) async throws -> Response) async throws -> Response {
            simulator.record(context.simRequest)
            return try await next(request, context)
        }
    }

    /// Applies the faults queued for the path: they answer instead of the service, or delay it.
    struct InjectFaults: RouterMiddleware {
        unowned let simulator: Simulator

        func handle(_ request: Request, context: SimContext, next: (Request, SimContext) async throws -> Response) async throws -> Response {
            var context = context
            context.simRequest.faults = simulator.takeFaults(for: context.simRequest.path)
            if let answer = await simulator.respond(to: context.simRequest.faults, context.simRequest) { return try Simulator.response(answer) }
            return try await next(request, context)
        }
    }
}
