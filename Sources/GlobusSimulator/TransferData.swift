import JSON

/// A simulated collection: its document fields and a small file tree.
struct SimCollection: Sendable {
    var id: String
    var displayName: String
    var owner: String
    var description: String
    /// Mapped collections need `data_access` consent; guest collections do not.
    var mapped: Bool
    var files: [String: [SimFile]]   // directory path -> entries
}

struct SimFile: Sendable {
    var name: String
    var type: String   // "file" | "dir"
    var size: Int
}

/// A transfer or delete task.
struct SimTask: Sendable {
    var id: String
    var type: String
    var owner: String
    var label: String?
    var source: String
    var destination: String?
    var items: [(String, String?)]
    var requested: Int
    var applied = false
}

/// The Transfer service's data.
struct TransferData: Sendable {
    var collections: [SimCollection] = TransferData.tutorial
    var tasks: [SimTask] = []
    /// Seconds a task stays ACTIVE before it succeeds.
    var taskDuration = 1

    var collectionIDs: Set<String> { Set(collections.map(\.id)) }

    func collection(_ id: String) -> SimCollection? { collections.first { $0.id == id } }

    static let tutorial1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    static let tutorial2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
    static let mappedCollection = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"

    static let sampleFiles: [String: [SimFile]] = [
        "/~/": [SimFile(name: "file1.txt", type: "file", size: 4), SimFile(name: "file2.txt", type: "file", size: 4),
                SimFile(name: "file3.txt", type: "file", size: 6), SimFile(name: "data", type: "dir", size: 4096),
                SimFile(name: "large", type: "dir", size: 4096)],
        "/~/data/": [SimFile(name: "results.csv", type: "file", size: 1832), SimFile(name: "readme.md", type: "file", size: 512)],
    ]

    static let tutorial: [SimCollection] = [
        SimCollection(id: tutorial1, displayName: "Globus Tutorial Collection 1", owner: "tutorial@globus.org",
                      description: "A guest collection for learning Globus transfers.", mapped: false, files: sampleFiles),
        SimCollection(id: tutorial2, displayName: "Globus Tutorial Collection 2", owner: "tutorial@globus.org",
                      description: "A second guest collection: transfer here from Collection 1.", mapped: false,
                      files: ["/~/": []]),
        SimCollection(id: mappedCollection, displayName: "Research Storage (mapped)", owner: "storage-admin@uchicago.edu",
                      description: "A mapped collection on institutional storage; needs data_access consent.", mapped: true,
                      files: ["/~/": [SimFile(name: "experiment-42", type: "dir", size: 4096), SimFile(name: "notes.txt", type: "file", size: 210)],
                              "/~/experiment-42/": [SimFile(name: "raw.h5", type: "file", size: 10_485_760)]]),
    ]
}
