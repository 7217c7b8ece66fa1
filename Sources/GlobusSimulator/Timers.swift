import Hummingbird
import JSON

/// A transfer timer: runs its transfer at `start`, then every `interval` seconds, `count` times
/// at most (nil: until deleted); each run is a transfer task of its owner.
struct SimTimer: Sendable {
    var id: String
    var owner: String
    var clientID: String
    var name: String
    var body: JSON
    var schedule: JSON
    var start: Double
    var interval: Double?
    var count: Int?
    var submittedAt: Int
    var runs = 0
    /// Runs whose transfer Transfer refused.
    var errors = 0
    var lastRanAt: Int?
    var lastTaskID: String?
    var deleted = false
    /// The bytes it keeps (its body and name), counted against its owner's share.
    var bytes = 0

    /// Whether it will run no more: deleted, or all its runs made.
    var isOver: Bool { deleted || count.map { runs >= $0 } ?? false }

    /// Whether its next run is due at `now`.
    func isDue(at now: Double) -> Bool {
        guard !isOver else { return false }
        return now >= start + Double(runs) * (interval ?? 0) && (interval != nil || runs == 0)
    }
}

/// Globus Timers (v2): create a transfer timer, list, show and delete timers (`/jobs/`); due
/// timers run when any Timers or Transfer request comes in.
extension Simulator {
    static let timerScope = "https://auth.globus.org/scopes/\(SimulatedServices.timersID)/timer"

    /// Timers' token check; then the timers that are due run, and `body` answers for the caller.
    func withTimersToken(_ r: SimRequest, _ body: (_ token: AccessToken, _ me: String) -> SimResponse) -> SimResponse {
        guard let token = withState({ $0.validToken(r.bearer, for: SimulatedServices.timersID) }) else {
            return .json(["error": ["code": "AUTHENTICATION_ERROR", "detail": "Token is not active or not valid for Timers"]], status: 401)
        }
        runDueTimers()
        return body(token, token.identityID ?? token.clientID)
    }

    /// The caller's timers, as `GET /v2/timers` (`"timers"`) or `GET /jobs` (`"jobs"`) lists them.
    func listTimers(_ r: SimRequest, as name: String) -> SimResponse {
        withTimersToken(r) { _, me in
            let mine = withState { s in s.timers.filter { $0.owner == me && !$0.deleted } }
            var o = JSONObject()
            o[name] = .array(mine.map(timerDocument))
            return .json(.object(o))
        }
    }

    /// `GET /jobs/ID`, or `DELETE /jobs/ID` (which marks it deleted): one of the caller's timers.
    func timerJob(_ r: SimRequest, id: String, delete: Bool) -> SimResponse {
        withTimersToken(r) { _, me in
            let found: SimTimer? = withState { s in
                guard let i = s.timers.firstIndex(where: { $0.id == id && $0.owner == me && !$0.deleted }) else { return nil }
                if delete { s.timers[i].deleted = true }
                return s.timers[i]
            }
            guard let t = found else { return .json(["error": ["code": "NOT_FOUND", "detail": .string("No timer \(id)")]], status: 404) }
            return .json(timerDocument(t))
        }
    }

    /// `POST /v2/timer {"timer": {"timer_type": "transfer", "name", "schedule", "body"}}`. A mapped
    /// collection in the body needs the timer scope's transfer data_access dependency.
    func createTimer(_ token: AccessToken, _ r: SimRequest) -> SimResponse {
        guard let timer = r.json?["timer"], timer["timer_type"]?.string == "transfer", let body = timer["body"],
            let src = body["source_endpoint"]?.string, let dst = body["destination_endpoint"]?.string,
            let schedule = timer["schedule"], let kind = schedule["type"]?.string, kind == "once" || kind == "recurring"
        else {
            return .json(["error": ["code": "BAD_REQUEST", "detail": "expected {\"timer\": {\"timer_type\": \"transfer\", \"schedule\": {...}, \"body\": {...}}}"]], status: 422)
        }
        let subject = token.identityID ?? token.clientID
        var missing: [String] = []
        for id in [src, dst] {
            guard let c = withState({ $0.transfer.collection(id) }) else {
                return .json(["error": ["code": "NOT_FOUND", "detail": .string("No collection \(id)")]], status: 404)
            }
            let dataAccess = "https://auth.globus.org/scopes/\(c.id)/data_access"
            if c.mapped && !withState({ $0.hasConsent(identityID: subject, clientID: token.clientID, path: [Simulator.timerScope, Simulator.transferScope, dataAccess]) }) {
                missing.append("*" + dataAccess)
            }
        }
        if !missing.isEmpty {
            let required = "\(Simulator.timerScope)[\(Simulator.transferScope)[\(missing.joined(separator: " "))]]"
            return .json(
                [
                    "code": "ConsentRequired", "message": "Missing required data_access consent for the timer's transfer",
                    "required_scopes": [.string(required)],
                    "authorization_parameters": [
                        "session_message": "The timer needs consent to access data on a mapped collection",
                        "required_scopes": [.string(required)]
                    ]
                ], status: 403)
        }
        let runs: (interval: Double?, count: Int?)
        switch timerRuns(schedule, once: kind == "once") {
        case .success(let v): runs = v;
        case .failure(let e): return e
        }
        let made: SimTimer? = withState { s in
            var t = SimTimer(
                id: randomUUID(), owner: subject, clientID: token.clientID, name: timer["name"]?.string ?? "Transfer timer",
                body: body, schedule: schedule, start: s.preciseNow, interval: runs.interval, count: runs.count, submittedAt: s.now)
            t.bytes = body.serialized.utf8.count + t.name.utf8.count
            guard
                makeRoom(
                    in: &s.timers, owner: subject, bytes: t.bytes, count: SimLimits.timersKept, budget: SimLimits.timerBytes,
                    ownerOf: \.owner, isFinished: \.isOver, size: \.bytes)
            else { return nil }
            s.timers.append(t)
            return t
        }
        guard let t = made else {
            return .json(
                ["error": ["code": "CONFLICT", "detail": .string("Too many timers: at most \(SimLimits.timersKept) are kept per identity; delete some first")]],
                status: 409)
        }
        runDueTimers()
        return .json(["timer": timerDocument(withState { s in s.timers.first { $0.id == t.id } } ?? t)], status: 201)
    }

    /// How often and how many times a timer runs (`interval_seconds`, `end.count` or
    /// `end.iterations`), or Timers' answer to a schedule it cannot take (422): an interval that
    /// is not a whole number of seconds from 1 to a century (`SimLimits.century`), a count below 1.
    func timerRuns(_ schedule: JSON, once: Bool) -> Result<(interval: Double?, count: Int?), SimResponse> {
        if once { return .success((nil, 1)) }
        let end = schedule["end"]
        let countName = end?["count"] != nil ? "count" : "iterations"
        let interval = IntegerParameter(name: "interval_seconds", defaultValue: 0, range: 1...SimLimits.century, clampsAbove: false)
        let count = IntegerParameter(name: countName, defaultValue: 0, range: 1...Int.max)
        do throws(BadParameter) {
            var seconds: Int?, times: Int?
            if schedule["interval_seconds"] != nil { seconds = try interval.read(schedule).get() }
            if end?[countName] != nil { times = try count.read(end).get() }
            return .success((seconds.map(Double.init), times))
        } catch {
            return .failure(.json(["error": ["code": "BAD_REQUEST", "detail": .string(error.message)]], status: 422))
        }
    }

    /// Starts the transfer tasks of timers whose time has come, each once however many requests
    /// come in at the same moment. A run whose transfer Transfer refuses counts as an error.
    func runDueTimers() {
        withState { s in
            let now = s.preciseNow
            for i in s.timers.indices where s.timers[i].isDue(at: now) {
                s.timers[i].runs += 1
                s.timers[i].lastRanAt = s.now
                switch s.startTask(timerTask(s.timers[i])) {
                case .success(let id): s.timers[i].lastTaskID = id
                case .failure: s.timers[i].errors += 1
                }
            }
        }
    }

    /// A timer's run: its transfer, as a task of the timer's owner.
    func timerTask(_ t: SimTimer) -> TaskRequest {
        let items: [(String, String?, Bool)] = (t.body["DATA"]?.array ?? []).compactMap { i in
            i["source_path"]?.string.map { ($0, i["destination_path"]?.string, i["recursive"]?.bool ?? false) }
        }
        return TaskRequest(
            type: "TRANSFER", owner: t.owner, source: t.body["source_endpoint"]?.string ?? "",
            destination: t.body["destination_endpoint"]?.string, items: items, label: t.body["label"]?.string ?? t.name,
            syncLevel: t.body["sync_level"]?.int, verifyChecksum: t.body["verify_checksum"]?.bool ?? true)
    }

    func timerDocument(_ t: SimTimer) -> JSON {
        let finished = t.count.map { t.runs >= $0 } ?? false
        let next: JSON = t.isOver ? .null : .string(isoDate(Int(t.start + Double(t.runs) * (t.interval ?? 0))))
        var o = JSONObject()
        o["job_id"] = .string(t.id)
        o["timer_id"] = .string(t.id)
        o["name"] = .string(t.name)
        o["timer_type"] = "transfer"
        o["status"] = .string(t.deleted ? "deleted" : (finished ? "ended" : (t.runs == 0 ? "new" : "loaded")))
        o["schedule"] = t.schedule
        o["body"] = t.body
        o["submitted_at"] = .string(isoDate(t.submittedAt))
        o["last_ran_at"] = t.lastRanAt.map { .string(isoDate($0)) } ?? .null
        o["next_run"] = next
        o["number_of_runs"] = .int(t.runs)
        o["number_of_errors"] = .int(t.errors)
        o["inactive_reason"] = .null
        o["last_task_id"] = t.lastTaskID.map(JSON.string) ?? .null
        return .object(o)
    }
}

/// Globus Timers, as `timer` (the SDK's service name) and `timers`.
struct TimersRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["timer", "timers"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        group.answer(.post, "v2/timer") { r, _ in sim.withTimersToken(r) { token, _ in sim.createTimer(token, r) } }
        group.answer(.get, "v2/timers") { r, _ in sim.listTimers(r, as: "timers") }
        group.answer(.get, "jobs") { r, _ in sim.listTimers(r, as: "jobs") }
        group.answer(.get, "jobs/:id") { r, p in sim.timerJob(r, id: p.text("id"), delete: false) }
        group.answer(.delete, "jobs/:id") { r, p in sim.timerJob(r, id: p.text("id"), delete: true) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse {
        sim.withTimersToken(r) { _, _ in .json(["error": ["code": "NOT_FOUND", "detail": .string("No such resource: \(path)")]], status: 404) }
    }
}
