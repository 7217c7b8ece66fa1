import Support
import GlobusSDK
import JSON
import JupyterKernel

/// `COLLECTION:PATH` on the command line: a collection id or a unique name, and a path (the
/// collection's default folder, `/~/`, when none is given).
struct CollectionPath: Equatable {
    var collection: String
    var path: String?

    /// Splits at the first `:` (ids have none; quote a name that has spaces).
    init(_ text: String) {
        if let colon = text.firstIndex(of: ":") {
            collection = String(text[..<colon])
            let p = String(text[text.index(after: colon)...])
            path = p.isEmpty ? nil : p
        } else {
            collection = text
        }
    }

    /// Whether text looks like a collection id (a UUID).
    static func isID(_ text: String) -> Bool { PathSegment.isUUID(text) }
}

/// A positional `COLLECTION[:PATH]`: any word is one (a name, an id, with a path or without);
/// completion offers the collections and folders the session has seen.
extension CollectionPath: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    static var choices: [String] { [] }
    static var completesCollectionPaths: Bool { true }
}

extension GlobusContext {
    /// The id of a collection given by id or by a name that exactly one collection has (found
    /// with Transfer's collection search; remembered for the session).
    func collectionID(_ nameOrID: String, app: GlobusApp) throws(MagicError) -> String {
        if CollectionPath.isID(nameOrID) { return nameOrID }
        if let id = session.seen.id(named: nameOrID) { return id }
        let found = try sdk { () throws(GlobusError) in try transfer(app).endpointSearch(nameOrID, limit: 100).items }
        let exact = found.filter { ($0.displayName ?? "").lowercased() == nameOrID.lowercased() }
        let candidates = exact.isEmpty ? found : exact
        guard candidates.count == 1, let id = candidates[0].id else {
            let names = found.prefix(5).compactMap { c in c.displayName.map { "'\($0)' (\(c.id ?? "?"))" } }
            throw .usage(
                candidates.isEmpty
                    ? "no collection is named '\(nameOrID)'. Find one with %globus collection search TEXT."
                    : "'\(nameOrID)' names \(candidates.count) collections: \(names.joined(separator: ", ")). Use the id, or a name that only one has.",
                command: "globus collection")
        }
        session.seen.resolved(nameOrID, to: id, displayName: candidates[0].displayName)
        return id
    }
}

/// Byte counts for people: 1.2 MB, 512 KB, 12 B.
func formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var v = Double(n), i = 0
    while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
    return i == 0 ? "\(n) B" : "\(formatFixed(v, digits: v < 10 ? 1 : 0)) \(units[i])"
}
