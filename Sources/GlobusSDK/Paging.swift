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
        var doc = first ?? JSONObject()
        if let key { doc[key] = .array(items) }
        for k in ["offset", "limit", "has_next_page", "marker", "next_marker", "last_key", "length"] where doc[k] != nil { doc[k] = nil }
        doc["paged"] = ["pages": .int(pages), "items": .int(items.count)]
        return .object(doc)
    }
}
