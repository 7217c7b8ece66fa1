import JSON

/// Transfer and delete tasks: submitted, making progress in their own time (files, bytes, rate),
/// cancelled, failed or paused on demand, and applied to the collections when they succeed.
extension Simulator {
    func submit(_ token: AccessToken, _ r: SimRequest, kind: String, _ path: String) -> SimResponse {
        guard let doc = r.json, let items = doc["DATA"]?.array else {
            return transferError(400, "ClientError.BadRequest", "A \(kind) document with DATA items is required", resource: path)
        }
        let sourceKey = kind == "transfer" ? "source_endpoint" : "endpoint"
        guard let src = doc[sourceKey]?.string, let source = withState({ $0.transfer.collection(src) }) else {
            return notFound(doc[sourceKey]?.string ?? "", path)
        }
        if let denied = dataAccessDenied(token, source, path) { return denied }
        var dest: SimCollection?
        if kind == "transfer" {
            guard let d = doc["destination_endpoint"]?.string, let dc = withState({ $0.transfer.collection(d) }) else {
                return notFound(doc["destination_endpoint"]?.string ?? "", path)
            }
            if let denied = dataAccessDenied(token, dc, path) { return denied }
            dest = dc
        }
        let pairs: [(String, String?, Bool)] = items.compactMap { item in
            guard let s = (item["source_path"] ?? item["path"])?.string else { return nil }
            return (s, item["destination_path"]?.string, item["recursive"]?.bool ?? (kind == "delete" && doc["recursive"]?.bool == true))
        }
        guard !pairs.isEmpty else { return transferError(400, "ClientError.BadRequest", "No items to \(kind)", resource: path) }
        let request = TaskRequest(
            type: kind.uppercased(), owner: caller(token), source: source.id, destination: dest?.id, items: pairs,
            label: doc["label"]?.string, syncLevel: doc["sync_level"]?.int,
            verifyChecksum: doc["verify_checksum"]?.bool ?? (kind == "transfer"),
            faults: r.faults.map(\.kind).filter(\.isTaskFault))
        let id: String
        switch start(request) {
        case .success(let started): id = started
        case .failure(.destinationInsideSource(let from, let to)):
            return transferError(
                400, "ClientError.BadRequest",
                "The destination '\(to)' of a recursive transfer is its source '\(from)' or inside it", resource: path)
        case .failure(.tooManyTasks):
            return transferError(
                409, "ClientError.Conflict",
                "Too many unfinished tasks: at most \(SimLimits.tasksKept) tasks (\(SimLimits.taskBytes >> 20) MB of paths) are kept per identity; wait for some to finish",
                resource: path)
        }
        let result = kind == "transfer" ? "transfer_result" : "delete_result"
        return .json(
            [
                "DATA_TYPE": .string(result), "code": "Accepted",
                "message": .string("The \(kind) has been accepted and a task has been created and queued for execution"),
                "request_id": .string(requestID()), "resource": .string(path), "submission_id": doc["submission_id"] ?? .string(randomUUID()),
                "task_id": .string(id),
                "task_link": [
                    "DATA_TYPE": "link", "href": .string("task/\(id)?format=json"), "rel": "related",
                    "resource": "task", "title": "related task"
                ]
            ], status: 202)
    }

    func taskDocument(_ t: SimTask, now: Double) -> JSON {
        let status = t.status(at: now)
        let f = t.progress(at: now)
        let files = Int((Double(t.fileCount) * f).rounded(.down)), bytes = Int((Double(t.bytes) * f).rounded(.down))
        let elapsed = max(0.001, min(now, t.canceledAt ?? now) - t.requestedAt)
        let names = withState { s in (s.transfer.collection(t.source)?.displayName, t.destination.flatMap { s.transfer.collection($0)?.displayName }) }
        let ended = status != "ACTIVE"
        let fatal: JSON = t.fatal(at: now).map { ["code": .string($0.code), "description": .string($0.description)] } ?? .null
        let niceStatus: JSON = ended ? .null : (t.paused ? "PAUSED_BY_ADMIN" : (f == 0 ? "Queued" : "OK"))
        return [
            "DATA_TYPE": "task", "task_id": .string(t.id), "type": .string(t.type), "status": .string(status),
            "label": t.label.map(JSON.string) ?? .null, "owner_id": .string(t.owner),
            "source_endpoint_id": .string(t.source), "source_endpoint_display_name": names.0.map(JSON.string) ?? .null,
            "destination_endpoint_id": t.destination.map(JSON.string) ?? .null,
            "destination_endpoint_display_name": names.1.map(JSON.string) ?? .null,
            "request_time": .string(isoDate(t.requested)),
            "completion_time": ended ? .string(isoDate(t.requested + Int(elapsed.rounded(.up)))) : .null,
            "files": .int(t.fileCount), "directories": 0, "files_skipped": 0,
            "files_transferred": .int(t.type == "TRANSFER" ? files : 0), "delete_fails": 0,
            "bytes_transferred": .int(t.type == "TRANSFER" ? bytes : 0), "bytes_checksummed": .int(t.verifyChecksum ? bytes : 0),
            "effective_bytes_per_second": .int(t.type == "TRANSFER" ? Int(Double(bytes) / elapsed) : 0),
            "subtasks_total": .int(t.fileCount), "subtasks_succeeded": .int(files),
            "subtasks_pending": .int(ended ? 0 : t.fileCount - files), "subtasks_canceled": .int(t.canceledAt != nil ? t.fileCount - files : 0),
            "subtasks_failed": .int(status == "FAILED" && t.canceledAt == nil ? t.fileCount - files : 0),
            "subtasks_retrying": 0, "subtasks_expired": 0, "subtasks_skipped_errors": 0,
            "faults": .int(t.faults), "is_paused": .bool(t.paused), "nice_status": niceStatus, "fatal_error": fatal,
            "command": "API 0.10", "verify_checksum": .bool(t.verifyChecksum), "sync_level": t.syncLevel.map(JSON.int) ?? .null,
            "deadline": .string(isoDate(t.requested + 86_400))
        ]
    }

    func taskList(_ token: AccessToken, _ r: SimRequest) -> SimResponse {
        runDueTimers()
        applyFinishedTasks()
        let me = token.identityID ?? token.clientID
        let (tasks, now) = withState { s in (s.transfer.tasks.filter { $0.owner == me }, s.preciseNow) }
        // Transfer lists the newest 1000 tasks at most.
        return withPage(r, limit: .limit(default: 10, most: 1000), resource: "/task_list") { limit, offset in
            let page = Array(tasks.reversed().dropFirst(offset).prefix(limit))
            return .json([
                "DATA_TYPE": "task_list", "DATA": .array(page.map { taskDocument($0, now: now) }),
                "length": .int(page.count), "limit": .int(limit), "offset": .int(offset), "total": .int(tasks.count)
            ])
        }
    }

    func task(_ token: AccessToken, _ id: String, _ path: String) -> SimResponse {
        applyFinishedTasks()
        guard let (t, now) = ownTask(token, id) else { return noSuchTask(id, path) }
        return .json(taskDocument(t, now: now))
    }

    /// The caller's own task with this id, and now; nil when there is none. Transfer shows a
    /// task only to the identity that submitted it.
    func ownTask(_ token: AccessToken, _ id: String) -> (SimTask, Double)? {
        let me = token.identityID ?? token.clientID
        return withState { s in s.transfer.tasks.first { $0.id == id && $0.owner == me }.map { ($0, s.preciseNow) } }
    }

    /// Transfer's answer for a task id the caller cannot see, whether no task has it or another
    /// person's does (the same answer, so an id says nothing of whose it is): 404
    /// `ClientError.NotFound`, "No task found with id '…'".
    func noSuchTask(_ id: String, _ path: String) -> SimResponse {
        transferError(404, "ClientError.NotFound", "No task found with id '\(id)'", resource: path)
    }

    /// `GET /task/ID/successful_transfers`: the files a task copied, `limit` (default 100, at most
    /// 1000) a page, paged by `marker` until `next_marker` is null.
    func successfulTransfers(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        applyFinishedTasks()
        guard let (t, now) = ownTask(token, id) else { return noSuchTask(id, path) }
        let done = t.type == "TRANSFER" ? Int((Double(t.fileCount) * t.progress(at: now)).rounded(.down)) : 0
        let marker = IntegerParameter(name: "marker", defaultValue: 0, range: 0...Int.max)
        return withTransferParameters(r, [.limit(default: 100, most: 1000), marker], resource: path) { v in
            successfulTransfersPage(t, done: done, limit: v[0], start: v[1])
        }
    }

    /// One page of the files a task copied: numbers `start` up to `limit` of them, and the
    /// marker of the next page while there are more (`start` past the end: an empty last page).
    func successfulTransfersPage(_ t: SimTask, done: Int, limit: Int, start: Int) -> SimResponse {
        let end = start >= done ? start : (done - start <= limit ? done : start + limit)
        let src = t.items.first?.0 ?? "/~/", dst = t.items.first?.1 ?? src
        // Written straight to bytes: a 10,000-file listing is a hundred of these pages, and
        // building each item as a JSON tree first was most of the simulator's time for them.
        // The quoted paths up to the file number, escaped once for the page.
        func opening(_ dir: String) -> [UInt8] {
            var q: [UInt8] = []
            JSON.writeString(dir + "/file-", into: &q)
            return Array(q.dropLast())
        }
        let srcOpening = opening(src), dstOpening = opening(dst)
        var body: [UInt8] = []
        body.reserveCapacity(64 + max(0, end - start) * (96 + srcOpening.count + dstOpening.count))
        body += #"{"DATA_TYPE": "successful_transfers", "DATA": ["#.utf8
        for i in stride(from: start, to: end, by: 1) {
            if i > start { body += ", ".utf8 }
            let number = String(i).utf8
            body += #"{"DATA_TYPE": "successful_transfer", "source_path": "#.utf8
            body += srcOpening
            body += number
            body += #".dat", "destination_path": "#.utf8
            body += dstOpening
            body += number
            body += #".dat"}"#.utf8
        }
        body += #"], "next_marker": "#.utf8
        if end < done { JSON.writeString(String(end), into: &body) } else { body += "null".utf8 }
        body.append(UInt8(ascii: "}"))
        return SimResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
    }

    /// `POST /task/ID/cancel`: stops an active task where it is.
    func cancel(_ token: AccessToken, _ id: String, _ path: String) -> SimResponse {
        applyFinishedTasks()
        let me = token.identityID ?? token.clientID
        return withState { s in
            guard let i = s.transfer.tasks.firstIndex(where: { $0.id == id && $0.owner == me }) else { return noSuchTask(id, path) }
            guard s.transfer.tasks[i].status(at: s.preciseNow) == "ACTIVE" else {
                return .json([
                    "DATA_TYPE": "result", "code": "TaskComplete", "message": "The task completed before it could be cancelled",
                    "request_id": .string(requestID()), "resource": .string(path)
                ])
            }
            s.transfer.tasks[i].canceledAt = s.preciseNow
            return .json([
                "DATA_TYPE": "result", "code": "Canceled", "message": "The task has been cancelled successfully.",
                "request_id": .string(requestID()), "resource": .string(path)
            ])
        }
    }

    /// `POST /operation/endpoint/ID/rename {"old_path", "new_path"}`.
    func rename(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        guard let old = r.json?["old_path"]?.string, let new = r.json?["new_path"]?.string else {
            return transferError(400, "ClientError.BadRequest", "old_path and new_path are required", resource: path)
        }
        guard let c = withState({ $0.transfer.collection(id) }) else { return notFound(id, path) }
        if let denied = dataAccessDenied(token, c, path) { return denied }
        guard let refusal = changeFiles(on: id, of: caller(token), { t throws(FileTree.Refusal) in try t.rename(old, to: new) }) else {
            return .json([
                "DATA_TYPE": "result", "code": "FileRenamed", "message": "File or directory renamed successfully",
                "request_id": .string(requestID()), "resource": .string(path)
            ])
        }
        switch refusal {
        case .notFound:
            return transferError(404, "ClientError.NotFound", "Path '\(old)' not found on endpoint \(id)", resource: path)
        case .noFolder(let folder):
            return transferError(404, "ClientError.NotFound", "Directory '\(folder)' not found on endpoint \(id)", resource: path)
        case .exists:
            return transferError(409, "ExternalError.RenameFailed.Exists", "A file or directory named '\(new)' already exists", resource: path)
        case .intoItself: return externalError("RenameFailed", "Cannot move a directory into itself, Error (rename)", c, "550 Invalid argument", path)
        case .tooLong: return externalError("RenameFailed", "File name too long, Error (rename)", c, "550 File name too long", path)
        case .quotaExceeded: return externalError("RenameFailed", "Quota exceeded, Error (rename)", c, "552 Disk quota exceeded", path)
        }
    }
}
