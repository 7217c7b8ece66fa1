import JSON

/// How a listing is paged, per service and path, as the Python SDK's paginators do it.
public enum PagingScheme: Sendable, Equatable {
    /// `offset` and `limit`; the answer's `total` says when to stop, and the service serves at most
    /// `maxTotal` (Transfer `task_list`: the newest 1000; task events).
    case offsetTotal(pageSize: Int, maxTotal: Int)
    /// `offset` and `limit`; `has_next_page` says when to stop (Transfer `endpoint_search`, Search).
    case offsetHasNextPage(pageSize: Int, maxOffset: Int)
    /// `marker` from the previous answer's `answerKey` while `has_next_page` (Flows), or, with
    /// `endsWithNull`, until that marker is null (Transfer `successful_transfers`, `skipped_errors`).
    case marker(answerKey: String, endsWithNull: Bool)
    /// `last_key` from the previous answer while `has_next_page` (Transfer's endpoint-manager task list).
    case lastKey

    /// The scheme for a `GET` of `path` on `service`, or nil when that listing is not paged.
    public static func forRequest(_ service: GlobusService, method: String, path: String) -> PagingScheme? {
        guard method == "GET" else { return nil }
        let p = service.prefixed(path).split(separator: "?").first.map(String.init) ?? path
        let parts = p.split(separator: "/").map(String.init)
        switch service.name {
        case "transfer":
            if p.hasSuffix("/endpoint_manager/task_list") { return .lastKey }
            if p.hasSuffix("/task_list") { return .offsetTotal(pageSize: 1000, maxTotal: 1000) }
            if parts.count == 4 && parts[1] == "task" && parts[3] == "event_list" { return .offsetTotal(pageSize: 1000, maxTotal: 10_000) }
            if p.hasSuffix("/endpoint_search") { return .offsetHasNextPage(pageSize: 100, maxOffset: 1000) }
            if parts.last == "successful_transfers" || parts.last == "skipped_errors" { return .marker(answerKey: "next_marker", endsWithNull: true) }
        case "search":
            if parts.last == "search" { return .offsetHasNextPage(pageSize: 100, maxOffset: 10_000) }
        case "flows":
            if ["flows", "runs"].contains(parts.last ?? "") { return .marker(answerKey: "marker", endsWithNull: false) }
        default: break
        }
        return nil
    }

    /// The member holding a page's items.
    static func itemsKey(_ page: JSON) -> String? {
        ["DATA", "gmeta", "flows", "runs", "timers", "jobs", "data"].first { page[$0]?.array != nil }
    }
}

/// How much of a listing may be fetched. A service decides when paging ends (`has_next_page`,
/// a next marker, a total), and a faulty or hostile one can hand out a fresh marker forever,
/// or empty pages, or pages of megabytes; under nbclient or papermill nothing would interrupt
/// the cell. Paging stops at whichever cap comes first, and the result says so.
public struct PagingLimits: Sendable, Equatable {
    /// Items kept, at most.
    public var items: Int
    /// Pages fetched, at most.
    public var pages: Int
    /// Bytes of pages fetched, at most (what the merged result holds is smaller).
    public var bytes: Int

    /// Caps; see the properties.
    public init(items: Int, pages: Int, bytes: Int) {
        self.items = items
        self.pages = pages
        self.bytes = bytes
    }

    /// The caps when the caller named no number of items: 10,000 items, 1,000 pages, 64 MB.
    public static let standard = PagingLimits(items: 10_000, pages: 1_000, bytes: 64 << 20)

    /// The caps for a caller who asked for up to `n` items: those items, as many pages as
    /// could bring them one at a time, and 256 MB.
    public static func upTo(_ n: Int) -> PagingLimits {
        let n = max(1, n)
        return PagingLimits(items: n, pages: n < Int.max ? n + 1 : n, bytes: 256 << 20)
    }
}

/// Why paging ended before the service said it was done, or nil when it said so.
public enum PagingStop: Sendable, Equatable {
    /// The items asked for (or the standard cap) were fetched; the service may have more.
    case items(Int)
    /// The page cap was reached.
    case pages(Int)
    /// The byte cap was reached.
    case bytes(Int)
    /// The service answered an empty page but offered another.
    case emptyPage
    /// The service offered a marker it had given before (it would page forever).
    case repeatedMarker

    /// Said to a person: "the first 10000 items", "a service that repeated its marker".
    public var description: String {
        switch self {
        case .items(let n): "the first \(n) items"
        case .pages(let n): "\(n) pages"
        case .bytes(let n): "\(n / (1 << 20)) MB of pages"
        case .emptyPage: "an empty page that offered more"
        case .repeatedMarker: "a page that repeated an earlier marker"
        }
    }

    /// Whether more items may be there to fetch (a cap, rather than the service, ended paging).
    public var mayHaveMore: Bool {
        switch self {
        case .items, .pages, .bytes: true
        case .emptyPage, .repeatedMarker: false
        }
    }
}

extension GlobusApp {
    /// Fetches every page of a listing (or until `limit` items; a `limit` query parameter of the
    /// request sets the page size), merged into one document: the first page's, with all the
    /// items and `paged` (pages, items, and `stopped` when paging ended before the service said
    /// it was done, see `PagingStop`) added. Paging is bounded by `limits` (by default those
    /// of `limit`, or the standard caps). `progress` hears after each page (pages, items so far).
    ///
    /// This is the blocking form of the clients' paginators (``Paginator``): both walk the pages
    /// with the same rules and caps, this one on the calling thread.
    public func paginate(
        _ request: ServiceRequest, scheme: PagingScheme, limit: Int? = nil, limits: PagingLimits? = nil,
        resourceServer: String? = nil,
        onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)? = nil,
        progress: (Int, Int) -> Void = { _, _ in },
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> JSON {
        let walk = PageWalk(request: request, scheme: scheme, limit: limit, limits: limits, isCancelled: isCancelled) { r throws(GlobusError) in
            try self.call(r, resourceServer: resourceServer, onLoginRequired: onLoginRequired, isCancelled: isCancelled)
        }
        return try walk.merged(progress: progress)
    }
}

extension PagingScheme {
    /// The first page's document with every page's items and `paged` (pages, items, and why
    /// paging stopped early, if it did); the paging members of one page (offset, marker…) are dropped.
    static func merged(first: JSONObject?, key: String?, items: [JSON], pages: Int, stop: PagingStop? = nil) -> JSON {
        var doc = first ?? JSONObject()
        if let key { doc[key] = .array(items) }
        for k in ["offset", "limit", "has_next_page", "marker", "next_marker", "last_key", "length"] where doc[k] != nil { doc[k] = nil }
        var paged = JSONObject()
        paged["pages"] = .int(pages)
        paged["items"] = .int(items.count)
        if let stop {
            paged["stopped"] = .string(stop.description)
            paged["may_have_more"] = .bool(stop.mayHaveMore)
        }
        doc["paged"] = .object(paged)
        return .object(doc)
    }

    /// What the service offers after a page: nil when it says the listing is done, `.offset`
    /// for the offset schemes, or the next marker.
    enum Next: Equatable { case offset, marker(String) }

    static func nextPage(_ page: JSON, scheme: PagingScheme, offset: Int) -> Next? {
        switch scheme {
        case .offsetTotal(_, let maxTotal):
            guard let total = page["total"]?.int, offset < min(total, maxTotal) else { return nil }
            return .offset
        case .offsetHasNextPage(_, let maxOffset):
            guard page["has_next_page"]?.bool == true, offset < maxOffset else { return nil }
            return .offset
        case .marker(let answerKey, let endsWithNull):
            guard endsWithNull || page["has_next_page"]?.bool == true, let m = page[answerKey]?.string else { return nil }
            return .marker(m)
        case .lastKey:
            guard page["has_next_page"]?.bool == true, let k = page["last_key"]?.string else { return nil }
            return .marker(k)
        }
    }
}
