import JSON

/// `GET /task/ID/event_list`: a task's events as Transfer lists them, newest first, offset paged
/// (`limit` up to 1000, `offset`, `total`), `filter=is_error:1` for the errors only. Only the
/// task's owner sees them.
extension Simulator {
    func eventList(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        applyFinishedTasks()
        guard let (t, now) = ownTask(token, id) else { return noSuchTask(id, path) }
        var events = Array(t.events(at: now).reversed())
        if r.param("filter") == "is_error:1" { events = events.filter { $0["is_error"] == true } }
        return withTransferParameters(r, [.limit(default: 10, most: 1000), .offset], resource: path) { v in
            let (limit, offset) = (v[0], v[1])
            let page = Array(events.dropFirst(offset).prefix(limit))
            return .json([
                "DATA_TYPE": "event_list", "DATA": .array(page), "length": .int(page.count), "limit": .int(limit),
                "offset": .int(offset), "total": .int(events.count)
            ])
        }
    }
}

extension SimTask {
    /// The fatal error's code and description once it failed (cancelled, its own failure, or a
    /// simulated permission error); nil while it has not.
    func fatal(at now: Double) -> (code: String, description: String)? {
        guard status(at: now) == "FAILED" else { return nil }
        if canceledAt != nil { return ("CANCELED", "canceled") }
        return failure ?? ("PERMISSION_DENIED", "permission denied (simulated failure)")
    }

    /// Its events, oldest first: it started; then, once it ended, how.
    func events(at now: Double) -> [JSON] {
        func event(_ code: String, _ description: String, _ details: String, error: Bool, at time: Double) -> JSON {
            [
                "DATA_TYPE": "event", "code": .string(code), "description": .string(description), "details": .string(details),
                "is_error": .bool(error), "time": .string(isoDate(requested + Int(time - requestedAt)))
            ]
        }
        var events = [
            event(
                "STARTED", "started", "{\n  \"type\": \"GridFTP Transfer\",\n  \"concurrency\": 2,\n  \"parallelism\": 4\n}",
                error: false, at: requestedAt)
        ]
        if let canceledAt {
            events.append(event("CANCELED", "canceled", "Canceled by the task owner", error: true, at: canceledAt))
        } else if let (code, description) = fatal(at: now) {
            events.append(event(code, description, description, error: true, at: requestedAt + duration / 2))
        } else if status(at: now) == "SUCCEEDED" {
            events.append(event("SUCCEEDED", "succeeded", "{\n  \"files_succeeded\": \(fileCount)\n}", error: false, at: requestedAt + duration))
        }
        return events
    }
}
