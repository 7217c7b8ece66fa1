import JSON

/// Groups, Timers, Flows and Compute: enough of each for listings and lookups (Search: `SearchService.swift`).
extension Simulator {
    static let groups: [(id: String, name: String, description: String, members: [String])] = [
        (
            "e5a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a41", "Research Computing Users", "Everyone with an allocation on the cluster",
            ["alice@uchicago.edu", "carol@anl.gov"]
        ),
        ("f6b2c3d4-e5f6-4071-9b8c-0d1e2f3a4b52", "Data Science 101", "Students and staff of the course", ["alice@uchicago.edu", "bob@globusid.org"]),
        ("a7c3d4e5-f607-4182-8c9d-1e2f3a4b5c63", "Beamline 7 Collaboration", "Shared data from the beamline", ["carol@anl.gov"])
    ]

    func groupsService(_ r: SimRequest, _ path: String) -> SimResponse {
        guard let token = withState({ $0.validToken(r.bearer, for: "groups.api.globus.org") }) else {
            return .json(["code": "UNAUTHORIZED", "detail": "Token is not active or not valid for Groups", "status": 401], status: 401)
        }
        let me = token.identityID.flatMap { id in withState { $0.identity(id) } }
        func doc(_ g: (id: String, name: String, description: String, members: [String]), withMembers: Bool) -> JSON {
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
        let mine = Simulator.groups.filter { g in me.map { g.members.contains($0.username) } ?? false }
        if r.method == "GET" && path == "/v2/groups/my_groups" {
            return .json(.array(mine.map { doc($0, withMembers: false) }))
        }
        if r.method == "GET", path.hasPrefix("/v2/groups/") {
            let id = String(path.dropFirst("/v2/groups/".count))
            guard let g = mine.first(where: { $0.id == id }) else {
                return .json(["code": "NOT_FOUND", "detail": "Group \(id) not found or not visible", "status": 404], status: 404)
            }
            return .json(doc(g, withMembers: (r.param("include") ?? "").contains("memberships")))
        }
        return .json(["code": "NOT_FOUND", "detail": "No such resource: \(path)", "status": 404], status: 404)
    }

    func timers(_ r: SimRequest, _ path: String) -> SimResponse {
        guard withState({ $0.validToken(r.bearer, for: SimulatedServices.timersID) }) != nil else {
            return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for Timers"]], status: 401)
        }
        return timerRoutes(r, path)
    }

    func flows(_ r: SimRequest, _ path: String) -> SimResponse {
        // Running a flow takes a token for the flow's own scope (its resource server is the flow).
        let parts = path.split(separator: "/").map(String.init)
        if r.method == "POST", parts.count == 3, parts[0] == "flows", parts[2] == "run", SimulatedServices.flows.contains(parts[1]) {
            guard let t = withState({ $0.validToken(r.bearer, for: parts[1]) }) else {
                return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for this flow"]], status: 401)
            }
            let body = r.json ?? [:]
            let started: SimRun? = withState { s in
                let now = s.preciseNow
                var run = SimRun(
                    id: randomUUID(), flowID: parts[1], owner: t.identityID ?? t.clientID, label: body["label"]?.string,
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
        guard let token = withState({ $0.validToken(r.bearer, for: "flows.globus.org") }) else {
            return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for Flows"]], status: 401)
        }
        let me = token.identityID ?? token.clientID
        let (runs, now) = withState { s in (s.runs.filter { $0.owner == me }, s.preciseNow) }
        switch (r.method, parts.first ?? "", parts.count) {
        case ("GET", "flows", 1):
            return .json(["flows": .array(SimulatedServices.flows.sorted().map(flowDocument)), "limit": 20, "has_next_page": false, "marker": .null])
        case ("GET", "flows", 2) where SimulatedServices.flows.contains(parts[1]):
            return .json(flowDocument(parts[1]))
        case ("GET", "runs", 1):
            return .json(["runs": .array(runs.reversed().map { runDocument($0, now: now) }), "limit": 20, "has_next_page": false, "marker": .null])
        case ("GET", "runs", 2):
            guard let run = runs.first(where: { $0.id == parts[1] }) else {
                return .json(["error": ["code": "NOT_FOUND", "detail": .string("No run with id \(parts[1])")]], status: 404)
            }
            return .json(runDocument(run, now: now))
        default: return .json(["error": ["code": "NOT_FOUND", "detail": .string("No such resource: \(path)")]], status: 404)
        }
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

    /// A GCS manager per collection: `/gcs/<id>/api/info` (public) and `/api/collections` (needs the
    /// endpoint's manage_collections token).
    func gcs(_ r: SimRequest, _ path: String) -> SimResponse {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[1] == "api", let c = withState({ $0.transfer.collection(parts[0]) }) else {
            return .json(["code": "not_found", "http_response_code": 404, "detail": .string("No such GCS resource: \(path)")], status: 404)
        }
        switch parts[2] {
        case "info":
            return .json([
                "DATA_TYPE": "result#1.0.0", "code": "success", "http_response_code": 200,
                "data": [["DATA_TYPE": "info#1.0.0", "client_id": .string(c.id), "endpoint_id": .string(c.id), "api_version": "1.30.0"]]
            ])
        case "collections":
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
        default:
            return .json(["code": "not_found", "http_response_code": 404, "detail": .string("No such GCS resource: \(path)")], status: 404)
        }
    }

    func compute(_ r: SimRequest, _ path: String) -> SimResponse {
        if path == "/v2/version" { return .json(["api": "1.0.0", "min_sdk_version": "2.0.0", "min_endpoint_version": "2.0.0"]) }
        guard withState({ $0.validToken(r.bearer, for: "funcx_service") }) != nil else {
            return .json(["code": 1, "error_args": [], "reason": "Token is not active or not valid for Compute"], status: 401)
        }
        if path == "/v2/endpoints" || path == "/v3/endpoints" { return .json([]) }
        return .json(["code": 0, "reason": "No such resource: \(path)"], status: 404)
    }
}
