import GlobusSDK
import JSON
import JupyterKernel

/// `%globus mkdir COLLECTION:PATH`.
struct MkdirCommand: GlobusSubcommand {
    static let location = Positional<CollectionPath>("COLLECTION:PATH")
    static let declaration = CommandDeclaration(
        name: "mkdir", summary: "Make a folder on a collection.", positionals: [Self.location],
        examples: ["%globus mkdir 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/results", "%globus mkdir 'Globus Tutorial Collection 2':/~/results/2026"])

    var location: CollectionPath

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        location = a[Self.location]
        guard location.path != nil else { throw Self.usage("name the folder to make: COLLECTION:PATH") }
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        let id = try g.collectionID(location.collection, app: app)
        _ = try g.sdk { () throws(GlobusError) in try g.transfer(app).operationMkdir(id, path: location.path!) }
        g.output.stream(.stdout, "Made the folder \(location.path!) on \(location.collection).\n")
        return nil
    }
}
