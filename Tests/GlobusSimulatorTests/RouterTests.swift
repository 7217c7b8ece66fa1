import Hummingbird
import HummingbirdTesting
import JSON
import NIOCore
import Testing

@testable import GlobusSimulator

/// The simulator's router, driven in Hummingbird's router test mode (no sockets): what each
/// service answers for paths and methods it has no route for, the aliases, trailing slashes,
/// and the middleware (faults, recording) in front of every route.
@Suite struct RouterTests {
    /// An answer as the tests read it: status, headers by lowercased name, body as JSON (or null).
    struct Answer {
        var status: Int
        var headers: [String: String]
        var text: String
        var json: JSON { (try? JSON.parse(Array(text.utf8))) ?? .null }
    }

    /// Runs `body` with a client of `sim`'s router in router test mode: the very responder its
    /// server and `handle` answer with.
    static func withRouter(_ sim: Simulator, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = Application(responder: sim.responder)
        try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: JSON? = nil) async throws -> Answer {
            var headers = HTTPFields()
            if let token { headers[.authorization] = "Bearer " + token }
            let r = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0.bytes) })
            var h: [String: String] = [:]
            for f in r.headers { h[f.name.canonicalName] = f.value }
            return Answer(status: Int(r.status.code), headers: h, text: String(buffer: r.body))
        }
    }

    @Test func anUnknownServiceIsAJSON404AndTheRootIsTheIndexPage() async throws {
        let sim = try Simulator()
        try await Self.withRouter(sim) { c in
            for method in [HTTPRequest.Method.get, .post, .delete] {
                let a = try await c.send(method, "/nope/v1/x")
                #expect(a.status == 404)
                #expect(a.json == ["code": "NotFound", "message": "No simulated service 'nope'"])
            }
            let index = try await c.send(.get, "/")
            #expect(index.status == 200)
            #expect(index.headers["content-type"] == "text/html; charset=utf-8")
            #expect(index.text.contains("<h1>Globus Simulator</h1>"))
        }
    }

    @Test func transferAnswersUnknownPathsAndMethodsAfterItsTokenCheck() async throws {
        let sim = try Simulator()
        let bearer = try await transferToken(sim)
        try await Self.withRouter(sim) { c in
            let noVersion = try await c.send(.get, "/transfer/v0.9/task_list", token: bearer)
            #expect(noVersion.status == 404)
            #expect(noVersion.json["message"] == "Unknown API version or path: /v0.9/task_list")
            #expect(try await c.send(.get, "/transfer", token: bearer).json["message"] == "Unknown API version or path: /")
            // No token: refused before the path is looked at.
            let anonymous = try await c.send(.get, "/transfer/v0.10/nothing")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["code"] == "AuthenticationFailed")
            let unknown = try await c.send(.get, "/transfer/v0.10/nothing", token: bearer)
            #expect(unknown.status == 404)
            #expect(unknown.json["code"] == "ClientError.NotFound")
            #expect(unknown.json["resource"] == "/nothing")
            // A known path with a method it does not take, HEAD included.
            for method in [HTTPRequest.Method.put, .delete, .head, .post] {
                let a = try await c.send(method, "/transfer/v0.10/task_list", token: bearer)
                #expect(a.status == 404, "\(method)")
            }
            // Trailing and doubled slashes are ignored.
            #expect(try await c.send(.get, "/transfer/v0.10/task_list/", token: bearer).json["DATA_TYPE"] == "task_list")
            #expect(try await c.send(.get, "/transfer/v0.10//endpoint/\(TransferData.tutorial1)", token: bearer).json["DATA_TYPE"] == "endpoint")
            // What follows these resources is ignored, as it always has been; not after the others.
            #expect(try await c.send(.get, "/transfer/v0.10/task_list/more", token: bearer).json["DATA_TYPE"] == "task_list")
            #expect(try await c.send(.get, "/transfer/v0.10/submission_id/x", token: bearer).json["DATA_TYPE"] == "submission_id")
            #expect(try await c.send(.get, "/transfer/v0.10/endpoint/\(TransferData.tutorial1)/more", token: bearer).status == 404)
            #expect(try await c.send(.get, "/transfer/v0.10/task/x/other", token: bearer).json["code"] == "ClientError.NotFound")
            let missing = try await c.send(.get, "/transfer/v0.10/endpoint/no-such-id", token: bearer)
            #expect(missing.status == 404)
            #expect(missing.json["code"] == "EndpointNotFound")
            #expect(missing.json["resource"] == "/endpoint/no-such-id")
        }
    }

    @Test func authAnswersUnknownPathsWithItsErrorDocument() async throws {
        let sim = try Simulator()
        try await Self.withRouter(sim) { c in
            #expect(try await c.send(.get, "/auth/.well-known/openid-configuration").json["issuer"] != nil)
            for (method, path) in [(HTTPRequest.Method.get, "/auth/v2/nothing"), (.post, "/auth/v2/oauth2/userinfo"), (.head, "/auth/jwk.json")] {
                let a = try await c.send(method, path)
                #expect(a.status == 404, "\(method) \(path)")
                #expect(a.json["error"] == "not_found", "\(method) \(path)")
            }
            let consents = try await c.send(.get, "/auth/v2/api/identities/nobody/consents")
            #expect(consents.status == 401 || consents.status == 404 || consents.status == 403)
        }
    }

    @Test func theOtherServicesCheckTheirTokenThenAnswerUnknownPaths() async throws {
        let sim = try Simulator()
        let groups = try #require(token(try await login(sim, scope: "urn:globus:auth:scope:groups.api.globus.org:all"), for: "groups.api.globus.org"))
        try await Self.withRouter(sim) { c in
            let anonymousGroups = try await c.send(.get, "/groups/v2/groups/my_groups")
            #expect(anonymousGroups.status == 401)
            #expect(anonymousGroups.json["code"] == "UNAUTHORIZED")
            let noGroup = try await c.send(.get, "/groups/v2/nothing", token: groups)
            #expect(noGroup.status == 404)
            #expect(noGroup.json["detail"] == "No such resource: /v2/nothing")
            #expect(try await c.send(.get, "/groups/v2/groups/my_groups", token: groups).status == 200)
            // Timers answers as `timer` and as `timers`.
            for base in ["/timer", "/timers"] {
                let a = try await c.send(.get, base + "/jobs")
                #expect(a.status == 401)
                #expect(a.json["error"]?["code"] == "AUTHENTICATION_ERROR")
            }
            #expect(try await c.send(.get, "/flows/flows").status == 401)
            #expect(try await c.send(.get, "/compute/v2/version").json["api"] == "1.0.0")
            #expect(try await c.send(.get, "/compute/v2/nothing").status == 401)
            let gcs = try await c.send(.get, "/gcs/nope/api/info")
            #expect(gcs.status == 404)
            #expect(gcs.json["code"] == "not_found")
            #expect(try await c.send(.get, "/gcs/\(TransferData.tutorial1)/api/info").json["code"] == "success")
            // GCS answers any method, and paths below its two resources as the resources.
            #expect(try await c.send(.post, "/gcs/\(TransferData.tutorial1)/api/info/more").json["code"] == "success")
            #expect(try await c.send(.get, "/gcs/\(TransferData.tutorial1)/api/collections/\(TransferData.tutorial1)").status == 401)
            #expect(try await c.send(.get, "/gcs/\(TransferData.tutorial1)/api/other").json["code"] == "not_found")
            let index = try await c.send(.get, "/search/v1/index/\(Simulator.searchIndex)")
            #expect(index.json["@datatype"] == "GSearchIndex")
            #expect(try await c.send(.get, "/search/v1/index/other").json["code"] == "NotFound.NoSuchIndex")
            #expect(try await c.send(.delete, "/search/v1/index/\(Simulator.searchIndex)/search").json["code"] == "NotFound.Generic")
            #expect(try await c.send(.get, "/search/v1/index/\(Simulator.searchIndex)/search?q=climate").json["total"] == 2)
        }
    }

    @Test func theAdminAPIRefusesWhoMayNotUseItBeforeAnyOfItsAnswers() async throws {
        let open = try Simulator()
        try await Self.withRouter(open) { c in
            let unknown = try await c.send(.get, "/admin/nothing")
            #expect(unknown.status == 404)
            #expect(unknown.json["error"] == "no admin resource GET /nothing")
            #expect(try await c.send(.put, "/admin/faults").json["error"] == "no admin resource PUT /faults")
            #expect(try await c.send(.get, "/admin/state").json["tasks"] != nil)
        }
        var keyed = Simulator.Configuration()
        keyed.admin = .key("0123456789abcdef-key")
        try await Self.withRouter(try Simulator(keyed)) { c in
            for path in ["/admin/state", "/admin/nothing"] {
                let a = try await c.send(.get, path)
                #expect(a.status == 401, "\(path)")
                #expect(a.json["code"] == "AdminKeyRequired")
                #expect(a.headers["www-authenticate"] == "Bearer")
                #expect(try await c.send(.get, path, token: "0123456789abcdef-key").status == (path == "/admin/state" ? 200 : 404))
            }
        }
        var off = Simulator.Configuration()
        off.admin = .off
        try await Self.withRouter(try Simulator(off)) { c in
            for path in ["/admin/state", "/admin/nothing", "/admin"] {
                let refused = try await c.send(.post, path)
                #expect(refused.json["code"] == "AdminOff", "\(path)")
            }
        }
    }

    @Test func faultsAndRecordingRunInFrontOfEveryRoute() async throws {
        let sim = try Simulator()
        try await Self.withRouter(sim) { c in
            let set = try await c.send(.post, "/admin/faults", body: ["faults": ["status=503@/groups/x1", "domain=anl.gov"]])
            #expect(set.status == 200)
            let failed = try await c.send(.get, "/groups/v2/groups/my_groups")
            #expect(failed.status == 503)
            #expect(failed.json["code"] == "ServiceUnavailable")
            let unmet = try await c.send(.get, "/groups/v2/groups/my_groups")
            #expect(unmet.status == 403)
            #expect(unmet.json["code"] == "AuthorizationRequired")
            // Session requirements are not faults of Auth or of the admin API.
            #expect(try await c.send(.get, "/auth/jwk.json").status == 200)
            #expect(try await c.send(.get, "/admin/faults").status == 200)
            let recorded = try await c.send(.get, "/admin/requests")
            let paths = (recorded.json["requests"]?.array ?? []).compactMap { $0["path"]?.string }
            #expect(paths == ["/groups/v2/groups/my_groups", "/groups/v2/groups/my_groups", "/auth/jwk.json"])
        }
    }
}
