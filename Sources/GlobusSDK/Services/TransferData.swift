import JSON

/// A transfer task to submit with ``TransferClient/submitTransfer(_:)`` (the Python SDK's
/// `TransferData`): a source and a destination collection, the files and folders to copy, and
/// how. Nothing is checked as items are added; ``validated()`` checks it all before anything is
/// sent, and `submitTransfer` calls it.
///
/// ```swift
/// var data = TransferData(source: tutorial1, destination: tutorial2, label: "Nightly copy")
/// data.addItem(source: "/~/data/", destination: "/~/copy/", recursive: true)
/// data.syncLevel = .checksum
/// let result = try transfer.submitTransfer(data)
/// ```
public struct TransferData: Sendable, Equatable {
    /// How much checking decides that a file is already there and need not be copied again.
    public enum SyncLevel: String, Sendable, CaseIterable {
        /// The file exists at the destination.
        case exists
        /// It exists with the same size.
        case size
        /// It exists with the same size and a modification time not older than the source's.
        case mtime
        /// It exists with the same checksum.
        case checksum

        /// The number Transfer takes (0–3).
        public var number: Int { SyncLevel.allCases.firstIndex(of: self)! }
    }

    /// One file or folder to copy.
    public struct Item: Sendable, Equatable {
        /// Its path on the source collection.
        public var source: String
        /// Its path on the destination collection (a full file path for a file).
        public var destination: String
        /// Whether it is a folder to copy with everything in it.
        public var recursive: Bool
        /// A checksum the copied file must have (a file only).
        public var externalChecksum: String?
        /// The algorithm of `externalChecksum`, or of the checksums Transfer compares.
        public var checksumAlgorithm: String?

        /// An item; see the properties.
        public init(source: String, destination: String, recursive: Bool = false, externalChecksum: String? = nil, checksumAlgorithm: String? = nil) {
            self.source = source
            self.destination = destination
            self.recursive = recursive
            self.externalChecksum = externalChecksum
            self.checksumAlgorithm = checksumAlgorithm
        }
    }

    /// A rule that includes or excludes what a recursive item finds, by name (`*.tmp`).
    public struct FilterRule: Sendable, Equatable {
        /// Whether a matching name is copied or skipped.
        public enum Method: String, Sendable {
            /// Copy what matches.
            case include
            /// Skip what matches.
            case exclude
        }
        /// Which entries the rule applies to.
        public enum EntryType: String, Sendable {
            /// Files.
            case file
            /// Folders.
            case dir
        }
        /// A name pattern: `*`, `?`, `[abc]`, `[!abc]`.
        public var name: String
        /// Whether a matching name is copied or skipped.
        public var method: Method
        /// Files, folders, or both (nil).
        public var type: EntryType?

        /// A rule; by default it excludes files and folders named `name`.
        public init(name: String, method: Method = .exclude, type: EntryType? = nil) {
            self.name = name
            self.method = method
            self.type = type
        }
    }

    /// The source collection's id.
    public var source: String
    /// The destination collection's id.
    public var destination: String
    /// What to copy.
    public var items: [Item] = []
    /// A label for the task (at most 128 characters).
    public var label: String?
    /// Makes a submission safe to repeat: from ``TransferClient/getSubmissionID()``
    /// (``TransferClient/submitTransfer(_:)`` gets one when it is nil).
    public var submissionID: String?
    /// Skip files already there, by this test.
    public var syncLevel: SyncLevel?
    /// Compare checksums after copying (nil: Transfer's default, which is to verify).
    public var verifyChecksum: Bool?
    /// Keep the source's modification times.
    public var preserveTimestamp: Bool?
    /// Encrypt the data on the wire.
    public var encryptData: Bool?
    /// Go on past files the source cannot read.
    public var skipSourceErrors: Bool?
    /// Fail the task when the destination is out of quota.
    public var failOnQuotaErrors: Bool?
    /// Delete files at the destination that the source does not have (with recursive items).
    public var deleteDestinationExtra: Bool?
    /// When Transfer gives up on the task: an ISO 8601 date and time.
    public var deadline: String?
    /// Rules for what recursive items include.
    public var filterRules: [FilterRule] = []
    /// More members for the document, as Transfer documents them (not checked).
    public var additionalFields = JSONObject()

    /// A transfer from one collection to another; add what to copy with ``addItem(source:destination:recursive:)``.
    public init(source: String, destination: String, label: String? = nil, syncLevel: SyncLevel? = nil) {
        self.source = source
        self.destination = destination
        self.label = label
        self.syncLevel = syncLevel
    }

    /// Adds a file, or a folder with `recursive`.
    public mutating func addItem(source: String, destination: String, recursive: Bool = false) {
        items.append(Item(source: source, destination: destination, recursive: recursive))
    }

    /// Adds a rule for what recursive items include.
    public mutating func addFilterRule(_ name: String, method: FilterRule.Method = .exclude, type: FilterRule.EntryType? = nil) {
        filterRules.append(FilterRule(name: name, method: method, type: type))
    }

    /// The document Transfer takes, after checking it: both collections are ids, there is
    /// something to copy, every path is a path, a checksum goes with a file, the label and
    /// deadline are what Transfer accepts. Throws ``GlobusError/usage(_:)`` naming what is wrong.
    public func validated() throws(GlobusError) -> JSON {
        try TransferChecks.collection(source, "source")
        try TransferChecks.collection(destination, "destination")
        guard !items.isEmpty else { throw .usage("TransferData: nothing to transfer; add an item with addItem(source:destination:)") }
        for (i, item) in items.enumerated() {
            try TransferChecks.path(item.source, "item \(i + 1)'s source path")
            try TransferChecks.path(item.destination, "item \(i + 1)'s destination path")
            if item.recursive && item.externalChecksum != nil {
                throw .usage("TransferData: item \(i + 1) is recursive; an external checksum goes with a file only")
            }
        }
        for rule in filterRules where rule.name.isEmpty { throw .usage("TransferData: a filter rule needs a name pattern") }
        try TransferChecks.taskFields(label: label, deadline: deadline)
        return json
    }

    /// The document Transfer takes, unchecked (see ``validated()``).
    public var json: JSON {
        var o = TransferChecks.document("transfer", submissionID: submissionID)
        o["source_endpoint"] = .string(source)
        o["destination_endpoint"] = .string(destination)
        o["verify_checksum"] = verifyChecksum.map(JSON.bool)
        if let syncLevel { o["sync_level"] = .int(syncLevel.number) }
        o["DATA"] = .array(
            items.map { i in
                var item = JSONObject([
                    "DATA_TYPE": "transfer_item", "source_path": .string(i.source), "destination_path": .string(i.destination),
                    "recursive": .bool(i.recursive)
                ])
                item["external_checksum"] = i.externalChecksum.map(JSON.string)
                item["checksum_algorithm"] = i.checksumAlgorithm.map(JSON.string)
                return .object(item)
            })
        if let label { o["label"] = .string(label) }
        o["preserve_timestamp"] = preserveTimestamp.map(JSON.bool)
        o["encrypt_data"] = encryptData.map(JSON.bool)
        o["skip_source_errors"] = skipSourceErrors.map(JSON.bool)
        o["fail_on_quota_errors"] = failOnQuotaErrors.map(JSON.bool)
        o["delete_destination_extra"] = deleteDestinationExtra.map(JSON.bool)
        o["deadline"] = deadline.map(JSON.string)
        if !filterRules.isEmpty {
            o["filter_rules"] = .array(
                filterRules.map { r in
                    var rule = JSONObject(["DATA_TYPE": "filter_rule", "method": .string(r.method.rawValue), "name": .string(r.name)])
                    rule["type"] = r.type.map { .string($0.rawValue) }
                    return .object(rule)
                })
        }
        for (k, v) in additionalFields { o[k] = v }
        return .object(o)
    }
}

/// A delete task to submit with ``TransferClient/submitDelete(_:)`` (the Python SDK's
/// `DeleteData`): one collection and the paths to delete. ``validated()`` checks it before
/// anything is sent.
public struct DeleteData: Sendable, Equatable {
    /// The collection's id.
    public var collection: String
    /// The paths to delete.
    public var paths: [String] = []
    /// Whether folders are deleted with everything in them (without it, a folder is an error).
    public var recursive: Bool
    /// A label for the task (at most 128 characters).
    public var label: String?
    /// Makes a submission safe to repeat (``TransferClient/submitDelete(_:)`` gets one when nil).
    public var submissionID: String?
    /// Paths that are not there are not an error.
    public var ignoreMissing: Bool?
    /// When Transfer gives up on the task: an ISO 8601 date and time.
    public var deadline: String?
    /// More members for the document, as Transfer documents them (not checked).
    public var additionalFields = JSONObject()

    /// A delete on one collection; add the paths with ``addItem(_:)``.
    public init(collection: String, recursive: Bool = false, label: String? = nil) {
        self.collection = collection
        self.recursive = recursive
        self.label = label
    }

    /// Adds a path to delete.
    public mutating func addItem(_ path: String) { paths.append(path) }

    /// The document Transfer takes, after checking it: the collection is an id, there is
    /// something to delete, every path is a path, the label and deadline are what Transfer
    /// accepts. Throws ``GlobusError/usage(_:)`` naming what is wrong.
    public func validated() throws(GlobusError) -> JSON {
        try TransferChecks.collection(collection, "collection")
        guard !paths.isEmpty else { throw .usage("DeleteData: nothing to delete; add a path with addItem(_:)") }
        for (i, p) in paths.enumerated() { try TransferChecks.path(p, "path \(i + 1)") }
        try TransferChecks.taskFields(label: label, deadline: deadline)
        return json
    }

    /// The document Transfer takes, unchecked (see ``validated()``).
    public var json: JSON {
        var o = TransferChecks.document("delete", submissionID: submissionID)
        o["endpoint"] = .string(collection)
        o["recursive"] = .bool(recursive)
        o["DATA"] = .array(paths.map { ["DATA_TYPE": "delete_item", "path": .string($0)] })
        if let label { o["label"] = .string(label) }
        o["ignore_missing"] = ignoreMissing.map(JSON.bool)
        o["deadline"] = deadline.map(JSON.string)
        for (k, v) in additionalFields { o[k] = v }
        return .object(o)
    }
}

/// The checks a task document passes before it is sent.
enum TransferChecks {
    static func collection(_ id: String, _ what: String) throws(GlobusError) {
        guard PathSegment.isUUID(id) else { throw .usage("the \(what) must be a collection id (a UUID), not '\(id)'") }
    }

    /// A task document's first members.
    static func document(_ type: String, submissionID: String?) -> JSONObject {
        var o = JSONObject()
        o["DATA_TYPE"] = .string(type)
        if let submissionID { o["submission_id"] = .string(submissionID) }
        return o
    }

    static func path(_ p: String, _ what: String) throws(GlobusError) {
        guard !p.isEmpty else { throw .usage("\(what) is empty") }
        guard !p.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .usage("\(what) holds a control character (a line break, a NUL…): \(JSON.string(p).serialized)")
        }
    }

    /// What every task document has: a label and a deadline Transfer accepts.
    static func taskFields(label: String?, deadline: String?) throws(GlobusError) {
        try self.deadline(deadline)
        guard let label else { return }
        guard label.count <= 128 else { throw .usage("a task label has at most 128 characters (this one has \(label.count))") }
        guard !label.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .usage("a task label cannot hold a control character (a line break, a tab…)")
        }
    }

    static func deadline(_ deadline: String?) throws(GlobusError) {
        guard let deadline else { return }
        guard ISODate.isDateTime(deadline) else { throw .usage("the deadline must be an ISO 8601 date and time, e.g. 2026-12-31T23:59:00Z (got '\(deadline)')") }
    }
}

/// ISO 8601 dates and times as Globus services take them.
enum ISODate {
    /// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and a zone (`Z`, `+HH`, `+HHMM`, `+HH:MM`).
    static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) -> Bool {
            at + n <= b.count && b[at..<at + n].allSatisfy { (48...57).contains($0) }
        }
        guard digits(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), digits(5, 2), b[7] == UInt8(ascii: "-"), digits(8, 2) else { return false }
        var i = 10
        if i == b.count { return true }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " "), digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), digits(i + 4, 2) else { return false }
        i += 6
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard digits(i + 1, 2) else { return false }
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, (48...57).contains(b[i]) { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), digits(i + 1, 2) else { return false }
        if i + 3 == b.count { return true }
        if b.count == i + 5 { return digits(i + 3, 2) }
        return b.count == i + 6 && b[i + 3] == UInt8(ascii: ":") && digits(i + 4, 2)
    }
}

extension JSONObject {
    /// An object with these members, in this order.
    init(_ members: KeyValuePairs<String, JSON>) {
        self.init()
        for (k, v) in members { self[k] = v }
    }
}
