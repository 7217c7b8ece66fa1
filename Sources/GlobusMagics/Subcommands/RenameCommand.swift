import GlobusSDK
import JSON
import JupyterKernel

/// `%globus rename COLLECTION:OLD NEW`.
struct RenameCommand: GlobusSubcommand {
    static let location = Positional<CollectionPath>("COLLECTION:OLD_PATH")
    static let newPath = Positional<String>("NEW_PATH")
    static let declaration = CommandDeclaration(
        name: "rename", summary: "Rename or move a file or folder within a collection.", positionals: [Self.location, Self.newPath],
        examples: [
            "%globus rename 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/results /~/results-2026",
            "%globus rename 'Globus Tutorial Collection 2':/~/draft.txt /~/final.txt"
        ])

    var location: CollectionPath
    var newPath: String

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        location = a[Self.location]
        guard location.path != nil else { throw Self.usage("name what to rename: COLLECTION:OLD_PATH") }
        newPath = a[Self.newPath]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        let id = try g.collectionID(location.collection, app: app)
        _ = try g.sdk { () throws(GlobusError) in try g.transfer(app).operationRename(id, oldPath: location.path!, newPath: newPath) }
        g.output.stream(.stdout, "Renamed \(location.path!) to \(newPath) on \(location.collection).\n")
        return nil
    }
}
