import Support
import JSON
import Testing
@testable import GlobusSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// A property of every route of the simulator: whatever a client sends (extreme and negative
/// numbers, numbers that fit no integer, huge and odd strings, members of the wrong JSON type,
/// bodies that are not JSON, ids that are not ids, any token or none), it gets an answer, never
/// a trap. A trap here is the simulator's process dying, and with it a whole class.
/// `SIM_FUZZ_SEED` replays a run; `SIM_FUZZ_ROUNDS` makes it longer.
@Suite struct RouteFuzzTests {
    static var seed: UInt64 {
        getenv("SIM_FUZZ_SEED").flatMap { UInt64(String(cString: $0)) } ?? UInt64(truncatingIfNeeded: time(nil))
    }
    static var rounds: Int { getenv("SIM_FUZZ_ROUNDS").flatMap { Int(String(cString: $0)) } ?? 25 }

    @Test func everyServiceRouteAnswersWhateverItIsSent() async throws {
        let seed = Self.seed
        var fuzz = try await RouteFuzzer(seed)
        await fuzz.run(RouteFuzzer.serviceRoutes, rounds: Self.rounds, seed: seed)
        // And it still works as before for an ordinary request.
        #expect(await get(fuzz.sim, "/search/v1/index/\(Simulator.searchIndex)/search", token: nil, query: [("q", "climate")]).1["total"] == 2)
    }

    @Test func everyAdminRouteAnswersWhateverItIsSent() async throws {
        let seed = Self.seed
        var fuzz = try await RouteFuzzer(seed &+ 1)
        await fuzz.run(RouteFuzzer.adminRoutes + RouteFuzzer.serviceRoutes.filter { $0.path.hasPrefix("/transfer/") }, rounds: Self.rounds, seed: seed)
    }

    /// Each collection's HTTPS server (`CollectionHTTPS.swift`): any method, path, `Range` and
    /// token, and bodies of any bytes, are answered.
    @Test func everyHTTPSRouteAnswersWhateverItIsSent() async throws {
        let seed = Self.seed
        var rng = RouteFuzzer.XorShift(seed: seed &+ 3)
        let sim = try Simulator()
        let (t1, mapped) = (TransferData.tutorial1, TransferData.mappedCollection)
        let issued = try await login(
            sim,
            scope: "\(Simulator.httpsScope(t1)) \(Simulator.httpsScope(mapped))[*https://auth.globus.org/scopes/\(mapped)/data_access] "
                + transferScope)
        let tokens: [String?] = ([issued] + (issued["other_tokens"]?.array ?? [])).map { $0["access_token"]?.string } + [nil, "not-a-token", ""]
        let paths =
            RouteFuzzer.texts + [
                "/~/samples/table.csv", "/~/file1.txt", "/~/data/", "/~/data", "/home/x/../", "/%", "/%zz", "/~/%C3%28", "/~/new.bin",
                "/~/nofolder/x", "/~/" + String(repeating: "n", count: 300), "/~/samples/table.csv/x", "//", "/~//x"
            ]
        let ranges =
            RouteFuzzer.texts.map { "bytes=" + $0 } + RouteFuzzer.texts + [
                "bytes=0-1", "bytes=-1", "bytes=\(Int.max)-", "bytes=1-0", "bytes=0-\(Int.max)",
                "bytes=", "bytes=-", "bytes=,", "bytes=0-1,2-3", "bytes= 1 - 2", "BYTES=0-0"
            ]
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        for _ in 0..<(Self.rounds * 40) {
            var headers: [String: String] = [:]
            if let t = pick(tokens) { headers["authorization"] = pick(["Bearer ", "bearer ", "Basic "]) + t }
            if rng.next() % 2 == 0 { headers["range"] = pick(ranges) }
            if rng.next() % 2 == 0 { headers["x-requested-with"] = "XMLHttpRequest" }
            let body = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let r = SimRequest(method: pick(["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"]), path: pick(paths), headers: headers, body: body)
            let answer = await sim.handleHTTPS(collection: pick([t1, mapped, TransferData.tutorial2, "nope"]), r)
            #expect((100...599).contains(answer.status), "seed \(seed): \(r.method) \(r.path.prefix(200)) \(headers) answered \(answer.status)")
            _ = try? Simulator.response(answer)
        }
    }

    @Test func aClassSimulatorAnswersWhateverItIsSent() async throws {
        let seed = Self.seed
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(3)
        config.hub = HubDirectory(apiURL: "http://127.0.0.1:1/hub/api") { token in token == "hub-01" ? .user("student01") : .rejected }
        config.admin = .off
        var fuzz = try await RouteFuzzer(seed &+ 2, config: config)
        await fuzz.run(RouteFuzzer.serviceRoutes + RouteFuzzer.adminRoutes, rounds: max(1, Self.rounds / 5), seed: seed)
    }
}

/// Hostile requests for every route of one simulator, from a seeded generator.
struct RouteFuzzer {
    /// xorshift64: a small, seeded generator, so a failing run can be replayed.
    struct XorShift: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed | 1 }
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let texts: [String] = [
        String(Int.max), String(Int.min), "9223372036854775808", "-9223372036854775809", "99999999999999999999999999", "-1", "0", "1",
        "1e309", "-0", "+7", "0x10", "NaN", "inf", "abc", "", " ", "%", "%00", "\u{0}", "../../admin/state", "/~/", "/~/a/../..", "~",
        "🙂", "\"", "null", "[]", "{}", "a,b,,", String(repeating: "9", count: 5_000), String(repeating: "x", count: 100_000),
        "/~/" + String(repeating: "n", count: 300), "00000000-0000-4000-a000-000000000000", "is_error:1", "true", "offline"
    ]
    static let values: [JSON] =
        texts.map(JSON.string) + [
            .int(Int.max), .int(Int.min), -1, 0, 1, 2, .int(1 << 53), .double(1e308), .double(-1e308), .double(0.5), .double(-0.0),
            .null, true, false, [], [:], ["a": 1], [[[["deep"]]]], .array(Array(repeating: 1, count: 10_000))
        ]
    static let queryNames = [
        "limit", "offset", "marker", "path", "q", "filter", "filter_fulltext", "include", "ids", "usernames", "all",
        "client_id", "redirect_uri", "scope", "response_type", "code_challenge", "code_challenge_method", "access_type",
        "state", "sim_identity", "identity", "code", "session_required_single_domain", "session_required_identities",
        "session_required_mfa", "session_message", "prefill_named_grant", "format"
    ]

    let sim: Simulator
    var rng: XorShift
    let tokens: [String?]
    /// A valid access token for each resource server.
    let tokensByServer: [String: String]
    let taskID: String

    init(_ seed: UInt64, config: Simulator.Configuration = Simulator.Configuration()) async throws {
        sim = try Simulator(config)
        rng = XorShift(seed: seed)
        let scopes = [
            transferScope, "urn:globus:auth:scope:groups.api.globus.org:all", "urn:globus:auth:scope:search.api.globus.org:search",
            Simulator.timerScope, "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all",
            "https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all", "openid profile email",
            "https://auth.globus.org/scopes/24bc4997-b483-4c25-a19c-64b0afc00743/flow_24bc4997_b483_4c25_a19c_64b0afc00743_user"
        ]
        // In a class, the sign-in carries the student's hub token.
        let hubToken = config.hub == nil ? [:] : ["authorization": "token hub-01"]
        let approved = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve",
                query: authorizeQuery(scope: scopes.joined(separator: " ")) + [("identity", config.hub == nil ? "alice@uchicago.edu" : "student01")],
                headers: ["accept": "application/json"].merging(hubToken) { $1 }))
        let issued = try await redeem(sim, code: try #require(try JSON.parse(approved.body)["code"]?.string))
        let all = [issued] + (issued["other_tokens"]?.array ?? [])
        tokens = all.map { $0["access_token"]?.string } + [nil, "not-a-token", issued["refresh_token"]?.string]
        tokensByServer = all.reduce(into: [:]) { d, t in d[t["resource_server"]?.string ?? ""] = t["access_token"]?.string }
        let transfer = try #require(token(issued, for: "transfer.api.globus.org"))
        let submitted = await sim.handle(
            SimRequest(
                method: "POST", path: "/transfer/v0.10/transfer", headers: ["authorization": "Bearer " + transfer],
                body: PersonalHomeTests.transfer("/~/data", "/~/data", recursive: true).bytes))
        taskID = try #require(try JSON.parse(submitted.body)["task_id"]?.string)
    }

    /// A request's shape: method, path (`ID` is filled with an id, real or hostile), and a body
    /// to start mutating from (a form for Auth's token endpoints).
    struct Route {
        var method: String
        var path: String
        var body: JSON? = nil
        var form = false
    }

    static let t1 = TransferData.tutorial1, t2 = TransferData.tutorial2
    static let transferDocument: JSON = [
        "DATA_TYPE": "transfer", "source_endpoint": .string(t1), "destination_endpoint": .string(t2), "label": "l",
        "sync_level": 1, "verify_checksum": true, "submission_id": "s",
        "DATA": [["source_path": "/~/file1.txt", "destination_path": "/~/f", "recursive": false]]
    ]
    static let form: JSON = [
        "grant_type": "authorization_code", "code": "c", "refresh_token": "r", "client_id": "61338d24-54d5-408f-a10d-66c06b59f6d2",
        "scope": "openid", "redirect_uri": "http://localhost:1/", "code_verifier": "v", "token": "t", "include": "session_info"
    ]

    static let serviceRoutes: [Route] = [
        Route(method: "GET", path: "/auth/.well-known/openid-configuration"), Route(method: "GET", path: "/auth/jwk.json"),
        Route(method: "GET", path: "/auth/v2/oauth2/authorize"), Route(method: "POST", path: "/auth/v2/oauth2/authorize/approve", body: form, form: true),
        Route(method: "GET", path: "/auth/sim/approve"), Route(method: "GET", path: "/auth/v2/web/auth-code"),
        Route(method: "POST", path: "/auth/v2/oauth2/token", body: form, form: true),
        Route(method: "POST", path: "/auth/v2/oauth2/token/revoke", body: form, form: true),
        Route(method: "POST", path: "/auth/v2/oauth2/token/introspect", body: form, form: true),
        Route(method: "GET", path: "/auth/v2/oauth2/userinfo"), Route(method: "GET", path: "/auth/v2/api/identities"),
        Route(method: "GET", path: "/auth/v2/api/identities/ID/consents"),
        Route(method: "GET", path: "/transfer/v0.10/task_list"), Route(method: "GET", path: "/transfer/v0.10/task/ID"),
        Route(method: "GET", path: "/transfer/v0.10/task/ID/successful_transfers"), Route(method: "GET", path: "/transfer/v0.10/task/ID/event_list"),
        Route(method: "POST", path: "/transfer/v0.10/task/ID/cancel"), Route(method: "GET", path: "/transfer/v0.10/submission_id"),
        Route(method: "GET", path: "/transfer/v0.10/endpoint_search"), Route(method: "GET", path: "/transfer/v0.10/endpoint/ID"),
        Route(method: "GET", path: "/transfer/v0.10/operation/endpoint/ID/ls"),
        Route(method: "POST", path: "/transfer/v0.10/operation/endpoint/ID/mkdir", body: ["path": "/~/new"]),
        Route(method: "POST", path: "/transfer/v0.10/operation/endpoint/ID/rename", body: ["old_path": "/~/file2.txt", "new_path": "/~/g"]),
        Route(method: "POST", path: "/transfer/v0.10/transfer", body: transferDocument),
        Route(method: "POST", path: "/transfer/v0.10/delete", body: ["DATA_TYPE": "delete", "endpoint": .string(t1), "recursive": true, "DATA": [["path": "/~/x"]]]),
        Route(method: "GET", path: "/groups/v2/groups/my_groups"), Route(method: "GET", path: "/groups/v2/groups/ID"),
        Route(method: "GET", path: "/search/v1/index/ID"), Route(method: "GET", path: "/search/v1/index/\(Simulator.searchIndex)/search"),
        Route(method: "POST", path: "/search/v1/index/\(Simulator.searchIndex)/search", body: ["q": "climate", "limit": 5, "offset": 0]),
        Route(
            method: "POST", path: "/timer/v2/timer",
            body: [
                "timer": [
                    "timer_type": "transfer", "name": "n", "body": transferDocument,
                    "schedule": ["type": "recurring", "interval_seconds": 60, "end": ["condition": "iterations", "count": 2]]
                ]
            ]),
        Route(method: "GET", path: "/timer/v2/timers"), Route(method: "GET", path: "/timer/jobs/"), Route(method: "GET", path: "/timer/jobs/ID"),
        Route(method: "DELETE", path: "/timer/jobs/ID"),
        Route(method: "POST", path: "/flows/flows/24bc4997-b483-4c25-a19c-64b0afc00743/run", body: ["label": "l", "tags": ["t"], "body": [:]]),
        Route(method: "GET", path: "/flows/flows"), Route(method: "GET", path: "/flows/flows/ID"), Route(method: "GET", path: "/flows/runs"),
        Route(method: "GET", path: "/flows/runs/ID"), Route(method: "GET", path: "/gcs/ID/api/info"), Route(method: "GET", path: "/gcs/ID/api/collections"),
        Route(method: "GET", path: "/compute/v2/version"), Route(method: "GET", path: "/compute/v2/endpoints"), Route(method: "GET", path: "/ID"),
        Route(method: "PATCH", path: "/transfer/v0.10/ID")
    ]

    /// The admin API (open here): run on a simulator of its own, as its faults change every
    /// answer after them.
    static let adminRoutes: [Route] = [
        Route(method: "GET", path: "/admin/faults"), Route(method: "POST", path: "/admin/faults", body: ["fault": "status=503x1", "faults": ["drop@/nowherex1"]]),
        Route(method: "DELETE", path: "/admin/faults"), Route(method: "POST", path: "/admin/expire-tokens"),
        Route(method: "POST", path: "/admin/revoke-refresh-tokens"), Route(method: "POST", path: "/admin/clock", body: ["offset": 10]),
        Route(method: "POST", path: "/admin/tasks", body: ["count": 2, "identity": "alice@uchicago.edu", "files": 3]),
        Route(method: "POST", path: "/admin/token-lifetime", body: ["seconds": 600]), Route(method: "GET", path: "/admin/requests"),
        Route(method: "DELETE", path: "/admin/requests"), Route(method: "GET", path: "/admin/connections"), Route(method: "GET", path: "/admin/issued-tokens"),
        Route(method: "GET", path: "/admin/state"),
        Route(method: "POST", path: "/admin/files", body: ["collection": .string(t1), "path": "/~/generated.dat", "size": 10]),
        Route(method: "POST", path: "/admin/approve", body: ["authorize_url": "http://x/?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2", "identity": "bob@globusid.org"])
    ]

    mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    /// The document with some members (at any depth) replaced by hostile values, dropped, or
    /// doubled up; sometimes the whole document is replaced.
    mutating func mutate(_ doc: JSON, depth: Int = 0) -> JSON {
        if chance(depth == 0 ? 10 : 25) { return pick(Self.values) }
        switch doc {
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o where !chance(10) { out[k] = chance(40) ? mutate(v, depth: depth + 1) : v }
            if chance(20) { out[pick(Self.queryNames)] = pick(Self.values) }
            return .object(out)
        case .array(let a):
            return .array(a.map { chance(40) ? mutate($0, depth: depth + 1) : $0 } + (chance(20) ? [pick(Self.values)] : []))
        default:
            return doc
        }
    }

    /// The text of a hostile value as a form or query value.
    func text(_ v: JSON) -> String { v.string ?? v.serialized }

    mutating func request(_ route: Route) -> SimRequest {
        let id = pick(
            [taskID, Self.t1, Self.t2, Simulator.searchIndex, "24bc4997-b483-4c25-a19c-64b0afc00743", "b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01"]
                + Self.texts)
        var query: [(String, String)] = []
        for _ in 0..<Int(rng.next() % 6) { query.append((pick(Self.queryNames), pick(Self.texts))) }
        var headers: [String: String] = [:]
        if let t = pick(tokens) { headers["authorization"] = pick(["Bearer ", "token ", "Basic ", "bearer "]) + t }
        if chance(10) { headers["authorization"] = "Basic " + Base64.encode(Array("7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d:\(pick(Self.texts))".utf8)) }
        if chance(30) { headers["accept"] = "application/json" }
        var body: [UInt8] = []
        if let template = route.body {
            let doc = mutate(template)
            if route.form, let o = doc.object {
                headers["content-type"] = "application/x-www-form-urlencoded"
                body = Array(FormCoding.encode(o.map { ($0.key, text($0.value)) }).utf8)
            } else {
                headers["content-type"] = "application/json"
                body = chance(5) ? (0..<Int(rng.next() % 512)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } : doc.bytes
            }
        }
        return SimRequest(method: route.method, path: route.path.replacingOccurrences("ID", id), query: query, headers: headers, body: body)
    }

    /// A valid token for the service a path names.
    func serviceToken(for path: String) -> String? {
        let service = Simulator.split(path).service
        let server =
            [
                "auth": "auth.globus.org", "transfer": "transfer.api.globus.org", "groups": "groups.api.globus.org",
                "search": "search.api.globus.org", "timer": SimulatedServices.timersID, "compute": "funcx_service"
            ][service]
            ?? (path.hasSuffix("/run") ? "24bc4997-b483-4c25-a19c-64b0afc00743" : "flows.globus.org")
        return tokensByServer[server]
    }

    /// Every route, with its service's valid token: each paging number (`limit`, `offset`,
    /// `marker`) at each extreme, then each member of its body (at the top, and one level down)
    /// as each hostile value.
    func sweep(_ routes: [Route], seed: UInt64) async {
        let numbers = Self.texts.filter { $0.utf8.count < 64 && ($0.first.map { "+-0123456789".contains($0) } ?? true) }
        for route in routes {
            let headers = serviceToken(for: route.path).map { ["authorization": "Bearer " + $0, "content-type": "application/json"] } ?? [:]
            var requests: [SimRequest] = []
            let path = route.path.replacingOccurrences("ID", route.path.contains("/task/") ? taskID : Self.t1)
            for name in ["limit", "offset", "marker"] {
                for n in numbers { requests.append(SimRequest(method: route.method, path: path, query: [(name, n)], headers: headers, body: route.body?.bytes ?? [])) }
            }
            for variant in Self.variants(of: route.body ?? .null) where !route.form {
                requests.append(SimRequest(method: route.method, path: path, headers: headers, body: variant.bytes))
            }
            for r in requests { await answer(r, seed: seed) }
        }
    }

    /// The document with one member (at the top, or one level down) set to each hostile value.
    static func variants(of doc: JSON) -> [JSON] {
        guard case .object(let o) = doc else { return [] }
        var out: [JSON] = []
        for (key, value) in o {
            for v in values {
                var changed = o
                changed[key] = v
                out.append(.object(changed))
            }
            for inner in variants(of: value.array?.first ?? value) where value.object != nil || value.array != nil {
                var changed = o
                changed[key] = value.array != nil ? [inner] : inner
                out.append(.object(changed))
            }
        }
        return out
    }

    /// Sends `r`: it must be answered, with a status the server can send.
    func answer(_ r: SimRequest, seed: UInt64) async {
        let answer = await sim.handle(r)
        #expect((100...599).contains(answer.status), "seed \(seed): \(r.method) \(r.path.prefix(200)) answered \(answer.status)")
        // As the server sends it (a status Hummingbird could not send would trap there).
        _ = try? Simulator.response(answer)
    }

    /// Sweeps the routes, then sends `rounds` random hostile requests to each.
    mutating func run(_ routes: [Route], rounds: Int, seed: UInt64) async {
        await sweep(routes, seed: seed)
        for route in routes {
            for _ in 0..<rounds { await answer(request(route), seed: seed) }
        }
    }
}
