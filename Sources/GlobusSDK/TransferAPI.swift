import JSON

/// Globus Transfer's everyday operations as requests (the Python SDK's `TransferClient`
/// methods, without its defaults: each request sends what it is given).
public enum TransferAPI {
    /// `GET /operation/endpoint/ID/ls`.
    public static func ls(_ collection: String, path: String?, showHidden: Bool = false) -> ServiceRequest {
        var r = ServiceRequest(service: .transfer, method: "GET", path: "/operation/endpoint/\(PathSegment.escape(collection))/ls")
        if let path { r.query.append(("path", path)) }
        if showHidden { r.query.append(("show_hidden", "true")) }
        return r
    }

    /// `POST /operation/endpoint/ID/mkdir`.
    public static func mkdir(_ collection: String, path: String) -> ServiceRequest {
        post("/operation/endpoint/\(PathSegment.escape(collection))/mkdir", ["DATA_TYPE": "mkdir", "path": .string(path)])
    }

    /// `POST /operation/endpoint/ID/rename`.
    public static func rename(_ collection: String, from old: String, to new: String) -> ServiceRequest {
        post("/operation/endpoint/\(PathSegment.escape(collection))/rename", ["DATA_TYPE": "rename", "old_path": .string(old), "new_path": .string(new)])
    }

    /// `GET /submission_id`: an id that makes a submission safe to retry.
    public static let submissionID = ServiceRequest(service: .transfer, method: "GET", path: "/submission_id")

    /// `POST /transfer` or `POST /delete`.
    public static func submit(_ document: TaskDocument) -> ServiceRequest {
        post(document.kind == .transfer ? "/transfer" : "/delete", document.json)
    }

    /// `GET /task/ID`.
    public static func task(_ id: String) -> ServiceRequest { ServiceRequest(service: .transfer, method: "GET", path: "/task/\(PathSegment.escape(id))") }

    /// `POST /task/ID/cancel`.
    public static func cancel(_ id: String) -> ServiceRequest { ServiceRequest(service: .transfer, method: "POST", path: "/task/\(PathSegment.escape(id))/cancel") }

    /// `GET /task_list`, newest first.
    public static func taskList(limit: Int, offset: Int = 0) -> ServiceRequest {
        var r = ServiceRequest(service: .transfer, method: "GET", path: "/task_list")
        r.query = [("limit", String(limit)), ("offset", String(offset))]
        return r
    }

    /// `GET /endpoint/ID`: a collection's document.
    public static func collection(_ id: String) -> ServiceRequest { ServiceRequest(service: .transfer, method: "GET", path: "/endpoint/\(PathSegment.escape(id))") }

    /// `GET /endpoint_search?filter_fulltext=TEXT`.
    public static func searchCollections(_ text: String, limit: Int = 25) -> ServiceRequest {
        var r = ServiceRequest(service: .transfer, method: "GET", path: "/endpoint_search")
        r.query = [("filter_fulltext", text), ("limit", String(limit))]
        return r
    }

    static func post(_ path: String, _ body: JSON) -> ServiceRequest {
        var r = ServiceRequest(service: .transfer, method: "POST", path: path)
        r.body = Array(body.serialized.utf8)
        r.headers = [("Content-Type", "application/json")]
        return r
    }
}

/// A transfer or delete task to submit (the Python SDK's `TransferData` / `DeleteData`).
public struct TaskDocument: Sendable, Equatable {
    public enum Kind: String, Sendable { case transfer, delete }
    /// How much checking decides that a file is already there (`--sync-level`).
    public enum SyncLevel: String, Sendable, CaseIterable {
        case exists, size, mtime, checksum
        var number: Int { SyncLevel.allCases.firstIndex(of: self)! }
    }
    /// One file or folder: its source (or deleted) path and destination path.
    public struct Item: Sendable, Equatable {
        public var source: String
        public var destination: String?
        public var recursive: Bool
        public init(source: String, destination: String? = nil, recursive: Bool = false) {
            self.source = source
            self.destination = destination
            self.recursive = recursive
        }
    }

    public var kind: Kind
    public var source: String
    public var destination: String?
    public var items: [Item] = []
    public var label: String?
    public var syncLevel: SyncLevel?
    public var verifyChecksum = false
    public var submissionID: String?

    public init(kind: Kind, source: String, destination: String? = nil) {
        self.kind = kind
        self.source = source
        self.destination = destination
    }

    /// The document Transfer takes.
    public var json: JSON {
        var o = JSONObject()
        o["DATA_TYPE"] = .string(kind.rawValue)
        if let submissionID { o["submission_id"] = .string(submissionID) }
        switch kind {
        case .transfer:
            o["source_endpoint"] = .string(source)
            o["destination_endpoint"] = destination.map(JSON.string) ?? .null
            o["verify_checksum"] = .bool(verifyChecksum)
            if let syncLevel { o["sync_level"] = .int(syncLevel.number) }
            o["DATA"] = .array(items.map { i in
                ["DATA_TYPE": "transfer_item", "source_path": .string(i.source), "destination_path": .string(i.destination ?? i.source),
                 "recursive": .bool(i.recursive)]
            })
        case .delete:
            o["endpoint"] = .string(source)
            o["recursive"] = .bool(items.contains { $0.recursive })
            o["DATA"] = .array(items.map { ["DATA_TYPE": "delete_item", "path": .string($0.source)] })
        }
        if let label { o["label"] = .string(label) }
        return .object(o)
    }
}

/// Where a task is, read from its document.
public struct TaskProgress: Sendable, Equatable {
    public var id: String
    public var type: String
    /// ACTIVE, INACTIVE, SUCCEEDED or FAILED.
    public var status: String
    public var niceStatus: String?
    public var files: Int
    public var filesDone: Int
    public var bytesDone: Int
    public var bytesPerSecond: Int
    public var faults: Int
    public var fatalError: String?
    public var label: String?

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
