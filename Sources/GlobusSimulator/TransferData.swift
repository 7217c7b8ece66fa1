import JSON

/// A simulated collection: its document fields and the files each person's home on it starts
/// with (folder path -> entries). As on Globus's tutorial collections, `/~/` is a home of one's
/// own: each identity gets a copy of these files the first time it changes something there, and
/// sees and changes only that copy (`TransferData.homes`).
struct SimCollection: Sendable {
    var id: String
    var displayName: String
    var owner: String
    var description: String
    /// Mapped collections need `data_access` consent; guest collections do not.
    var mapped: Bool
    var files: [String: [SimFile]]
}

struct SimFile: Sendable {
    var name: String
    var type: String  // "file" | "dir"
    var size: Int
    /// A file's bytes (generated from the offset unless given); folders have none.
    var content: SimContent = .generated
}

/// A transfer or delete task. It makes progress in its own time: files and bytes grow evenly
/// from `requestedAt` over `duration` seconds, unless it is paused, cancelled or made to fail.
struct SimTask: Sendable {
    var id: String
    var type: String
    var owner: String
    var label: String?
    var source: String
    var destination: String?
    /// Source (or deleted) path, destination path, recursive.
    var items: [(String, String?, Bool)]
    /// Epoch seconds (simulated clock), whole and precise.
    var requested: Int
    var requestedAt: Double
    var duration: Double
    /// The files the task moves or deletes, and their bytes.
    var fileCount: Int
    var bytes: Int
    var syncLevel: Int?
    var verifyChecksum: Bool
    /// Faults reported (retried errors), from a `taskfaults` fault.
    var faults = 0
    /// Fails at half its duration (a `taskfail` fault, or a missing path).
    var failsHalfway = false
    /// The fatal error's code and description when it fails.
    var failure: (String, String)?
    /// Paused by an administrator (a `taskpause` fault): no progress.
    var paused = false
    /// When it was cancelled (its progress stops there).
    var canceledAt: Double?
    var applied = false
    /// What it keeps in memory (its paths and label), counted against its owner's share.
    var requestBytes = 0

    /// How far it got at `now`, from 0 to 1.
    func progress(at now: Double) -> Double {
        if paused { return 0 }
        let end = min(now, canceledAt ?? now)
        let f = duration <= 0 ? 1 : (end - requestedAt) / duration
        return max(0, min(failsHalfway ? 0.5 : 1, f))
    }

    /// `ACTIVE`, `SUCCEEDED` or `FAILED` at `now`.
    func status(at now: Double) -> String {
        if canceledAt != nil { return "FAILED" }
        if paused { return "ACTIVE" }
        if failsHalfway { return now - requestedAt >= duration / 2 ? "FAILED" : "ACTIVE" }
        return progress(at: now) >= 1 ? "SUCCEEDED" : "ACTIVE"
    }
}

/// A person's home on a collection: the collection's id and the identity's (or, for a client's
/// own tokens, the client's).
struct HomeKey: Hashable, Sendable {
    var collection: String
    var owner: String
}

/// The Transfer service's data.
struct TransferData: Sendable {
    var collections: [SimCollection] = TransferData.tutorial
    /// Each person's files on each collection, once they changed something there.
    var homes: [HomeKey: FileTree] = [:]
    var tasks: [SimTask] = []
    /// Seconds a task stays ACTIVE before it succeeds.
    var taskDuration: Double = 1

    var collectionIDs: Set<String> { Set(collections.map(\.id)) }

    func collection(_ id: String) -> SimCollection? { collections.first { $0.id == id } }

    /// The files `owner` sees on collection `id` (the collection's starting files until they
    /// change something); nil when there is no such collection.
    func files(on id: String, of owner: String) -> FileTree? {
        guard let c = collection(id) else { return nil }
        return homes[HomeKey(collection: id, owner: owner)] ?? FileTree(folders: c.files)
    }

    /// Changes the files `owner` sees on collection `id`; nil when there is no such collection.
    mutating func changeFiles<T>(on id: String, of owner: String, _ body: (inout FileTree) throws(FileTree.Refusal) -> T) throws(FileTree.Refusal) -> T? {
        guard let c = collection(id) else { return nil }
        return try body(&homes[HomeKey(collection: id, owner: owner), default: FileTree(folders: c.files)])
    }

    static let tutorial1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    static let tutorial2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
    static let mappedCollection = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"

    static let sampleFiles: [String: [SimFile]] = [
        "/~/": [
            SimFile(name: "file1.txt", type: "file", size: 4), SimFile(name: "file2.txt", type: "file", size: 4),
            SimFile(name: "file3.txt", type: "file", size: 6), SimFile(name: "data", type: "dir", size: 4096),
            SimFile(name: "large", type: "dir", size: 4096), SimFile(name: "samples", type: "dir", size: 4096)
        ],
        "/~/samples/": SampleFiles.folder,
        "/~/data/": [SimFile(name: "results.csv", type: "file", size: 1832), SimFile(name: "readme.md", type: "file", size: 512)]
    ]

    static let tutorial: [SimCollection] = [
        SimCollection(
            id: tutorial1, displayName: "Globus Tutorial Collection 1", owner: "tutorial@globus.org",
            description: "A guest collection for learning Globus transfers.", mapped: false, files: sampleFiles),
        SimCollection(
            id: tutorial2, displayName: "Globus Tutorial Collection 2", owner: "tutorial@globus.org",
            description: "A second guest collection: transfer here from Collection 1.", mapped: false,
            files: ["/~/": []]),
        SimCollection(
            id: mappedCollection, displayName: "Research Storage (mapped)", owner: "storage-admin@uchicago.edu",
            description: "A mapped collection on institutional storage; needs data_access consent.", mapped: true,
            files: [
                "/~/": [SimFile(name: "experiment-42", type: "dir", size: 4096), SimFile(name: "notes.txt", type: "file", size: 210)],
                "/~/experiment-42/": [SimFile(name: "raw.h5", type: "file", size: 10_485_760)]
            ])
    ]
}

/// A run of a deployed flow: ACTIVE through its states for `duration` seconds, then SUCCEEDED.
struct SimRun: Sendable {
    var id: String
    var flowID: String
    var owner: String
    var label: String?
    var tags: JSON
    var startedAt: Double
    var duration: Double
    /// The bytes it keeps (its label and tags), counted against its owner's share.
    var bytes = 0
}
