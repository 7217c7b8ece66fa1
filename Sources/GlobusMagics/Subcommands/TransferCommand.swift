import GlobusSDK
import JSON
import JupyterKernel

/// `%globus transfer SOURCE:PATH DEST:PATH`, or `%%globus transfer SOURCE DEST` with one
/// `SRC_PATH DST_PATH [--recursive]` pair a line (as `globus transfer --batch`).
struct TransferCommand: GlobusSubcommand {
    static let recursive = Flag("--recursive", "-r", help: "transfer a folder and everything in it")
    static let label = Option<String>("--label", value: "TEXT", help: "a label for the task")
    static let syncLevel = Option<TaskDocument.SyncLevel>("--sync-level", value: "LEVEL", help: "skip files already there by this test")
    static let verifyChecksum = Flag("--verify-checksum", help: "verify each file's checksum after it is copied")
    static let dryRun = Flag("--dry-run", help: "show the task document instead of submitting it")
    static let source = Positional<CollectionPath>("SOURCE:PATH")
    static let destination = Positional<CollectionPath>("DEST:PATH")
    /// The collections of a `%%globus transfer` cell's first line (the paths are in the cell).
    static let sourceCollection = Positional<CollectionPath>("SOURCE")
    static let destinationCollection = Positional<CollectionPath>("DEST")
    static let declaration = CommandDeclaration(
        name: "transfer",
        summary: "Copy files or folders between collections (a transfer task; %%globus transfer SOURCE DEST takes one SRC_PATH DST_PATH pair a line).",
        options: [recursive, label, syncLevel, verifyChecksum, dryRun], positionals: [Self.source, Self.destination],
        cellPositionals: [Self.sourceCollection, Self.destinationCollection],
        examples: [
            "%globus transfer 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/data 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/data --recursive --as task",
            "%globus task wait @{task.task_id}",
            "%%globus transfer 6c54cade-bde5-45c1-bdea-f4bd71dba2cc 31ce9ba0-176d-45a5-add3-f37d233ba47d\n/~/file1.txt /~/copies/file1.txt\n/~/data /~/copies/data --recursive"
        ])
    static var takesCellBody: Bool { true }
    static var keepsResult: Bool { true }

    var document: TaskDocument
    var sourceName: String
    var destinationName: String
    var dryRun: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        let src = body == nil ? a[Self.source] : a[Self.sourceCollection]
        let dst = body == nil ? a[Self.destination] : a[Self.destinationCollection]
        sourceName = src.collection
        destinationName = dst.collection
        document = TaskDocument(kind: .transfer, source: src.collection, destination: dst.collection)
        if let body {
            guard src.path == nil && dst.path == nil else { throw Self.usage("with %%globus transfer, give the paths in the cell, one pair a line") }
            document.items = try Self.batch(body, recursive: a[Self.recursive], kept: a.kept)
        } else {
            guard let s = src.path, let d = dst.path else { throw Self.usage("give both paths: SOURCE:PATH DEST:PATH") }
            document.items = [TaskDocument.Item(source: s, destination: d, recursive: a[Self.recursive])]
        }
        document.label = a[Self.label]
        document.syncLevel = a[Self.syncLevel]
        document.verifyChecksum = a[Self.verifyChecksum]
        dryRun = a[Self.dryRun]
    }

    /// The pairs of a batch cell: `SRC_PATH DST_PATH [--recursive]` a line; blank lines and `#`
    /// comments skipped. The lines are split first and `@{…}` filled in word by word, so a kept
    /// value is one path, whatever it holds; a value with a line break is refused.
    static func batch(_ body: String, recursive: Bool, kept: KeptValues = KeptValues()) throws(MagicError) -> [TaskDocument.Item] {
        var items: [TaskDocument.Item] = []
        for (n, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = String(line).trimmed
            if text.isEmpty || text.hasPrefix("#") { continue }
            let words: [String]
            do { words = try ShellWords.split(text, environment: { _ in nil }) } catch { throw usage("line \(n + 2): cannot read '\(text)'") }
            // Flags are told from paths as typed; a filled-in value is a path, never a flag.
            let flags = words.filter { $0.hasPrefix("-") }
            var paths: [String] = []
            for word in words where !word.hasPrefix("-") {
                let filled = try kept.expand(word)
                guard !filled.contains("\n") && !filled.contains("\r") else {
                    throw usage("line \(n + 2): \(word) holds a line break; one line is one SRC_PATH DST_PATH pair")
                }
                paths.append(filled)
            }
            guard paths.count == 2, flags.allSatisfy({ $0 == "--recursive" || $0 == "-r" }) else {
                throw usage("line \(n + 2): expected SRC_PATH DST_PATH [--recursive], got '\(text)'")
            }
            items.append(TaskDocument.Item(source: paths[0], destination: paths[1], recursive: recursive || !flags.isEmpty))
        }
        guard !items.isEmpty else { throw usage("the cell has no SRC_PATH DST_PATH lines") }
        return items
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        var doc = document
        doc.source = try g.collectionID(sourceName, app: app)
        doc.destination = try g.collectionID(destinationName, app: app)
        if dryRun { return Rendering.bundle(for: doc.json, format: .json) }
        return try g.submit(doc, app: app)
    }
}

extension TaskDocument.SyncLevel: ArgumentValue {}
