import JSON

/// What the session has seen of collections and folders, for Tab completion of
/// `COLLECTION[:PATH]` words. Completion never calls Globus (it must answer at once, and a
/// frontend asks on every keystroke in some setups): it offers the names found by earlier
/// searches, shows and lookups, and the entries of folders listed with `%globus ls`.
struct SeenCollections {
    /// Display names and their ids, as searches and shows found them.
    private(set) var names: [String: String] = [:]
    /// Folder entries by "id:folder/" (directories end in "/").
    private var folders: [String: [String]] = [:]

    /// Collection ids by the lowercased names they were resolved from (`%globus ls "Tutorial Collection 1":/~/`).
    private var resolved: [String: String] = [:]

    mutating func saw(name: String, id: String) { names[name] = id }

    /// Remembers that `name` named the collection `id` (shown as `displayName`), for the session.
    mutating func resolved(_ name: String, to id: String, displayName: String?) {
        resolved[name.lowercased()] = id
        saw(name: displayName ?? name, id: id)
    }

    /// The id a name was resolved to earlier, if any.
    func id(named name: String) -> String? { resolved[name.lowercased()] }

    /// Remembers every collection of a listing (a search's `DATA`).
    mutating func saw(listing doc: JSON) {
        for c in doc["DATA"]?.array ?? [] {
            if let n = c["display_name"]?.string, let id = c["id"]?.string { names[n] = id }
        }
    }

    /// Remembers a folder's entries, under the path as typed and as the service answered it.
    mutating func saw(folder entries: [JSON], collection id: String, paths: [String?]) {
        let shown = entries.compactMap { e in e["name"]?.string.map { $0 + (e["type"]?.string == "dir" ? "/" : "") } }
        for p in paths { folders[id + ":" + SeenCollections.folder(p ?? "/~/")] = shown }
    }

    static func folder(_ path: String) -> String { path.hasSuffix("/") ? path : path + "/" }

    /// Candidates for a `COLLECTION[:PATH]` word begun with `prefix`: quoted names (and ids)
    /// before the colon, then folder entries after it.
    func complete(_ prefix: String) -> [String] {
        let quote: Character? = prefix.first.flatMap { $0 == "'" || $0 == "\"" ? $0 : nil }
        let body = quote == nil ? Substring(prefix) : prefix.dropFirst()
        if let q = quote, let close = body.firstIndex(of: q), body[body.index(after: close)...].hasPrefix(":") {
            return completePath(
                name: String(body[..<close]), typed: String(prefix[...prefix.index(after: close)]),
                path: String(body[body.index(close, offsetBy: 2)...]))
        }
        if quote == nil, let colon = body.firstIndex(of: ":") {
            return completePath(name: String(body[..<colon]), typed: String(body[...colon]), path: String(body[body.index(after: colon)...]))
        }
        var out: [String] = []
        for (name, id) in names.sorted(by: { $0.key < $1.key }) {
            if name.lowercased().hasPrefix(body.lowercased()) { out.append(Self.quoted(name, quote) + ":") }
            if quote == nil, id.hasPrefix(body), !out.contains(id + ":") { out.append(id + ":") }
        }
        return out
    }

    /// `typed` is the word up to and with the colon; `path` what follows.
    private func completePath(name: String, typed: String, path: String) -> [String] {
        guard let id = CollectionPath.isID(name) ? name : names.first(where: { $0.key.lowercased() == name.lowercased() })?.value else { return [] }
        let cut = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let dir = String(path[..<cut]), partial = path[cut...]
        return (folders[id + ":" + SeenCollections.folder(dir.isEmpty ? "/~/" : dir)] ?? [])
            .filter { $0.hasPrefix(partial) }
            .map { typed + (dir.isEmpty ? "/~/" : dir) + $0 }
    }

    /// A name as one shell word: in the quote the person began with, or single quotes when it has spaces.
    static func quoted(_ name: String, _ quote: Character?) -> String {
        if let q = quote { return "\(q)\(name)\(q)" }
        return name.contains(" ") || name.contains("'") ? ShellWords.quote(name) : name
    }
}
