import GlobusSDK
import JSON
import JupyterKernel

/// `%globus rm COLLECTION:PATH [--recursive]`: a delete task.
struct RmCommand: GlobusSubcommand {
    static let recursive = Flag("--recursive", "-r", help: "delete a folder and everything in it")
    static let label = Option<String>("--label", value: "TEXT", help: "a label for the task")
    static let locations = Positional<CollectionPath>("COLLECTION:PATH").repeated()
    static let declaration = CommandDeclaration(
        name: "rm", summary: "Delete files or folders (a delete task; watch it with %globus task wait).",
        options: [recursive, label], positionals: [Self.locations],
        examples: ["%globus rm 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/old.txt", "%globus rm 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/results --recursive --as cleanup"])
    static var keepsResult: Bool { true }

    var locations: [CollectionPath]
    var recursive: Bool
    var label: String?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        locations = a[Self.locations]
        guard locations.allSatisfy({ $0.path != nil }) else { throw Self.usage("name what to delete: COLLECTION:PATH") }
        guard Set(locations.map(\.collection)).count == 1 else { throw Self.usage("one delete task works on one collection") }
        recursive = a[Self.recursive]
        label = a[Self.label]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        var doc = TaskDocument(kind: .delete, source: try g.collectionID(locations[0].collection, app: app))
        doc.items = locations.map { TaskDocument.Item(source: $0.path!, recursive: recursive) }
        doc.label = label
        return try g.submit(doc, app: app)
    }
}
