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

extension GlobusContext {
    /// The id of a collection given by id or by a name that exactly one collection has (found
    /// with Transfer's collection search; remembered for the session).
    func collectionID(_ nameOrID: String, app: GlobusApp) throws(MagicError) -> String {
        if CollectionPath.isID(nameOrID) { return nameOrID }
        if let id = session.collectionIDs[nameOrID.lowercased()] { return id }
        let answer = try call(app, TransferAPI.searchCollections(nameOrID, limit: 100))
        let found = (try? JSON.parse(answer.body))?["DATA"]?.array ?? []
        let exact = found.filter { ($0["display_name"]?.string ?? "").lowercased() == nameOrID.lowercased() }
        let candidates = exact.isEmpty ? found : exact
        guard candidates.count == 1, let id = candidates[0]["id"]?.string else {
            let names = found.prefix(5).compactMap { c in c["display_name"]?.string.map { "'\($0)' (\(c["id"]?.string ?? "?"))" } }
            throw .usage(candidates.isEmpty
                ? "no collection is named '\(nameOrID)'. Find one with %globus collection search TEXT."
                : "'\(nameOrID)' names \(candidates.count) collections: \(names.joined(separator: ", ")). Use the id, or a name that only one has.",
                command: "globus collection")
        }
        session.collectionIDs[nameOrID.lowercased()] = id
        session.seen.saw(name: candidates[0]["display_name"]?.string ?? nameOrID, id: id)
        return id
    }

    /// Calls a service and parses its JSON answer.
    func json(_ app: GlobusApp, _ request: ServiceRequest) throws(MagicError) -> JSON {
        let answer = try call(app, request, redrive: session.choices.autoRelogin)
        guard let doc = try? JSON.parse(answer.body) else {
            throw .failed(ExecutionError(ename: "GlobusAPIError", evalue: "\(request.method) \(request.path) did not answer JSON"))
        }
        return doc
    }
}

extension GlobusContext {
    /// Every page of a listing (or the first `limit` items), merged, with one progress line
    /// updated in place while pages arrive: shown once fetching has taken a tenth of a second,
    /// then refreshed at most ten times a second (a fast listing sends no progress at all).
    func fetchAll(_ app: GlobusApp, _ request: ServiceRequest, scheme: PagingScheme, limit: Int?, resourceServer: String? = nil) throws(MagicError) -> JSON {
        let gate = SecretGate(session.secretMask())
        try gate.check(request)
        let displayID = "globus-pages-\(monotonicNanoseconds())"
        var shown = false
        var lastShown = monotonicNanoseconds()
        let doc = try sdk { () throws(GlobusError) -> JSON in
            try app.paginate(request, scheme: scheme, limit: limit, resourceServer: resourceServer, onLoginRequired: loginHandler(app),
                             progress: { pages, items in
                                 let now = monotonicNanoseconds()
                                 guard now - lastShown >= GlobusContext.progressInterval else { return }
                                 lastShown = now
                                 let b = MimeBundle(text: "Fetching: \(pages) page\(pages == 1 ? "" : "s"), \(items) items…")
                                 if shown { output.updateDisplay(b, metadata: [:], displayID: displayID) } else {
                                     output.display(b, metadata: [:], displayID: displayID)
                                     shown = true
                                 }
                             }, isCancelled: isCancelled)
        }
        if shown { output.updateDisplay(MimeBundle(text: ""), metadata: [:], displayID: displayID) }
        if let note = GlobusContext.pagingNote(doc["paged"], limit: limit) { output.stream(.stderr, note + "\n") }
        return gate.mask.masked(doc)
    }

    /// What to say when paging stopped before the service said the listing was done, unless it
    /// stopped at the number of items the command asked for.
    static func pagingNote(_ paged: JSON?, limit: Int?) -> String? {
        guard let paged, let stopped = paged["stopped"]?.string else { return nil }
        let items = paged["items"]?.int ?? 0
        if let limit, items >= limit { return nil }
        if paged["may_have_more"]?.bool == true {
            let count = stopped.hasSuffix(" items") ? "" : " (\(items) items)"
            return "Stopped after \(stopped)\(count); there may be more. --limit N fetches up to N items."
        }
        return "Stopped at \(stopped): the service's paging did not end as it should. The result holds the \(items) items before it."
    }

    /// How often a progress line may change (nanoseconds).
    static let progressInterval: UInt64 = 100_000_000
}

/// Byte counts for people: 1.2 MB, 512 KB, 12 B.
func formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var v = Double(n), i = 0
    while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
    return i == 0 ? "\(n) B" : "\(formatDecimal(v, digits: v < 10 ? 1 : 0)) \(units[i])"
}

func formatDecimal(_ v: Double, digits: Int) -> String {
    let scale = digits == 0 ? 1.0 : 10.0
    let r = (v * scale).rounded() / scale
    return digits == 0 ? String(Int(r)) : String(r)
}
