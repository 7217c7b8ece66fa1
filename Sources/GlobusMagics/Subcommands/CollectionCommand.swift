import GlobusSDK
import JSON
import JupyterKernel

/// `%globus collection search TEXT` / `%globus collection show ID|NAME`.
struct CollectionCommand: GlobusSubcommand {
    static let limit = Option<Int>("--limit", value: "N", help: "show at most N matches (default 25, at most 1000)", in: 1...1000).forVerbs("search")
    static let text = Positional<String>("TEXT").repeated().forVerbs("search")
    static let collection = Positional<String>("COLLECTION").repeated().forVerbs("show")
    static let declaration = CommandDeclaration(
        name: "collection", verbs: .cases(of: Action.self),
        summary: "Find collections by name or description, or show one (by id, or by a name only one collection has).",
        options: [limit], positionals: [Self.text, Self.collection],
        examples: ["%globus collection search tutorial", "%globus collection show 'Globus Tutorial Collection 1' --as c1"])
    static var keepsResult: Bool { true }

    enum Action: String, CaseIterable { case search, show }
    var action: Action
    var text: String
    var limit: Int

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        action = a.verb(Action.self)
        text = a.text(action == .search ? Self.text : Self.collection)
        limit = a[Self.limit] ?? 25
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        switch action {
        case .search:
            // Pages of 25: most searches need one.
            let doc = try g.fetchAll(g.transfer(app).paginated.endpointSearch(text).pageSize(25), limit: limit)
            g.session.seen.saw(listing: doc)
            return Self.listing(doc, key: "DATA", empty: "No collection matches '\(text)'.")
        case .show:
            let id = try g.collectionID(text, app: app)
            let doc = try g.sdk { () throws(GlobusError) in try g.transfer(app).getEndpoint(id).data }
            if let n = doc["display_name"]?.string, let id = doc["id"]?.string { g.session.seen.saw(name: n, id: id) }
            var lines = ["\(doc["display_name"]?.string ?? "?")", "ID:     \(doc["id"]?.string ?? "?")"]
            if let o = doc["owner_string"]?.string { lines.append("Owner:  \(o)") }
            if let d = doc["description"]?.string { lines.append("About:  \(d)") }
            var b = MimeBundle(text: lines.joined(separator: "\n"))
            b["application/json"] = doc
            return b
        }
    }
}
