import GlobusSDK
import JSON
import JupyterKernel

/// `%globus collection search TEXT` / `%globus collection show ID|NAME`.
struct CollectionCommand: GlobusSubcommand {
    static let limit = Option<Int>("--limit", value: "N", help: "show at most N matches (default 25, at most 1000)", in: 1...1000).forVerbs("search")
    static let declaration = CommandDeclaration(
        name: "collection", verbs: [.init("search", "TEXT"), .init("show", "COLLECTION")],
        summary: "Find collections by name or description, or show one (by id, or by a name only one collection has).",
        options: [limit],
        examples: ["%globus collection search tutorial", "%globus collection show 'Globus Tutorial Collection 1' --as c1"])
    static var keepsResult: Bool { true }

    enum Action: String, CaseIterable { case search, show }
    var action: Action
    var text: String
    var limit: Int

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard let first = a.positionals.first, let action = Action(rawValue: first) else { throw Self.usage("expected search TEXT or show COLLECTION") }
        guard a.positionals.count >= 2 else { throw Self.usage("\(first) needs \(action == .search ? "TEXT" : "a COLLECTION")") }
        self.action = action
        text = a.positionals.dropFirst().joined(separator: " ")
        limit = a[Self.limit] ?? 25
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] {
        completeAction(Action.self, pos, prefix: prefix)
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
