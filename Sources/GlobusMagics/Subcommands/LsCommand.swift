import Escaping
import GlobusSDK
import JSON
import JupyterKernel

/// `%globus ls COLLECTION[:PATH]`: a folder's contents.
struct LsCommand: GlobusSubcommand {
    static let long = Flag("-l", "--long", help: "show type, size, permissions and modification time")
    static let all = Flag("-a", "--all", help: "also show hidden files (names starting with .)")
    static let location = Positional<CollectionPath>("COLLECTION[:PATH]")
    static let declaration = CommandDeclaration(
        name: "ls", summary: "List a folder on a collection (by id, or by a name only one collection has).",
        options: [long, all], positionals: [Self.location],
        examples: [
            "%globus ls 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/", "%globus ls 'Globus Tutorial Collection 1':/~/data --long",
            "%globus ls @{dest.destination_endpoint_id}:/~/ --as listing"
        ])
    static var keepsResult: Bool { true }

    var location: CollectionPath
    var long: Bool
    var all: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        location = a[Self.location]
        long = a[Self.long]
        all = a[Self.all]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        let id = try g.collectionID(location.collection, app: app)
        let doc = try g.sdk { () throws(GlobusError) in try g.transfer(app).operationLs(id, path: location.path, showHidden: all ? true : nil).data }
        let entries = (doc["DATA"]?.array ?? []).filter { all || !($0["name"]?.string ?? "").hasPrefix(".") }
        g.session.seen.saw(folder: entries, collection: id, paths: [location.path, doc["path"]?.string])
        let shown: JSON = {
            guard var o = doc.object else { return doc }
            o["DATA"] = .array(entries)
            return .object(o)
        }()
        let where_ = "\(doc["path"]?.string ?? location.path ?? "/~/") on \(location.collection)"
        if entries.isEmpty {
            var b = MimeBundle(text: "(empty: \(where_))")
            b["application/json"] = shown
            return b
        }
        let text: String
        if long {
            let rows = entries.map { e in
                [
                    e["permissions"]?.string ?? "", e["type"]?.string ?? "", formatBytes(e["size"]?.int ?? 0),
                    e["last_modified"]?.string ?? "", (e["name"]?.string ?? "") + (e["type"]?.string == "dir" ? "/" : "")
                ]
            }
            text = Rendering.columns(["Permissions", "Type", "Size", "Modified", "Name"], rows)
        } else {
            text = entries.map { ($0["name"]?.string ?? "") + ($0["type"]?.string == "dir" ? "/" : "") }.joined(separator: "\n")
        }
        var b = MimeBundle(text: text)
        b["application/json"] = shown
        if let html = Rendering.htmlTable(shown) { b["text/html"] = .string("<p><code>\(HTML.escape(where_))</code></p>" + html) }
        return b
    }
}
