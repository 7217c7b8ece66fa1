import GlobusSimulator
import JSON
import SimulatorSupport
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// The simulator's fixtures the client tests use.
enum Fixtures {
    static let tutorial1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    static let tutorial2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
    static let mapped = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"
    static let flow = "24bc4997-b483-4c25-a19c-64b0afc00743"
    static let searchIndex = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
    static let group = "e5a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a41"
}

/// A user app on a simulator whose clients log in through it when they need to.
struct SignedIn: Sendable {
    let sim: RunningSimulator
    let app: GlobusApp
    let flow: ScriptedFlow

    init(_ sim: RunningSimulator) {
        self.sim = sim
        app = makeApp(sim)
        flow = ScriptedFlow(sim)
    }

    /// Options whose login handler approves through the simulator.
    var options: ClientOptions {
        let (app, flow) = (app, flow)
        return ClientOptions(onLoginRequired: { need throws(GlobusError) in
            try app.login(flow: flow, parameters: need.authorizationParameters)
        })
    }

    var transfer: TransferClient { TransferClient(app: app, options: options) }
    var auth: AuthClient { AuthClient(app: app, options: options) }
    var groups: GroupsClient { GroupsClient(app: app, options: options) }
    var search: SearchClient { SearchClient(app: app, options: options) }
    var flows: FlowsClient { FlowsClient(app: app, options: options) }
    var timers: TimersClient { TimersClient(app: app, options: options) }
}

/// Runs a simulator (made with `config`) for `body`, signed in lazily, on a thread of its own
/// (the SDK blocks).
func withSimulator<T: Sendable>(
    _ config: Simulator.Configuration = Simulator.Configuration(),
    _ body: @escaping @Sendable (SignedIn) throws -> T
) async throws -> T {
    let sim = try await RunningSimulator(config)
    defer { sim.stop() }
    let signedIn = SignedIn(sim)
    return try await onThread { try body(signedIn) }
}

/// An app with stored tokens for every resource server named, talking to a scripted service.
func scriptedApp(
    _ resourceServers: [String] = ["transfer.api.globus.org"],
    _ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse
) throws -> (GlobusApp, TokenOriginTests.ScriptedTransport) {
    let storage = MemoryTokenStorage()
    try storage.store(
        resourceServers.map {
            TokenData(
                resourceServer: $0, identityID: "me", scope: everyScope + " urn:globus:auth:scope:\($0):manage_collections", accessToken: "T-\($0)", refreshToken: nil,
                expiresAtSeconds: Int(time(nil)) + 3600, tokenType: "Bearer")
        })
    let transport = TokenOriginTests.ScriptedTransport(answer)
    let app = GlobusApp.user(
        "Scripted", clientID: "c", settings: try Settings(variables: [:]), storage: storage,
        transport: transport)
    return (app, transport)
}

/// The default scopes of every client, granted at once.
let everyScope = [
    Scopes.openid, Scopes.profile, Scopes.email, Scopes.transferAll, Scopes.groupsViewMyGroups, Scopes.searchSearch,
    Scopes.flowsAll, Scopes.timers
].joined(separator: " ")

/// An answer with a JSON body.
func jsonAnswer(_ text: String, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, headers: [("content-type", "application/json")], body: Array(text.utf8))
}

/// The error a throwing call ended with, or nil.
func globusError<T>(_ body: () throws(GlobusError) -> T) -> GlobusError? {
    do { _ = try body(); return nil } catch { return error }
}

extension GlobusError {
    /// The message of a usage error, or nil.
    var usageMessage: String? {
        if case .usage(let m) = self { return m }
        return nil
    }

    /// The HTTP status of an API error, or nil.
    var httpStatus: Int? {
        if case .api(let e) = self { return e.httpStatus }
        return nil
    }
}
