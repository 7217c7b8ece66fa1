import JSON

/// When a timer runs, as the Timers API takes it (the Python SDK's `OnceTimerSchedule` and
/// `RecurringTimerSchedule`).
public enum TimerSchedule: Sendable, Equatable {
    /// How a recurring timer ends.
    public enum End: Sendable, Equatable {
        /// After this many runs.
        case iterations(Int)
        /// At this ISO 8601 date and time.
        case time(String)
    }

    /// Once: at an ISO 8601 date and time, or now (nil).
    case once(at: String? = nil)
    /// Every `intervalSeconds`, from `start` (an ISO 8601 date and time; nil: now), until `end`
    /// (nil: until deleted).
    case recurring(intervalSeconds: Int, start: String? = nil, end: End? = nil)

    /// The schedule document, after checking that the dates are ISO 8601 dates and times and the
    /// numbers positive. Throws ``GlobusError/usage(_:)``.
    public func validated() throws(GlobusError) -> JSON {
        func date(_ d: String?, _ what: String) throws(GlobusError) {
            if let d, !ISODate.isDateTime(d) { throw .usage("TimerSchedule: \(what) must be an ISO 8601 date and time, e.g. 2026-12-31T23:00:00Z (got '\(d)')") }
        }
        switch self {
        case .once(let at):
            try date(at, "the time")
        case .recurring(let interval, let start, let end):
            guard interval > 0 else { throw .usage("TimerSchedule: the interval must be a positive number of seconds") }
            try date(start, "the start")
            switch end {
            case .iterations(let n)?: guard n > 0 else { throw .usage("TimerSchedule: a timer ends after at least one run") }
            case .time(let t)?: try date(t, "the end")
            case nil: break
            }
        }
        return json
    }

    /// The schedule document, unchecked.
    public var json: JSON {
        var o = JSONObject()
        switch self {
        case .once(let at):
            o["type"] = "once"
            o["datetime"] = at.map(JSON.string)
        case .recurring(let interval, let start, let end):
            o["type"] = "recurring"
            o["interval_seconds"] = .int(interval)
            o["start"] = start.map(JSON.string)
            switch end {
            case .iterations(let n)?: o["end"] = ["condition": "iterations", "count": .int(n)]
            case .time(let t)?: o["end"] = ["condition": "time", "datetime": .string(t)]
            case nil: break
            }
        }
        return .object(o)
    }
}

/// A timer that runs a transfer (the Python SDK's `TransferTimer`), for ``TimersClient/createTimer(_:)``.
public struct TransferTimer: Sendable, Equatable {
    /// The timer's name.
    public var name: String?
    /// When it runs.
    public var schedule: TimerSchedule
    /// The transfer it runs (its submission id is dropped: each run is a new task).
    public var body: TransferData

    /// A timer running `body` on `schedule`.
    public init(name: String? = nil, schedule: TimerSchedule, body: TransferData) {
        self.name = name
        self.schedule = schedule
        self.body = body
    }

    /// The timer document, after checking the schedule and the transfer
    /// (``TimerSchedule/validated()``, ``TransferData/validated()``).
    public func validated() throws(GlobusError) -> JSON {
        var o = JSONObject()
        o["timer_type"] = "transfer"
        o["name"] = name.map(JSON.string)
        o["schedule"] = try schedule.validated()
        var body = body
        body.submissionID = nil
        var doc = try body.validated().object ?? JSONObject()
        doc["skip_activation_check"] = nil
        o["body"] = .object(doc)
        return .object(o)
    }
}
