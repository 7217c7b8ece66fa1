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
        ["DATA", "gmeta", "flows", "runs", "timers"].first { page[$0]?.array != nil }
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
    public func paginate(_ request: ServiceRequest, scheme: PagingScheme, limit: Int? = nil, limits: PagingLimits? = nil,
                         resourceServer: String? = nil,
                         onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)? = nil,
                         progress: (Int, Int) -> Void = { _, _ in },
                         isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> JSON {
        let limits = limits ?? limit.map(PagingLimits.upTo) ?? .standard
        let wanted = min(limit ?? Int.max, limits.items)
        switch scheme {
        case .marker, .lastKey:
            if limit == nil {
                return try paginateAhead(request, scheme: scheme, limits: limits, resourceServer: resourceServer, onLoginRequired: onLoginRequired,
                                         progress: progress, isCancelled: isCancelled)
            }
        default: break
        }
        var items: [JSON] = []
        var first: JSONObject?
        var key: String?
        var pages = 0
        var bytes = 0
        var stop: PagingStop?
        var next: [(String, String)] = []
        var seen: Set<String> = []
        var offset = max(0, Int(request.query.last { $0.0 == "offset" }?.1 ?? "") ?? 0)
        let base = request.query.filter { !["offset", "limit", "marker", "last_key"].contains($0.0) }
        // A `limit` given with the request is the page size (within the service's maximum).
        let askedSize = Int(request.query.last { $0.0 == "limit" }?.1 ?? "").flatMap { $0 > 0 ? $0 : nil }
        while true {
            var r = request
            r.query = base
            switch scheme {
            case .offsetTotal(let most, _), .offsetHasNextPage(let most, _):
                let size = min(most, askedSize ?? most)
                var want = min(size, wanted - items.count)
                if case .offsetTotal(_, let maxTotal) = scheme { want = min(want, maxTotal - offset) }
                r.query += [("offset", String(offset)), ("limit", String(max(1, want)))]
            case .marker, .lastKey:
                r.query += next
            }
            // No single page can take more than the byte cap has left (a page one byte over
            // it still counts as reaching the cap: it ends paging there).
            r.maximumResponseBytes = min(r.maximumResponseBytes, max(1, limits.bytes - bytes) + 1)
            if isCancelled() { throw .cancelled }
            let answer: HTTPResponse
            do { answer = try call(r, resourceServer: resourceServer, onLoginRequired: onLoginRequired, isCancelled: isCancelled) } catch {
                // A later page larger than the byte cap has left ends paging at the cap.
                if pages > 0, case .network(let n) = error, n.kind == .tooLarge { stop = .bytes(limits.bytes); break }
                throw error
            }
            guard let page = try? JSON.parse(answer.body), let o = page.object else {
                throw .api(GlobusAPIError(method: r.method, url: r.path, status: answer.status, headers: answer.headers, body: answer.body))
            }
            pages += 1
            bytes += answer.body.count
            key = key ?? PagingScheme.itemsKey(page)
            let got = key.flatMap { page[$0]?.array } ?? []
            items += got.prefix(wanted - items.count)
            if first == nil { first = o }
            progress(pages, items.count)
            // An offset the caller gave can be anything: it moves on without overflowing.
            let (moved, over) = offset.addingReportingOverflow(got.count)
            let more = over ? nil : PagingScheme.nextPage(page, scheme: scheme, offset: moved)
            if more == nil { break }
            if items.count >= wanted { stop = .items(items.count); break }
            if got.isEmpty { stop = .emptyPage; break }
            if pages >= limits.pages { stop = .pages(pages); break }
            if bytes >= limits.bytes { stop = .bytes(limits.bytes); break }
            offset = moved
            if case .marker(let m)? = more {
                guard seen.insert(m).inserted else { stop = .repeatedMarker; break }
                next = [(scheme == .lastKey ? "last_key" : "marker", m)]
            }
        }
        return PagingScheme.merged(first: first, key: key, items: items, pages: pages, stop: stop)
    }

    /// A listing paged by a marker (or `last_key`) from each answer. The next request needs
    /// only that marker, which a skim of the page's top level finds; the page itself is parsed
    /// while the next one is on its way (on this thread, see `WhileWaiting`), so parsing and the
    /// service's work overlap. An empty page is seen when it is parsed, so paging stops at most
    /// one page after it.
    func paginateAhead(_ request: ServiceRequest, scheme: PagingScheme, limits: PagingLimits, resourceServer: String?,
                       onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)?, progress: (Int, Int) -> Void,
                       isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> JSON {
        let (answerKey, param, endsWithNull): (String, String, Bool)
        switch scheme {
        case .marker(let key, let nullEnds): (answerKey, param, endsWithNull) = (key, "marker", nullEnds)
        default: (answerKey, param, endsWithNull) = ("last_key", "last_key", false)
        }
        let base = request.query.filter { !["limit", "marker", "last_key"].contains($0.0) }
        let pages = ParsedPages(maxItems: limits.items)
        var next: [(String, String)] = []
        var seen: Set<String> = []
        var fetched = 0
        var bytes = 0
        var stop: PagingStop?
        while true {
            var r = request
            r.query = base + next
            if let body = pages.waiting { r.whileWaiting = WhileWaiting { pages.parse(body) } }
            r.maximumResponseBytes = min(r.maximumResponseBytes, max(1, limits.bytes - bytes) + 1)
            if isCancelled() { throw .cancelled }
            let answer: HTTPResponse
            do { answer = try call(r, resourceServer: resourceServer, onLoginRequired: onLoginRequired, isCancelled: isCancelled) } catch {
                r.whileWaiting?.run()
                if fetched > 0, case .network(let n) = error, n.kind == .tooLarge { stop = .bytes(limits.bytes); break }
                throw error
            }
            r.whileWaiting?.run()
            let top: [String: JSON]
            do { top = try JSON.members([answerKey, "has_next_page"], of: answer.body) } catch {
                throw .api(GlobusAPIError(method: r.method, url: r.path, status: answer.status, headers: answer.headers, body: answer.body))
            }
            fetched += 1
            bytes += answer.body.count
            pages.waiting = answer.body
            pages.answers.append((answer.status, answer.headers, r.path))
            progress(fetched, pages.items.count)
            guard endsWithNull || top["has_next_page"]?.bool == true, let m = top[answerKey]?.string else { break }
            if pages.full { stop = .items(pages.items.count); break }
            if pages.sawEmptyPage { stop = .emptyPage; break }
            if fetched >= limits.pages { stop = .pages(fetched); break }
            if bytes >= limits.bytes { stop = .bytes(limits.bytes); break }
            // A marker seen before would page forever: a service that repeats itself is done.
            guard seen.insert(m).inserted else { stop = .repeatedMarker; break }
            next = [(param, m)]
        }
        if let body = pages.waiting { pages.parse(body) }
        if let (i, body) = pages.failed {
            let a = pages.answers[i]
            throw .api(GlobusAPIError(method: request.method, url: a.path, status: a.status, headers: a.headers, body: body))
        }
        if stop == nil || stop == .emptyPage, pages.full { stop = .items(pages.items.count) }
        return PagingScheme.merged(first: pages.first, key: pages.key, items: pages.items, pages: fetched, stop: stop)
    }
}

/// The pages of a listing as they are parsed, in order, on the thread that fetches them.
final class ParsedPages {
    /// The body fetched last, not parsed yet.
    var waiting: [UInt8]?
    var first: JSONObject?
    var key: String?
    var items: [JSON] = []
    /// Items beyond this many are dropped as pages are parsed.
    let maxItems: Int
    /// Whether a page with no items was parsed.
    var sawEmptyPage = false
    var parsed = 0

    init(maxItems: Int) { self.maxItems = maxItems }

    /// Whether the items cap is reached.
    var full: Bool { items.count >= maxItems }
    /// The first page that was not a JSON object: its index and body.
    var failed: (Int, [UInt8])?
    var answers: [(status: Int, headers: [(String, String)], path: String)] = []

    func parse(_ body: [UInt8]) {
        waiting = nil
        defer { parsed += 1 }
        guard failed == nil else { return }
        guard let page = try? JSON.parse(body), let o = page.object else { failed = (parsed, body); return }
        if first == nil { first = o }
        key = key ?? PagingScheme.itemsKey(page)
        let got = key.flatMap { page[$0]?.array } ?? []
        if got.isEmpty { sawEmptyPage = true }
        items += got.prefix(max(0, maxItems - items.count))
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
