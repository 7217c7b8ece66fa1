import HTTPTypes
import Hummingbird

/// One simulated service (Auth, Transfer, Groups, …): its routes, registered on a route group of
/// its own name, and its answer for a request under that name that none of its routes takes.
protocol SimService: Sendable {
    /// The first component of the service's paths; more than one for aliases (`timer`, `timers`).
    var names: [String] { get }
    /// Adds the service's routes to `group` (the group of one of its `names`).
    func register(on group: RouterGroup<Simulator.SimContext>)
    /// The answer for a path under the service that no route matches, or a method its path does
    /// not take: the service's own 404 (after its token check, where the service checks the token
    /// first). `path` is the path within the service (`/` for the service's own).
    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse
}

extension RouterGroup where Context == Simulator.SimContext {
    /// A route answered with a simulated response: `answer` gets the request as the services see
    /// it (read by `ReadRequest`, its faults taken by `InjectFaults`) and the route's parameters.
    @discardableResult
    func answer(
        _ method: HTTPRequest.Method, _ path: RouterPath, _ answer: @escaping @Sendable (SimRequest, Parameters) async -> SimResponse
    ) -> Self {
        on(path, method: method) { _, context in try Simulator.response(await answer(context.simRequest, context.parameters)) }
    }
}

extension Parameters {
    /// A route parameter as it appears in the path (still percent-encoded), `""` if absent.
    func text(_ name: String) -> String { get(name) ?? "" }
}

extension Simulator {
    /// Every method a route may be asked for.
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]

    /// The simulated services.
    var services: [any SimService] {
        [
            AuthRoutes(sim: self), TransferRoutes(sim: self), GroupsRoutes(sim: self), SearchRoutes(sim: self), TimersRoutes(sim: self),
            FlowsRoutes(sim: self), ComputeRoutes(sim: self), GCSRoutes(sim: self), AdminRoutes(sim: self)
        ]
    }

    /// The answer for a request no route matched: the service the first path component names
    /// answers it (`SimService.unrouted`); `/` is the index page; any other path is a JSON 404 (as
    /// Globus services answer).
    func unrouted(_ r: SimRequest, services: [String: any SimService]) async -> SimResponse {
        let (name, path) = Simulator.split(r.path)
        if let service = services[name] { return await service.unrouted(r, path) }
        if name.isEmpty { return index() }
        return .json(["code": "NotFound", "message": .string("No simulated service '\(name)'")], status: 404)
    }

    /// Sends the requests no route matches to `unrouted` (Hummingbird's router answers them with a
    /// `404` error, after the other middleware have run for them as for any request).
    struct AnswerUnrouted: RouterMiddleware {
        unowned let simulator: Simulator
        let services: [String: any SimService]

        func handle(_ request: Request, context: SimContext, next: (Request, SimContext) async throws -> Response) async throws -> Response {
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return try Simulator.response(await simulator.unrouted(context.simRequest, services: services))
            }
        }
    }
}
