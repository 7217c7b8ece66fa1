/// A transfer or delete to start, whoever asks for it: a person's submission, or a run of a
/// timer of theirs. Everything it reads and changes is its owner's own files.
struct TaskRequest: Sendable {
    /// `TRANSFER` or `DELETE`.
    var type: String
    var owner: String
    var source: String
    var destination: String?
    /// Source (or deleted) path, destination path, recursive.
    var items: [(String, String?, Bool)]
    var label: String?
    var syncLevel: Int?
    var verifyChecksum: Bool
    /// Task faults (`taskfail`, `taskfaults=N`, `taskpause`) taken for it.
    var faults: [Fault.Kind] = []

    /// The bytes it keeps: its paths and label, and a little for each item.
    var bytes: Int {
        items.reduce(label?.utf8.count ?? 0) { $0 + 32 + $1.0.utf8.count + ($1.1?.utf8.count ?? 0) }
    }

    /// The first recursive item of a transfer within one collection whose destination is its
    /// source or inside it (copying would grow the source into itself): both as folders.
    var destinationInsideSource: (source: String, destination: String)? {
        guard type == "TRANSFER", destination == source else { return nil }
        for (from, to, recursive) in items where recursive {
            guard let to else { continue }
            let (s, d) = (SimPath.folder(from), SimPath.folder(to))
            if d.hasPrefix(s) { return (s, d) }
        }
        return nil
    }
}

/// Why Transfer would not start a task.
enum TaskRefusal: Error, Sendable {
    /// A recursive transfer into its own source (source and destination folders).
    case destinationInsideSource(String, String)
    /// The owner's unfinished tasks already fill what is kept per person.
    case tooManyTasks
}

extension Simulator {
    /// Starts a task as Transfer does (see `SimState.startTask`).
    func start(_ request: TaskRequest) -> Result<String, TaskRefusal> {
        withState { $0.startTask(request) }
    }

    /// Applies the copies and deletions of tasks that succeeded, each to its owner's files. A
    /// copy that would take the owner over their quota on the destination is not made, and the
    /// task fails (`QUOTA_EXCEEDED`).
    func applyFinishedTasks() {
        withState { $0.applyFinishedTasks() }
    }
}

extension SimState {
    /// Starts a task as Transfer does: refuses what it refuses at submission, finds the files
    /// to move in the owner's own source folder (a missing path, or a folder without
    /// `recursive`, makes the task fail when it runs), and keeps it, forgetting the owner's
    /// oldest finished tasks when their tasks fill what is kept per person (`SimLimits`).
    mutating func startTask(_ request: TaskRequest) -> Result<String, TaskRefusal> {
        if let (from, to) = request.destinationInsideSource { return .failure(.destinationInsideSource(from, to)) }
        // Finished tasks take effect first, so none is forgotten before it did.
        applyFinishedTasks()
        let source = transfer.files(on: request.source, of: request.owner)
        var files: [SimFile] = []
        var failure: (String, String)?
        for (p, _, recursive) in request.items {
            guard let entry = source?.entry(at: p) else {
                failure = failure ?? ("FILE_NOT_FOUND", "No such file or directory: \(p)")
                continue
            }
            if entry.type == "dir" && !recursive {
                failure = failure ?? ("IS_A_DIRECTORY", "\(p) is a directory; use recursive")
                continue
            }
            files += entry.type == "dir" ? source!.files(under: SimPath.folder(p)) : [entry]
        }
        let moment = preciseNow
        guard
            makeRoom(
                in: &transfer.tasks, owner: request.owner, bytes: request.bytes, count: SimLimits.tasksKept,
                budget: SimLimits.taskBytes, ownerOf: \.owner, isFinished: { $0.status(at: moment) != "ACTIVE" },
                size: { $0.requestBytes })
        else { return .failure(.tooManyTasks) }
        var t = SimTask(
            id: randomUUID(), type: request.type, owner: request.owner, label: request.label, source: request.source,
            destination: request.destination, items: request.items, requested: now, requestedAt: moment,
            duration: transfer.taskDuration, fileCount: files.count, bytes: files.reduce(0) { $0 + $1.size },
            syncLevel: request.syncLevel, verifyChecksum: request.verifyChecksum)
        t.requestBytes = request.bytes
        if let failure {
            t.failsHalfway = true
            t.failure = failure
        }
        for f in request.faults {
            switch f {
            case .taskFail: t.failsHalfway = true
            case .taskFaults(let n): t.faults = n
            case .taskPause: t.paused = true
            default: break
            }
        }
        transfer.tasks.append(t)
        return .success(t.id)
    }

    /// Applies the tasks that succeeded and were not applied yet (see `TransferData.apply`).
    mutating func applyFinishedTasks() {
        let moment = preciseNow
        for i in transfer.tasks.indices where !transfer.tasks[i].applied && transfer.tasks[i].status(at: moment) == "SUCCEEDED" {
            transfer.tasks[i].applied = true
            if let failure = transfer.apply(transfer.tasks[i]) {
                transfer.tasks[i].failsHalfway = true
                transfer.tasks[i].failure = failure
            }
        }
    }
}

extension TransferData {
    /// Applies a finished task to its owner's files; the fatal error when it cannot.
    mutating func apply(_ t: SimTask) -> (String, String)? {
        if t.type == "DELETE" {
            _ = try? changeFiles(on: t.source, of: t.owner) { tree in for (p, _, _) in t.items { tree.remove(p) } }
            return nil
        }
        guard let source = files(on: t.source, of: t.owner), let d = t.destination, var dest = files(on: d, of: t.owner) else { return nil }
        for (from, to, _) in t.items {
            guard let entry = source.entry(at: from), let to else { continue }
            let (folder, name) = SimPath.split(to)
            dest.copy(entry, in: SimPath.split(from).folder, of: source, into: folder, as: name.isEmpty ? entry.name : name)
        }
        guard dest.withinQuota else { return ("QUOTA_EXCEEDED", "Disk quota exceeded on the destination (the simulator's quota per person)") }
        homes[HomeKey(collection: d, owner: t.owner)] = dest
        return nil
    }
}
