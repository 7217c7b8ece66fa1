import Hummingbird
import JSON

/// A misbehaviour to inject, on one route (a path prefix like `/transfer/v0.10/task_list`) or on all.
public struct Fault: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Answer after this many milliseconds.
        case latency(Int)
        /// Answer with this 5xx status.
        case status(Int)
        /// Answer 429 with `Retry-After: seconds`.
        case rateLimit(retryAfter: Int)
        /// Drop the connection without answering.
        case drop
        /// Answer, then drop the connection after this many bytes of the body (a download cut
        /// off midway; HTTPS data access only, `CollectionHTTPS.swift`).
        case cut(Int)
        /// Send the body at this many bytes per second (a slow link; HTTPS data access only).
        case throttle(Int)
        /// Answer 403 with a GARE requiring an identity from this domain.
        case requireDomain(String)
        /// Answer 403 with a GARE requiring multi-factor authentication.
        case requireMFA
        /// The next submitted transfer or delete task fails halfway (a fatal error).
        case taskFail
        /// The next submitted task reports this many faults (retried errors) and still succeeds.
        case taskFaults(Int)
        /// The next submitted task is paused by an administrator and makes no progress.
        case taskPause

        /// Whether it acts on a task at submission rather than on a response.
        var isTaskFault: Bool {
            switch self {
            case .taskFail, .taskFaults, .taskPause: true
            default: false
            }
        }
    }

    public var kind: Kind
    /// A path prefix; nil for every request.
    public var route: String?
    /// How many requests it affects; nil for all.
    public var times: Int?

    public init(kind: Kind, route: String? = nil, times: Int? = nil) {
        self.kind = kind
        self.route = route
        self.times = times
    }

    /// Parses `KIND[=ARG][@ROUTE][xN]`: `latency=200`, `status=503@/transfer/x2`, `429=3`, `drop@/groups/`,
    /// `domain=uchicago.edu@/transfer/v0.10/operation`, `mfa`, `cut=1000@/https/<collection>/`,
    /// `throttle=65536`. Nil for anything else, and for a
    /// number out of its range: latency up to an hour, a status from 100 to 599, Retry-After up
    /// to a day, N at least 1.
    public init?(spec: String) {
        var s = Substring(spec)
        var times: Int?
        if let x = s.lastIndex(of: "x"), let n = Int(s[s.index(after: x)...]), x != s.startIndex {
            guard n >= 1 else { return nil }
            times = n
            s = s[..<x]
        }
        var route: String?
        if let at = s.firstIndex(of: "@") {
            route = String(s[s.index(after: at)...])
            s = s[..<at]
        }
        let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
        let arg = parts.count > 1 ? parts[1] : nil
        /// The argument as a number within `range` (`fallback` when there is none); nil when it
        /// is not one, so that no fault carries a number the simulator cannot act on.
        func number(_ range: ClosedRange<Int>, _ fallback: Int? = nil) -> Int? {
            guard let arg else { return fallback }
            return Int(arg).flatMap { range.contains($0) ? $0 : nil }
        }
        let kind: Kind
        switch parts.first ?? "" {
        case "latency": guard let ms = number(0...3_600_000) else { return nil }; kind = .latency(ms)
        case "status", "5xx": guard let code = number(100...599, 503) else { return nil }; kind = .status(code)
        case "429", "ratelimit": guard let after = number(0...86_400, 1) else { return nil }; kind = .rateLimit(retryAfter: after)
        case "drop": kind = .drop
        case "cut": guard let n = number(0...Int(Int32.max), 0) else { return nil }; kind = .cut(n)
        case "throttle": guard let bps = number(1...Int(Int32.max)) else { return nil }; kind = .throttle(bps)
        case "domain": guard let d = arg else { return nil }; kind = .requireDomain(d)
        case "mfa": kind = .requireMFA
        case "taskfail": kind = .taskFail
        case "taskfaults": guard let n = number(0...1_000_000, 3) else { return nil }; kind = .taskFaults(n)
        case "taskpause": kind = .taskPause
        default: return nil
        }
        self.init(kind: kind, route: route, times: times)
    }

    /// The fault as JSON (for the admin endpoint's listing).
    var json: JSON {
        let (name, arg): (String, JSON) =
            switch kind {
            case .latency(let ms): ("latency", .int(ms))
            case .status(let s): ("status", .int(s))
            case .rateLimit(let r): ("429", .int(r))
            case .drop: ("drop", .null)
            case .cut(let n): ("cut", .int(n))
            case .throttle(let bps): ("throttle", .int(bps))
            case .requireDomain(let d): ("domain", .string(d))
            case .requireMFA: ("mfa", .null)
            case .taskFail: ("taskfail", .null)
            case .taskFaults(let n): ("taskfaults", .int(n))
            case .taskPause: ("taskpause", .null)
            }
        return ["kind": .string(name), "arg": arg, "route": route.map(JSON.string) ?? .null, "times": times.map(JSON.int) ?? .null]
    }
}

extension Simulator {
    /// Takes the faults that apply to this request: every latency, at most one response fault
    /// (status, 429, drop; the oldest first), and the session requirements (checked, not consumed).
    func takeFaults(for path: String) -> [Fault] {
        withState { s in
            var hit: [Fault] = []
            var answered = false
            var i = 0
            while i < s.faults.count {
                let f = s.faults[i]
                guard f.route.map({ path.hasPrefix($0) }) ?? true else { i += 1; continue }
                // Task faults wait for a task submission.
                if f.kind.isTaskFault && !(path.hasSuffix("/transfer") || path.hasSuffix("/delete")) { i += 1; continue }
                switch f.kind {
                case .requireDomain, .requireMFA:
                    hit.append(f)
                    i += 1
                    continue
                case .status, .rateLimit, .drop, .cut:
                    if answered { i += 1; continue }
                    answered = true
                case .latency, .throttle, .taskFail, .taskFaults, .taskPause:
                    break
                }
                hit.append(f)
                if let n = f.times, n <= 1 {
                    s.faults.remove(at: i)
                    continue
                } else if let n = f.times {
                    s.faults[i].times = n - 1
                }
                i += 1
            }
            return hit
        }
    }

    /// The GARE response for a session requirement the caller's token does not meet, if any.
    func sessionRequirementUnmet(_ faults: [Fault], _ r: SimRequest) -> SimResponse? {
        let tokens = withState { s in s.accessTokens[r.bearer ?? ""] }
        for f in faults {
            switch f.kind {
            case .requireDomain(let d):
                if tokens?.session?.domain == d { continue }
                return .json(
                    [
                        "code": "AuthorizationRequired", "message": .string("This resource requires an identity from \(d)"),
                        "request_id": .string(requestID()),
                        "authorization_parameters": [
                            "session_message": .string("Log in with your \(d) identity to access this resource."),
                            "session_required_single_domain": [.string(d)]
                        ]
                    ], status: 403)
            case .requireMFA:
                if tokens?.session?.mfa == true { continue }
                return .json(
                    [
                        "code": "AuthorizationRequired", "message": "This resource requires multi-factor authentication",
                        "request_id": .string(requestID()),
                        "authorization_parameters": [
                            "session_message": "Multi-factor authentication is required.",
                            "session_required_mfa": true
                        ]
                    ], status: 403)
            default: continue
            }
        }
        return nil
    }

    /// `POST /admin/files {"collection": ID, "path": "/~/big.dat", "size": N}`: a file of N
    /// generated bytes (`GeneratedBytes`, made as they are read: 1 GB costs no memory) in the
    /// folder `path` names, for everyone: among the collection's starting files and in every
    /// home already made on it. The folder must exist; a file of that name is replaced.
    func addGeneratedFile(_ r: SimRequest) -> SimResponse {
        guard let id = r.json?["collection"]?.string, let path = r.json?["path"]?.string, let size = r.json?["size"]?.int,
            (0...(1 << 40)).contains(size), path.hasPrefix("/~/"), !path.hasSuffix("/")
        else {
            return .json(["error": "expected {\"collection\": ID, \"path\": \"/~/NAME\", \"size\": BYTES (at most 1 TB)}"], status: 400)
        }
        let (folder, name) = SimPath.split(path)
        let file = SimFile(name: name, type: "file", size: size, content: .generated)
        let refusal: String? = withState { s in
            guard let i = s.transfer.collections.firstIndex(where: { $0.id == id }) else { return "no collection \(id)" }
            var start = FileTree(folders: s.transfer.collections[i].files)
            do throws(FileTree.Refusal) {
                try start.put(file, in: folder)
                for key in s.transfer.homes.keys where key.collection == id { try s.transfer.homes[key]!.put(file, in: folder) }
            } catch {
                return "cannot put \(path): \(error)"
            }
            s.transfer.collections[i].files = start.folders
            return nil
        }
        if let refusal { return .json(["error": .string(refusal)], status: 400) }
        return .json(["collection": .string(id), "path": .string(path), "size": .int(size)])
    }

    /// The faults queued, as `GET /admin/faults` answers.
    func faultList() -> SimResponse { .json(["faults": .array(withState { $0.faults }.map(\.json))]) }

    /// `POST /admin/faults {"fault": SPEC}` or `{"faults": [SPEC, …]}`: queues faults.
    func addFaults(_ r: SimRequest) -> SimResponse {
        let specs = r.json?["faults"]?.array?.compactMap(\.string) ?? r.json?["fault"]?.string.map { [$0] } ?? []
        let parsed = specs.compactMap(Fault.init(spec:))
        guard !specs.isEmpty, parsed.count == specs.count else {
            return .json(["error": "expected {\"fault\": \"KIND[=ARG][@ROUTE][xN]\"} or {\"faults\": [...]}"], status: 400)
        }
        withState { $0.faults += parsed }
        return faultList()
    }

    /// `POST /admin/expire-tokens`: every access token expires now.
    func expireTokens() -> SimResponse {
        let n = withState { s in
            let now = s.now
            for k in s.accessTokens.keys { s.accessTokens[k]!.expiresAt = now - 1 }
            return s.accessTokens.count
        }
        return .json(["expired": .int(n)])
    }

    /// `POST /admin/revoke-refresh-tokens`.
    func revokeRefreshTokens() -> SimResponse {
        let n = withState { s in
            for k in s.refreshTokens.keys { s.refreshTokens[k]!.revoked = true }
            return s.refreshTokens.count
        }
        return .json(["revoked": .int(n)])
    }

    /// `POST /admin/clock {"offset": SECONDS}`: moves the simulator's clock.
    func setClock(_ r: SimRequest) -> SimResponse {
        // Within a century either way, so that every date the simulator computes stays one.
        guard let off = r.json?["offset"]?.int, (-SimLimits.century...SimLimits.century).contains(off) else {
            return .json(["error": "expected {\"offset\": SECONDS} (at most 100 years either way)"], status: 400)
        }
        withState { $0.clockOffset = off }
        return .json(["offset": .int(off)])
    }

    /// `POST /admin/tasks {"count": N, "identity": USERNAME, "files": F}`: finished tasks for a
    /// person, to page through (benchmarks, pagination tests), each with `files` files (default 1).
    func seedTasks(_ r: SimRequest) -> SimResponse {
        let files = r.json?["files"]?.int ?? 1
        guard let count = r.json?["count"]?.int, (1...1_000_000).contains(count), (1...10_000_000).contains(files), let who = r.json?["identity"]?.string,
            let id = withState({ s in s.identities.first { $0.username == who }?.id })
        else {
            return .json(["error": "expected {\"count\": N, \"identity\": USERNAME}"], status: 400)
        }
        withState { s in
            let now = s.preciseNow
            for i in 0..<count {
                s.transfer.tasks.append(
                    SimTask(
                        id: randomUUID(), type: "TRANSFER", owner: id, label: "seeded \(i)", source: TransferData.tutorial1,
                        destination: TransferData.tutorial2, items: [("/~/seeded", "/~/seeded", true)],
                        requested: s.now - 3600, requestedAt: now - 3600, duration: 1, fileCount: files, bytes: 4 * files,
                        syncLevel: nil, verifyChecksum: true, applied: true))
            }
        }
        let ids = withState { s in s.transfer.tasks.suffix(count).map { JSON.string($0.id) } }
        return .json(["tasks": .int(count), "task_ids": .array(ids)])
    }

    /// `POST /admin/token-lifetime {"seconds": N}`: the lifetime of access tokens issued from now.
    func setTokenLifetime(_ r: SimRequest) -> SimResponse {
        guard let secs = r.json?["seconds"]?.int, (1...SimLimits.century).contains(secs) else {
            return .json(["error": "expected {\"seconds\": N} (1 to 100 years)"], status: 400)
        }
        withState { $0.tokenLifetime = secs }
        return .json(["seconds": .int(secs)])
    }

    /// `GET /admin/state`: counts of what the simulator keeps.
    func stateSummary() -> SimResponse {
        .json(
            withState { s in
                [
                    "access_tokens": .int(s.accessTokens.count), "refresh_tokens": .int(s.refreshTokens.count),
                    "active_access_tokens": .int(s.accessTokens.values.filter { !$0.revoked && $0.expiresAt > s.now }.count),
                    "consents": .int(s.consents.count), "tasks": .int(s.transfer.tasks.count), "clock_offset": .int(s.clockOffset)
                ]
            })
    }

    /// `POST /admin/approve {"authorize_url": URL, "identity": USERNAME}`: a scripted login,
    /// answered `{"code": …}`.
    func scriptedApproval(_ r: SimRequest) -> SimResponse {
        guard let url = r.json?["authorize_url"]?.string, let q = url.split(separator: "?", maxSplits: 1).last else {
            return .json(["error": "expected {\"authorize_url\": URL, \"identity\": USERNAME}"], status: 400)
        }
        var req = SimRequest(method: "GET", path: "", query: FormCoding.decode(String(q)), headers: ["accept": "application/json"])
        req.query.append(("identity", r.json?["identity"]?.string ?? withState { $0.identities[0].username }))
        return approve(req)
    }
}

/// `/admin/…`: change the simulator while it runs (tests, demos, the fault matrix). Who may use
/// it (`AdminAccess`) is checked before any of its routes, and before its 404.
struct AdminRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["admin"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        group.add(middleware: Gate(access: sim.adminAccess))
        group.answer(.get, "faults") { _, _ in sim.faultList() }
        group.answer(.post, "faults") { r, _ in sim.addFaults(r) }
        group.answer(.delete, "faults") { _, _ in
            sim.withState { $0.faults = [] }
            return .json(["faults": []])
        }
        group.answer(.post, "expire-tokens") { _, _ in sim.expireTokens() }
        group.answer(.post, "revoke-refresh-tokens") { _, _ in sim.revokeRefreshTokens() }
        group.answer(.post, "clock") { r, _ in sim.setClock(r) }
        group.answer(.post, "tasks") { r, _ in sim.seedTasks(r) }
        group.answer(.post, "files") { r, _ in sim.addGeneratedFile(r) }
        group.answer(.post, "token-lifetime") { r, _ in sim.setTokenLifetime(r) }
        // For differential tests: what clients sent (secrets redacted), oldest first.
        group.answer(.get, "requests") { _, _ in .json(["requests": .array(sim.log.withLockedValue { $0.requests.map(\.json) })]) }
        group.answer(.delete, "requests") { _, _ in
            sim.log.withLockedValue { $0 = RequestLog() }
            return .json(["requests": []])
        }
        group.answer(.get, "connections") { _, _ in .json(["connections": .int(sim.log.withLockedValue { $0.connections.count })]) }
        // For secrets audits: every token string issued, so tests can prove none leaked.
        group.answer(.get, "issued-tokens") { _, _ in
            .json(sim.withState { s in .array((Array(s.accessTokens.keys) + Array(s.refreshTokens.keys)).sorted().map(JSON.string)) })
        }
        group.answer(.get, "state") { _, _ in sim.stateSummary() }
        group.answer(.post, "approve") { r, _ in sim.scriptedApproval(r) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse {
        if let refusal = sim.adminAccess.refusal(r) { return refusal }
        return .json(["error": .string("no admin resource \(r.method) \(path)")], status: 404)
    }

    /// Refuses whoever may not use the admin API (`AdminAccess.refusal`).
    struct Gate: RouterMiddleware {
        let access: AdminAccess

        func handle(
            _ request: Request, context: Simulator.SimContext, next: (Request, Simulator.SimContext) async throws -> Response
        ) async throws -> Response {
            if let refusal = access.refusal(context.simRequest) { return try Simulator.response(refusal) }
            return try await next(request, context)
        }
    }
}
