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

extension GlobusApp {
    /// Fetches every page of a listing (or until `limit` items; a `limit` query parameter of the
    /// request sets the page size), merged into one document: the
    /// first page's, with all the items and `paged` (pages, items) added. `progress` hears after
    /// each page (pages, items so far).
    public func paginate(_ request: ServiceRequest, scheme: PagingScheme, limit: Int? = nil, resourceServer: String? = nil,
                         onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)? = nil,
                         progress: (Int, Int) -> Void = { _, _ in },
                         isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> JSON {
        switch scheme {
        case .marker, .lastKey:
            if limit == nil {
                return try paginateAhead(request, scheme: scheme, resourceServer: resourceServer, onLoginRequired: onLoginRequired,
                                         progress: progress, isCancelled: isCancelled)
            }
        default: break
        }
        var items: [JSON] = []
        var first: JSONObject?
        var key: String?
        var pages = 0
        var next: [(String, String)] = []
        var offset = Int(request.query.last { $0.0 == "offset" }?.1 ?? "") ?? 0
        let base = request.query.filter { !["offset", "limit", "marker", "last_key"].contains($0.0) }
        // A `limit` given with the request is the page size (within the service's maximum).
        let askedSize = Int(request.query.last { $0.0 == "limit" }?.1 ?? "").flatMap { $0 > 0 ? $0 : nil }
        while true {
            var r = request
            r.query = base
            switch scheme {
            case .offsetTotal(let most, _), .offsetHasNextPage(let most, _):
                let size = min(most, askedSize ?? most)
                var want = min(size, limit.map { $0 - items.count } ?? size)
                if case .offsetTotal(_, let maxTotal) = scheme { want = min(want, maxTotal - offset) }
                r.query += [("offset", String(offset)), ("limit", String(want))]
            case .marker, .lastKey:
                r.query += next
            }
            if isCancelled() { throw .cancelled }
            let answer = try call(r, resourceServer: resourceServer, onLoginRequired: onLoginRequired, isCancelled: isCancelled)
            guard let page = try? JSON.parse(answer.body), let o = page.object else {
                throw .api(GlobusAPIError(method: r.method, url: r.path, status: answer.status, headers: answer.headers, body: answer.body))
            }
            pages += 1
            key = key ?? PagingScheme.itemsKey(page)
            let got = key.flatMap { page[$0]?.array } ?? []
            items += got
            if first == nil { first = o }
            progress(pages, items.count)
            if let limit, items.count >= limit { items = Array(items.prefix(limit)); break }
            if got.isEmpty { break }
            offset += got.count
            switch scheme {
            case .offsetTotal(_, let maxTotal):
                guard let total = page["total"]?.int, offset < min(total, maxTotal) else { break }
                continue
            case .offsetHasNextPage(_, let maxOffset):
                guard page["has_next_page"]?.bool == true, offset < maxOffset else { break }
                continue
            case .marker(let answerKey, let endsWithNull):
                guard endsWithNull || page["has_next_page"]?.bool == true, let m = page[answerKey]?.string else { break }
                next = [("marker", m)]
                continue
            case .lastKey:
                guard page["has_next_page"]?.bool == true, let k = page["last_key"]?.string else { break }
                next = [("last_key", k)]
                continue
            }
            break
        }
        return PagingScheme.merged(first: first, key: key, items: items, pages: pages)
    }

    /// A listing paged by a marker (or `last_key`) from each answer. The next request needs
    /// only that marker, which a skim of the page's top level finds; the page itself is parsed
    /// while the next one is on its way (on this thread, see `WhileWaiting`), so parsing and the
    /// service's work overlap.
    func paginateAhead(_ request: ServiceRequest, scheme: PagingScheme, resourceServer: String?,
                       onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)?, progress: (Int, Int) -> Void,
                       isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> JSON {
        let (answerKey, param, endsWithNull): (String, String, Bool)
        switch scheme {
        case .marker(let key, let nullEnds): (answerKey, param, endsWithNull) = (key, "marker", nullEnds)
        default: (answerKey, param, endsWithNull) = ("last_key", "last_key", false)
        }
        let base = request.query.filter { !["limit", "marker", "last_key"].contains($0.0) }
        let pages = ParsedPages()
        var next: [(String, String)] = []
        var seen: Set<String> = []
        var fetched = 0
        while true {
            var r = request
            r.query = base + next
            if let body = pages.waiting { r.whileWaiting = WhileWaiting { pages.parse(body) } }
            if isCancelled() { throw .cancelled }
            let answer = try call(r, resourceServer: resourceServer, onLoginRequired: onLoginRequired, isCancelled: isCancelled)
            r.whileWaiting?.run()
            let top: [String: JSON]
            do { top = try JSON.members([answerKey, "has_next_page"], of: answer.body) } catch {
                throw .api(GlobusAPIError(method: r.method, url: r.path, status: answer.status, headers: answer.headers, body: answer.body))
            }
            fetched += 1
            pages.waiting = answer.body
            pages.answers.append((answer.status, answer.headers, r.path))
            progress(fetched, pages.items.count)
            // A marker seen before would page forever: a service that repeats itself is done.
            guard endsWithNull || top["has_next_page"]?.bool == true, let m = top[answerKey]?.string, seen.insert(m).inserted else { break }
            next = [(param, m)]
        }
        if let body = pages.waiting { pages.parse(body) }
        if let (i, body) = pages.failed {
            let a = pages.answers[i]
            throw .api(GlobusAPIError(method: request.method, url: a.path, status: a.status, headers: a.headers, body: body))
        }
        return PagingScheme.merged(first: pages.first, key: pages.key, items: pages.items, pages: fetched)
    }
}

/// The pages of a listing as they are parsed, in order, on the thread that fetches them.
final class ParsedPages {
    /// The body fetched last, not parsed yet.
    var waiting: [UInt8]?
    var first: JSONObject?
    var key: String?
    var items: [JSON] = []
    var parsed = 0
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
        items += key.flatMap { page[$0]?.array } ?? []
    }
}

extension PagingScheme {
    /// The first page's document with every page's items and `paged` (pages, items); the
    /// paging members of one page (offset, marker…) are dropped.
    static func merged(first: JSONObject?, key: String?, items: [JSON], pages: Int) -> JSON {
        var doc = first ?? JSONObject()
        if let key { doc[key] = .array(items) }
        for k in ["offset", "limit", "has_next_page", "marker", "next_marker", "last_key", "length"] where doc[k] != nil { doc[k] = nil }
        doc["paged"] = ["pages": .int(pages), "items": .int(items.count)]
        return .object(doc)
    }
}
