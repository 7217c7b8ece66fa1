import JSON

/// Globus Transfer's requests: what ``TransferClient`` sends (its methods call these and read
/// the answers).
enum TransferAPI {
    /// `GET /operation/endpoint/ID/ls`.
    static func ls(_ collection: String, path: String?, showHidden: Bool = false) -> ServiceRequest {
        ls(collection, path: path, showHidden: showHidden ? true : nil)
    }

    static func ls(
        _ collection: String, path: String?, showHidden: Bool?, orderBy: String? = nil, filter: String? = nil,
        limit: Int? = nil, offset: Int? = nil
    ) -> ServiceRequest {
        get(
            "/operation/endpoint/\(PathSegment.escape(collection))/ls",
            [
                "path": path, "show_hidden": showHidden.map { $0 ? "true" : "false" }, "orderby": orderBy, "filter": filter,
                "limit": limit.map(String.init), "offset": offset.map(String.init)
            ])
    }

    /// `POST /operation/endpoint/ID/mkdir`.
    static func mkdir(_ collection: String, path: String) -> ServiceRequest {
        post("/operation/endpoint/\(PathSegment.escape(collection))/mkdir", ["DATA_TYPE": "mkdir", "path": .string(path)])
    }

    /// `POST /operation/endpoint/ID/rename`.
    static func rename(_ collection: String, from old: String, to new: String) -> ServiceRequest {
        post("/operation/endpoint/\(PathSegment.escape(collection))/rename", ["DATA_TYPE": "rename", "old_path": .string(old), "new_path": .string(new)])
    }

    /// `GET /operation/endpoint/ID/stat`.
    static func stat(_ collection: String, path: String) -> ServiceRequest {
        get("/operation/endpoint/\(PathSegment.escape(collection))/stat", ["path": path])
    }

    /// `GET /submission_id`: an id that makes a submission safe to retry.
    static let submissionID = ServiceRequest(service: .transfer, method: "GET", path: "/submission_id")

    /// `GET /task/ID`.
    static func task(_ id: String) -> ServiceRequest { get(taskPath(id)) }

    /// `POST /task/ID/cancel`.
    static func cancel(_ id: String) -> ServiceRequest { ServiceRequest(service: .transfer, method: "POST", path: taskPath(id, "cancel")) }

    /// `GET /task_list`, newest first.
    static func taskList(limit: Int, offset: Int = 0) -> ServiceRequest {
        get("/task_list", ["limit": String(limit), "offset": String(offset)])
    }

    /// `GET /endpoint/ID`: a collection's document.
    static func collection(_ id: String) -> ServiceRequest { get("/endpoint/\(PathSegment.escape(id))") }

    /// `/task/ID` and what follows it, the id one path segment.
    static func taskPath(_ id: String, _ rest: String? = nil) -> String {
        "/task/\(PathSegment.escape(id))" + (rest.map { "/" + $0 } ?? "")
    }

    static func get(_ path: String, _ query: KeyValuePairs<String, String?> = [:]) -> ServiceRequest {
        ServiceRequest(service: .transfer, method: "GET", path: path, query: query)
    }

    static func post(_ path: String, _ body: JSON) -> ServiceRequest {
        ServiceRequest(service: .transfer, method: "POST", path: path, query: [:], json: body)
    }
}

/// A transfer or delete task to submit, as the kernel's commands build it: sent as the
/// ``TransferData`` or ``DeleteData`` it becomes (``transferData``, ``deleteData``). New code
/// uses those directly.
public struct TaskDocument: Sendable, Equatable {
    /// A transfer or a delete.
    public enum Kind: String, Sendable {
        /// A transfer task.
        case transfer
        /// A delete task.
        case delete
    }
    /// How much checking decides that a file is already there (`--sync-level`).
    public typealias SyncLevel = TransferData.SyncLevel
    /// One file or folder: its source (or deleted) path and destination path.
    public struct Item: Sendable, Equatable {
        /// The path on the source collection (or the path deleted).
        public var source: String
        /// The path on the destination (nil: the same as the source).
        public var destination: String?
        /// Whether it is a folder, with everything in it.
        public var recursive: Bool
        /// An item; see the properties.
        public init(source: String, destination: String? = nil, recursive: Bool = false) {
            self.source = source
            self.destination = destination
            self.recursive = recursive
        }
    }

    /// A transfer or a delete.
    public var kind: Kind
    /// The source collection (the collection, for a delete).
    public var source: String
    /// The destination collection.
    public var destination: String?
    /// What to copy or delete.
    public var items: [Item] = []
    /// A label for the task.
    public var label: String?
    /// Skip files already there, by this test.
    public var syncLevel: SyncLevel?
    /// Compare checksums after copying.
    public var verifyChecksum = false
    /// Makes the submission safe to repeat.
    public var submissionID: String?

    /// A task document without items.
    public init(kind: Kind, source: String, destination: String? = nil) {
        self.kind = kind
        self.source = source
        self.destination = destination
    }

    /// The document as a ``TransferData`` (a transfer).
    public var transferData: TransferData {
        var d = TransferData(source: source, destination: destination ?? "", label: label, syncLevel: syncLevel)
        d.items = items.map { TransferData.Item(source: $0.source, destination: $0.destination ?? $0.source, recursive: $0.recursive) }
        d.verifyChecksum = verifyChecksum
        d.submissionID = submissionID
        return d
    }

    /// The document as a ``DeleteData`` (a delete).
    public var deleteData: DeleteData {
        var d = DeleteData(collection: source, recursive: items.contains { $0.recursive }, label: label)
        d.paths = items.map(\.source)
        d.submissionID = submissionID
        return d
    }

    /// The document Transfer takes.
    public var json: JSON { kind == .transfer ? transferData.json : deleteData.json }
}

/// Where a task is, read from its document.
public struct TaskProgress: Sendable, Equatable {
    /// The task's id.
    public var id: String
    /// `TRANSFER` or `DELETE`.
    public var type: String
    /// ACTIVE, INACTIVE, SUCCEEDED or FAILED.
    public var status: String
    /// What it is doing, said for people.
    public var niceStatus: String?
    /// Files in the task.
    public var files: Int
    /// Files done (copied, or deleted).
    public var filesDone: Int
    /// Bytes copied.
    public var bytesDone: Int
    /// The effective rate.
    public var bytesPerSecond: Int
    /// Faults met so far.
    public var faults: Int
    /// Why it failed, when it did.
    public var fatalError: String?
    /// Its label.
    public var label: String?

    /// The progress in a task document, or nil without `task_id` and `status`.
    public init?(_ doc: JSON) {
        guard let id = doc["task_id"]?.string, let status = doc["status"]?.string else { return nil }
        self.id = id
        self.status = status
        type = doc["type"]?.string ?? "TRANSFER"
        niceStatus = doc["nice_status"]?.string
        files = doc["files"]?.int ?? 0
        filesDone = type == "DELETE" ? (doc["subtasks_succeeded"]?.int ?? 0) : (doc["files_transferred"]?.int ?? 0)
        bytesDone = doc["bytes_transferred"]?.int ?? 0
        bytesPerSecond = doc["effective_bytes_per_second"]?.int ?? 0
        faults = doc["faults"]?.int ?? 0
        fatalError = doc["fatal_error"]?["description"]?.string ?? doc["fatal_error"]?["code"]?.string
        label = doc["label"]?.string
    }

    /// Whether the task has ended (succeeded or failed).
    public var isDone: Bool { status == "SUCCEEDED" || status == "FAILED" }
}
