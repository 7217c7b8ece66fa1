import JSON

/// A Transfer task's document (``TransferClient/getTask(_:)``, the items of
/// ``TransferClient/taskList(limit:offset:filter:orderBy:)``).
public struct TransferTask: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The task's id.
    public var taskID: String? { string("task_id") }
    /// `TRANSFER` or `DELETE`.
    public var type: String? { string("type") }
    /// `ACTIVE`, `INACTIVE`, `SUCCEEDED` or `FAILED`.
    public var status: String? { string("status") }
    /// What the task is doing, said for people (`OK`, `Queued`, a fault).
    public var niceStatus: String? { string("nice_status") }
    /// The task's label.
    public var label: String? { string("label") }
    /// The source collection's id (the collection, for a delete).
    public var sourceEndpointID: String? { string("source_endpoint_id") }
    /// The destination collection's id.
    public var destinationEndpointID: String? { string("destination_endpoint_id") }
    /// Files in the task.
    public var files: Int? { int("files") }
    /// Files copied so far.
    public var filesTransferred: Int? { int("files_transferred") }
    /// Bytes copied so far.
    public var bytesTransferred: Int? { int("bytes_transferred") }
    /// Faults met so far (each one retried).
    public var faults: Int? { int("faults") }
    /// When the task was submitted (ISO 8601).
    public var requestTime: String? { string("request_time") }
    /// When it ended, or nil while it runs.
    public var completionTime: String? { string("completion_time") }
    /// Whether the task has ended (succeeded or failed).
    public var isDone: Bool { status == "SUCCEEDED" || status == "FAILED" }
    /// Its progress as the kernel shows it, or nil when the document has no id or status.
    public var progress: TaskProgress? { TaskProgress(json) }
}

/// Transfer's answer to a submitted task (``TransferClient/submitTransfer(_:)``, ``TransferClient/submitDelete(_:)``).
public struct TaskSubmission: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The new task's id.
    public var taskID: String? { string("task_id") }
    /// The submission id the task was submitted with.
    public var submissionID: String? { string("submission_id") }
    /// `Accepted`, or `Duplicate` for a submission id already used (the task exists once).
    public var code: String? { string("code") }
    /// What Transfer said.
    public var message: String? { string("message") }
}

/// Transfer's answer to an operation or a change (mkdir, rename, cancel): a code and a message.
public struct TransferResult: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// `DirectoryCreated`, `FileRenamed`, `Canceled`, …
    public var code: String? { string("code") }
    /// What Transfer said.
    public var message: String? { string("message") }
    /// The id of the request at Transfer.
    public var requestID: String? { string("request_id") }
}

/// A fresh submission id (``TransferClient/getSubmissionID()``).
public struct SubmissionID: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The id.
    public var value: String? { string("value") }
}

/// A folder's listing (``TransferClient/operationLs(_:path:showHidden:orderBy:filter:limit:offset:)``).
public struct FileListing: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The folder's path as asked for (`/~/data/`).
    public var path: String? { string("path") }
    /// The folder's path on the storage (`/home/alice/data/`).
    public var absolutePath: String? { string("absolute_path") }
    /// The collection's id.
    public var endpoint: String? { string("endpoint") }
    /// What the folder holds.
    public var entries: [FileEntry] { list("DATA") }
}

/// One file, folder or link in a listing.
public struct FileEntry: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// Its name.
    public var name: String? { string("name") }
    /// `file`, `dir` or `link`.
    public var type: String? { string("type") }
    /// Its size in bytes.
    public var size: Int? { int("size") }
    /// When it last changed (`2026-01-01 12:00:00+00:00`).
    public var lastModified: String? { string("last_modified") }
    /// Its permissions in octal (`0644`).
    public var permissions: String? { string("permissions") }
    /// Its owner.
    public var user: String? { string("user") }
    /// Its group.
    public var group: String? { string("group") }
}

/// A collection's (endpoint's) document (``TransferClient/getEndpoint(_:)``, the items of
/// ``TransferClient/endpointSearch(_:filterScope:limit:offset:)``).
public struct Endpoint: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The collection's id.
    public var id: String? { string("id") }
    /// Its name.
    public var displayName: String? { string("display_name") }
    /// `GCSv5_mapped_collection`, `GCSv5_guest_collection`, `GCSv5_endpoint`, `GCP_mapped_collection`, …
    public var entityType: String? { string("entity_type") }
    /// Its description.
    public var description: String? { string("description") }
    /// The owner's username.
    public var ownerString: String? { string("owner_string") }
    /// The address of its Globus Connect Server manager (``GCSClient``), or nil.
    public var gcsManagerURL: String? { string("gcs_manager_url") }
    /// Where a listing starts when no path is given.
    public var defaultDirectory: String? { string("default_directory") }
    /// Whether it is a mapped collection, whose data needs a `data_access` consent.
    public var isMappedCollection: Bool { entityType == "GCSv5_mapped_collection" }
}

/// One event in a task's history (``TransferClient/taskEventList(_:limit:offset:filter:)``).
public struct TaskEvent: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// `STARTED`, `SUCCEEDED`, a fault's code…
    public var code: String? { string("code") }
    /// What happened, said for people.
    public var description: String? { string("description") }
    /// More about it.
    public var details: String? { string("details") }
    /// Whether it is an error.
    public var isError: Bool? { bool("is_error") }
    /// When it happened.
    public var time: String? { string("time") }
}

/// One file a task copied (``TransferClient/taskSuccessfulTransfers(_:marker:)``) or skipped
/// on an error (``TransferClient/taskSkippedErrors(_:marker:)``).
public struct TransferredFile: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// Its path on the source.
    public var sourcePath: String? { string("source_path") }
    /// Its path on the destination.
    public var destinationPath: String? { string("destination_path") }
    /// Its size in bytes.
    public var size: Int? { int("size") }
    /// Why it was skipped (skipped errors).
    public var errorCode: String? { string("error_code") }
}
