import Hummingbird
import JSON

/// Groups, Flows, GCS and Compute: enough of each for listings and lookups (Search: `SearchService.swift`,
/// Timers: `Timers.swift`); each service's routes are its type's (`GroupsRoutes`, …) at the end.
extension Simulator {
    static let groups: [(id: String, name: String, description: String, members: [String])] = [
        (
            "e5a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a41", "Research Computing Users", "Everyone with an allocation on the cluster",
            ["alice@uchicago.edu", "carol@anl.gov"]
        ),
        ("f6b2c3d4-e5f6-4071-9b8c-0d1e2f3a4b52", "Data Science 101", "Students and staff of the course", ["alice@uchicago.edu", "bob@globusid.org"]),
        ("a7c3d4e5-f607-4182-8c9d-1e2f3a4b5c63", "Beamline 7 Collaboration", "Shared data from the beamline", ["carol@anl.gov"])
    ]

    typealias SimGroup = (id: String, name: String, description: String, members: [String])

    /// Groups' token check: the caller (nil for a client's own token), or Groups' 401.
    func groupsCaller(_ r: SimRequest) -> Result<SimIdentity?, SimResponse> {
        guard let token = withState({ $0.validToken(r.bearer, for: "groups.api.globus.org") }) else {
            return .failure(.json(["code": "UNAUTHORIZED", "detail": "Token is not active or not valid for Groups", "status": 401], status: 401))
        }
        return .success(token.identityID.flatMap { id in withState { $0.identity(id) } })
    }

    /// The groups `me` belongs to.
    func groups(of me: SimIdentity?) -> [SimGroup] { Simulator.groups.filter { g in me.map { g.members.contains($0.username) } ?? false } }

    func groupDocument(_ g: SimGroup, me: SimIdentity?, withMembers: Bool) -> JSON {
        var o: JSON = [
            "id": .string(g.id), "name": .string(g.name), "description": .string(g.description), "parent_id": .null,
            "group_type": "regular", "enforce_session": false, "session_limit": 28800, "session_timeouts": [:],
            "policies": ["group_visibility": "private", "group_members_visibility": "members"]
        ]
        if let me, g.members.contains(me.username) {
            o = merge(
                o,
                [
                    "my_memberships": [
                        [
                            "group_id": .string(g.id), "identity_id": .string(me.id), "username": .string(me.username),
                            "role": g.members.first == me.username ? "admin" : "member", "status": "active"
                        ]
                    ]
                ])
        }
        if withMembers {
            let people = withState { $0.identities }
            o = merge(
                o,
                [
                    "memberships": .array(
                        g.members.compactMap { u in people.first { $0.username == u } }.map { p in
                            ["group_id": .string(g.id), "identity_id": .string(p.id), "username": .string(p.username), "role": "member", "status": "active"]
                        })
                ])
        }
        return o
    }

    /// `GET /v2/groups/my_groups`.
    func myGroups(_ r: SimRequest) -> SimResponse {
        switch groupsCaller(r) {
        case .failure(let refused): return refused
        case .success(let me): return .json(.array(groups(of: me).map { groupDocument($0, me: me, withMembers: false) }))
        }
    }

    /// `GET /v2/groups/ID[?include=memberships]`: one of the caller's groups.
    func group(_ r: SimRequest, id: String) -> SimResponse {
        switch groupsCaller(r) {
        case .failure(let refused): return refused
        case .success(let me):
            guard let g = groups(of: me).first(where: { $0.id == id }) else {
                return .json(["code": "NOT_FOUND", "detail": .string("Group \(id) not found or not visible"), "status": 404], status: 404)
            }
            return .json(groupDocument(g, me: me, withMembers: (r.param("include") ?? "").contains("memberships")))
        }
    }

    /// Groups' answer for any other path or method: its 401 without a valid token, else 404.
    func groupsNotFound(_ r: SimRequest, _ path: String) -> SimResponse {
        if case .failure(let refused) = groupsCaller(r) { return refused }
        return .json(["code": "NOT_FOUND", "detail": .string("No such resource: \(path)"), "status": 404], status: 404)
    }

    /// `POST /flows/ID/run`: a run of a deployed flow, with a token for the flow's own scope (its
    /// resource server is the flow).
    func runFlow(_ r: SimRequest, flowID: String) -> SimResponse {
        guard let t = withState({ $0.validToken(r.bearer, for: flowID) }) else {
            return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for this flow"]], status: 401)
        }
        let body = r.json ?? [:]
        let started: SimRun? = withState { s in
            let now = s.preciseNow
            var run = SimRun(
                id: randomUUID(), flowID: flowID, owner: t.identityID ?? t.clientID, label: body["label"]?.string,
                tags: body["tags"] ?? [], startedAt: now, duration: max(0.5, s.transfer.taskDuration * 2))
            run.bytes = (run.label?.utf8.count ?? 0) + run.tags.serialized.utf8.count
            guard
                makeRoom(
                    in: &s.runs, owner: run.owner, bytes: run.bytes, count: SimLimits.runsKept, budget: SimLimits.runBytes,
                    ownerOf: \.owner, isFinished: { now - $0.startedAt >= $0.duration }, size: \.bytes)
            else { return nil }
            s.runs.append(run)
            return run
        }
        guard let run = started else {
            return .json(
                ["error": ["code": "CONFLICT", "detail": .string("Too many active runs: at most \(SimLimits.runsKept) runs are kept per identity")]],
                status: 409)
        }
        return .json(runDocument(run, now: withState { $0.preciseNow }), status: 201)
    }

    /// Flows' token check, then `body` with the caller's runs and the time.
    func withFlowsToken(_ r: SimRequest, _ body: (_ runs: [SimRun], _ now: Double) -> SimResponse) -> SimResponse {
        guard let token = withState({ $0.validToken(r.bearer, for: "flows.globus.org") }) else {
            return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for Flows"]], status: 401)
        }
        let me = token.identityID ?? token.clientID
        let (runs, now) = withState { s in (s.runs.filter { $0.owner == me }, s.preciseNow) }
        return body(runs, now)
    }

    /// Flows' answer for any other path or method: its 401 without a valid token, else 404.
    func flowsNotFound(_ r: SimRequest, _ path: String) -> SimResponse {
        withFlowsToken(r) { _, _ in .json(["error": ["code": "NOT_FOUND", "detail": .string("No such resource: \(path)")]], status: 404) }
    }

    func flowDocument(_ id: String) -> JSON {
        [
            "id": .string(id), "title": "Move and share", "subtitle": "Transfer a folder, then share it",
            "description": "A deployed flow of the simulator: it runs through its states in its own time.",
            "flow_owner": "urn:globus:auth:identity:b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01", "keywords": ["demo"],
            "globus_auth_scope": .string("https://auth.globus.org/scopes/\(id)/flow_\(String(id.map { $0 == "-" ? "_" : $0 }))_user"),
            "created_at": "2026-01-01T00:00:00.000000+00:00"
        ]
    }

    /// A run moves through its states: FlowStarting, then the transfer action, then the end.
    func runDocument(_ run: SimRun, now: Double) -> JSON {
        let f = (now - run.startedAt) / run.duration
        let (status, code, step): (String, String, Int) =
            f >= 1
            ? ("SUCCEEDED", "FlowSucceeded", 2)
            : (f >= 0.5 ? ("ACTIVE", "ActionStarted", 1) : ("ACTIVE", "FlowStarting", 0))
        let states = ["Start", "Transfer", "Share"]
        var doc = JSONObject()
        doc["run_id"] = .string(run.id)
        doc["flow_id"] = .string(run.flowID)
        doc["status"] = .string(status)
        doc["label"] = run.label.map(JSON.string) ?? .null
        doc["tags"] = run.tags
        doc["run_managers"] = []
        doc["run_monitors"] = []
        doc["user_role"] = "run_owner"
        doc["created_by"] = .string("urn:globus:auth:identity:" + run.owner)
        doc["start_time"] = .string(isoDate(Int(run.startedAt)))
        doc["details"] = ["code": .string(code), "description": .string("State " + states[step])]
        doc["completion_time"] = f >= 1 ? .string(isoDate(Int(run.startedAt + run.duration))) : .null
        doc["display_status"] = .string(status)
        return .object(doc)
    }

    /// GCS's 404 for a path it does not serve (or a collection it does not know).
    func gcsNotFound(_ path: String) -> SimResponse {
        .json(["code": "not_found", "http_response_code": 404, "detail": .string("No such GCS resource: \(path)")], status: 404)
    }

    /// `/gcs/ID/api/info` (public): the collection's GCS manager's info.
    func gcsInfo(_ r: SimRequest, collection id: String) -> SimResponse {
        guard let c = withState({ $0.transfer.collection(id) }) else { return gcsNotFound(Simulator.split(r.path).path) }
        return .json([
            "DATA_TYPE": "result#1.0.0", "code": "success", "http_response_code": 200,
            "data": [["DATA_TYPE": "info#1.0.0", "client_id": .string(c.id), "endpoint_id": .string(c.id), "api_version": "1.30.0"]]
        ])
    }

    /// `/gcs/ID/api/collections`: needs the endpoint's manage_collections token.
    func gcsCollections(_ r: SimRequest, collection id: String) -> SimResponse {
        guard let c = withState({ $0.transfer.collection(id) }) else { return gcsNotFound(Simulator.split(r.path).path) }
        guard withState({ $0.validToken(r.bearer, for: c.id) }) != nil else {
            return .json(
                [
                    "DATA_TYPE": "result#1.0.0", "code": "unauthorized", "http_response_code": 401,
                    "detail": "Token is not active or not valid for this endpoint"
                ], status: 401)
        }
        return .json([
            "DATA_TYPE": "result#1.0.0", "code": "success", "http_response_code": 200, "has_next_page": false,
            "data": [
                [
                    "DATA_TYPE": "collection#1.0.0", "id": .string(c.id), "display_name": .string(c.displayName),
                    "collection_type": .string(c.mapped ? "mapped" : "guest")
                ]
            ]
        ])
    }

    /// Compute's token check, then `body`.
    func withComputeToken(_ r: SimRequest, _ body: () -> SimResponse) -> SimResponse {
        guard withState({ $0.validToken(r.bearer, for: "funcx_service") }) != nil else {
            return .json(["code": 1, "error_args": [], "reason": "Token is not active or not valid for Compute"], status: 401)
        }
        return body()
    }
}

/// Groups: the caller's groups, and one of them (with its members on request).
struct GroupsRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["groups"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        group.answer(.get, "v2/groups/my_groups") { r, _ in sim.myGroups(r) }
        group.answer(.get, "v2/groups/:id") { r, p in sim.group(r, id: p.text("id")) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse { sim.groupsNotFound(r, path) }
}

/// Flows: the deployed flows, running one (with the flow's own token), and the caller's runs.
struct FlowsRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["flows"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        group.answer(.post, "flows/:id/run") { r, p in
            let id = p.text("id")
            // Only a deployed flow runs; any other id is answered as an unknown path.
            return SimulatedServices.flows.contains(id) ? sim.runFlow(r, flowID: id) : sim.flowsNotFound(r, Simulator.split(r.path).path)
        }
        group.answer(.get, "flows") { r, _ in
            sim.withFlowsToken(r) { _, _ in
                .json(["flows": .array(SimulatedServices.flows.sorted().map(sim.flowDocument)), "limit": 20, "has_next_page": false, "marker": .null])
            }
        }
        group.answer(.get, "flows/:id") { r, p in
            let id = p.text("id")
            guard SimulatedServices.flows.contains(id) else { return sim.flowsNotFound(r, Simulator.split(r.path).path) }
            return sim.withFlowsToken(r) { _, _ in .json(sim.flowDocument(id)) }
        }
        group.answer(.get, "runs") { r, _ in
            sim.withFlowsToken(r) { runs, now in
                .json(["runs": .array(runs.reversed().map { sim.runDocument($0, now: now) }), "limit": 20, "has_next_page": false, "marker": .null])
            }
        }
        group.answer(.get, "runs/:id") { r, p in
            let id = p.text("id")
            return sim.withFlowsToken(r) { runs, now in
                guard let run = runs.first(where: { $0.id == id }) else {
                    return .json(["error": ["code": "NOT_FOUND", "detail": .string("No run with id \(id)")]], status: 404)
                }
                return .json(sim.runDocument(run, now: now))
            }
        }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse { sim.flowsNotFound(r, path) }
}

/// A GCS manager per collection: `/gcs/ID/api/info` (public) and `/gcs/ID/api/collections`
/// (needs the endpoint's manage_collections token). Both answer any method, and any path below
/// them (`/api/collections/ID`: the SDK's one collection) the same, as they always have.
struct GCSRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["gcs"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        for method in Simulator.methods {
            for path: RouterPath in [":id/api/info", ":id/api/info/**"] {
                group.answer(method, path) { r, p in sim.gcsInfo(r, collection: p.text("id")) }
            }
            for path: RouterPath in [":id/api/collections", ":id/api/collections/**"] {
                group.answer(method, path) { r, p in sim.gcsCollections(r, collection: p.text("id")) }
            }
        }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse { sim.gcsNotFound(path) }
}

/// Compute: its version (public) and its (empty) endpoint lists. Each answers any method, as
/// they always have.
struct ComputeRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["compute"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        for method in Simulator.methods {
            group.answer(method, "v2/version") { _, _ in .json(["api": "1.0.0", "min_sdk_version": "2.0.0", "min_endpoint_version": "2.0.0"]) }
            for path: RouterPath in ["v2/endpoints", "v3/endpoints"] {
                group.answer(method, path) { r, _ in sim.withComputeToken(r) { .json([]) } }
            }
        }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse {
        sim.withComputeToken(r) { .json(["code": 0, "reason": .string("No such resource: \(path)")], status: 404) }
    }
}
