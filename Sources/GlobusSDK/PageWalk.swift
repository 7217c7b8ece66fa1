import JSON

/// One page of a listing, as a walk hands it on: the answer, the items kept from it (the items
/// cap may keep fewer than it holds), and, on the last page, why paging ended early.
struct WalkedPage: Sendable {
    /// 1 for the first page.
    var number: Int
    var status: Int
    var headers: [(String, String)]
    /// The whole page (a JSON object).
    var document: JSON
    /// The member holding the listing's items (found on the first page that has one).
    var itemsKey: String?
    /// The items kept from this page.
    var items: [JSON]
    /// Whether no page follows.
    var isLast: Bool
    /// On the last page: why paging ended before the service said it was done, or nil.
    var stop: PagingStop?
}

/// Walks the pages of a listing with the rules of `PagingScheme` and the caps of `PagingLimits`,
/// on the calling thread, handing each page on in order. The one paging engine: the blocking
/// `GlobusApp.paginate` merges what it hands on, and the `Paginator`s pass it to an async
/// consumer from a thread of their own.
///
/// Stops at whichever comes first: the service's own end (no `has_next_page`, no next marker,
/// the `total`), the items wanted, the page cap, the byte cap, an empty page that offers more,
/// or a marker seen before.
struct PageWalk {
    let request: ServiceRequest
    let scheme: PagingScheme
    let limits: PagingLimits
    /// Items wanted: the caller's `limit`, within the items cap.
    let wanted: Int
    /// Whether pages are parsed while the next is fetched (marker schemes, no `limit`).
    let ahead: Bool
    let isCancelled: @Sendable () -> Bool
    /// Sends one request (an app's call, or a client's).
    let send: (ServiceRequest) throws(GlobusError) -> HTTPResponse
    /// Runs before page `n` is fetched (1 for the first); a paginator waits there for its consumer.
    var beforeFetch: (Int) throws(GlobusError) -> Void = { _ throws(GlobusError) in }

    init(
        request: ServiceRequest, scheme: PagingScheme, limit: Int?, limits: PagingLimits?, isCancelled: @escaping @Sendable () -> Bool,
        send: @escaping (ServiceRequest) throws(GlobusError) -> HTTPResponse
    ) {
        self.request = request
        self.scheme = scheme
        let limits = limits ?? limit.map(PagingLimits.upTo) ?? .standard
        self.limits = limits
        wanted = min(limit ?? Int.max, limits.items)
        switch scheme {
        case .marker, .lastKey: ahead = limit == nil
        default: ahead = false
        }
        self.isCancelled = isCancelled
        self.send = send
    }

    /// Walks every page, calling `onPage` for each in order and `progress` (pages fetched, items
    /// kept) after each fetch; returns why paging ended early, or nil when the service said it was done.
    func run(progress: (Int, Int) -> Void = { _, _ in }, onPage: @escaping (WalkedPage) -> Void) throws(GlobusError) -> PagingStop? {
        ahead ? try runAhead(progress: progress, onPage: onPage) : try runInOrder(progress: progress, onPage: onPage)
    }

    /// Every page merged into one document (see `PagingScheme.merged`).
    func merged(progress: (Int, Int) -> Void) throws(GlobusError) -> JSON {
        var first: JSONObject?
        var key: String?
        var items: [JSON] = []
        var pages = 0
        let stop = try run(progress: progress) { page in
            if first == nil { first = page.document.object }
            key = key ?? page.itemsKey
            items += page.items
            pages = page.number
        }
        return PagingScheme.merged(first: first, key: key, items: items, pages: pages, stop: stop)
    }

    /// Fetches a page, then parses it, then decides on the next (offset schemes, or a `limit`).
    func runInOrder(progress: (Int, Int) -> Void, onPage: (WalkedPage) -> Void) throws(GlobusError) -> PagingStop? {
        var kept = 0
        var key: String?
        var pages = 0
        var bytes = 0
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
                var want = min(size, wanted - kept)
                if case .offsetTotal(_, let maxTotal) = scheme { want = min(want, maxTotal - offset) }
                r.query += [("offset", String(offset)), ("limit", String(max(1, want)))]
            case .marker, .lastKey:
                r.query += next
            }
            try beforeFetch(pages + 1)
            if isCancelled() { throw .cancelled }
            r.maximumResponseBytes = answerCap(after: bytes, for: r)
            let answer: HTTPResponse
            do { answer = try send(r) } catch {
                // A later page larger than the byte cap has left ends paging at the cap (the page
                // handed on before it was not known to be the last).
                if pages > 0, PageWalk.isTooLarge(error) { return .bytes(limits.bytes) }
                throw error
            }
            guard let page = try? JSON.parse(answer.body), page.object != nil else {
                throw .api(GlobusAPIError(method: r.method, url: r.path, status: answer.status, headers: answer.headers, body: answer.body))
            }
            pages += 1
            bytes += answer.body.count
            key = key ?? PagingScheme.itemsKey(page)
            let got = key.flatMap { page[$0]?.array } ?? []
            let keep = Array(got.prefix(wanted - kept))
            kept += keep.count
            progress(pages, kept)
            var stop: PagingStop?
            var done = true
            // An offset the caller gave can be anything: it moves on without overflowing.
            let (moved, over) = offset.addingReportingOverflow(got.count)
            let more = over ? nil : PagingScheme.nextPage(page, scheme: scheme, offset: moved)
            if more == nil {
            } else if kept >= wanted {
                stop = .items(kept)
            } else if got.isEmpty {
                stop = .emptyPage
            } else if pages >= limits.pages {
                stop = .pages(pages)
            } else if bytes >= limits.bytes {
                stop = .bytes(limits.bytes)
            } else if case .marker(let m)? = more, !seen.insert(m).inserted {
                stop = .repeatedMarker
            } else {
                done = false
                offset = moved
                if case .marker(let m)? = more { next = [(scheme == .lastKey ? "last_key" : "marker", m)] }
            }
            onPage(
                WalkedPage(
                    number: pages, status: answer.status, headers: answer.headers, document: page, itemsKey: key,
                    items: keep, isLast: done, stop: stop))
            if done { return stop }
        }
    }

    /// A listing paged by a marker (or `last_key`) from each answer. The next request needs
    /// only that marker, which a skim of the page's top level finds; the page itself is parsed
    /// while the next one is on its way (on this thread, see `WhileWaiting`), so parsing and the
    /// service's work overlap. An empty page is seen when it is parsed, so paging stops at most
    /// one page after it.
    func runAhead(progress: (Int, Int) -> Void, onPage: @escaping (WalkedPage) -> Void) throws(GlobusError) -> PagingStop? {
        let (answerKey, param, endsWithNull): (String, String, Bool)
        switch scheme {
        case .marker(let key, let nullEnds): (answerKey, param, endsWithNull) = (key, "marker", nullEnds)
        default: (answerKey, param, endsWithNull) = ("last_key", "last_key", false)
        }
        let base = request.query.filter { !["limit", "marker", "last_key"].contains($0.0) }
        let pages = ParsedPages(maxItems: limits.items, onPage: onPage)
        var next: [(String, String)] = []
        var seen: Set<String> = []
        var fetched = 0
        var bytes = 0
        var stop: PagingStop?
        while true {
            var r = request
            r.query = base + next
            try beforeFetch(fetched + 1)
            if let body = pages.waiting { r.whileWaiting = WhileWaiting { pages.parse(body) } }
            if isCancelled() { throw .cancelled }
            r.maximumResponseBytes = answerCap(after: bytes, for: r)
            let answer: HTTPResponse
            do { answer = try send(r) } catch {
                r.whileWaiting?.run()
                if fetched > 0, PageWalk.isTooLarge(error) { stop = .bytes(limits.bytes); break }
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
            progress(fetched, pages.kept)
            guard endsWithNull || top["has_next_page"]?.bool == true, let m = top[answerKey]?.string else { break }
            if pages.full { stop = .items(pages.kept); break }
            if pages.sawEmptyPage { stop = .emptyPage; break }
            if fetched >= limits.pages { stop = .pages(fetched); break }
            if bytes >= limits.bytes { stop = .bytes(limits.bytes); break }
            // A marker seen before would page forever: a service that repeats itself is done.
            guard seen.insert(m).inserted else { stop = .repeatedMarker; break }
            next = [(param, m)]
        }
        // The last page: parsed now, and handed on once the reason to stop is known.
        let last = pages.waiting.flatMap { pages.parsed($0) }
        if let (i, body) = pages.failed {
            let a = pages.answers[i]
            throw .api(GlobusAPIError(method: request.method, url: a.path, status: a.status, headers: a.headers, body: body))
        }
        if stop == nil || stop == .emptyPage, pages.full { stop = .items(pages.kept) }
        if var last {
            last.isLast = true
            last.stop = stop
            onPage(last)
        }
        return stop
    }
}

extension PageWalk {
    /// The largest answer a page may be, once `bytes` have been fetched: what the byte cap has
    /// left (one byte over still counts as reaching it), within the request's own cap.
    func answerCap(after bytes: Int, for r: ServiceRequest) -> Int {
        min(r.maximumResponseBytes, max(1, limits.bytes - bytes) + 1)
    }

    /// Whether a request failed for an answer over its cap.
    static func isTooLarge(_ error: GlobusError) -> Bool {
        if case .network(let n) = error, n.kind == .tooLarge { return true }
        return false
    }
}

/// The pages of a marker-paged listing as they are parsed, in order, on the thread that fetches
/// them; each parsed page is handed on at once, but the last (see `parsed`).
final class ParsedPages {
    /// The body fetched last, not parsed yet.
    var waiting: [UInt8]?
    var key: String?
    /// Items kept so far.
    var kept = 0
    /// Items beyond this many are dropped as pages are parsed.
    let maxItems: Int
    /// Whether a page with no items was parsed.
    var sawEmptyPage = false
    var count = 0
    let onPage: (WalkedPage) -> Void

    init(maxItems: Int, onPage: @escaping (WalkedPage) -> Void) {
        self.maxItems = maxItems
        self.onPage = onPage
    }

    /// Whether the items cap is reached.
    var full: Bool { kept >= maxItems }
    /// The first page that was not a JSON object: its index and body.
    var failed: (Int, [UInt8])?
    var answers: [(status: Int, headers: [(String, String)], path: String)] = []

    /// Parses a page that another follows, and hands it on.
    func parse(_ body: [UInt8]) {
        if let page = parsed(body) { onPage(page) }
    }

    /// Parses the page fetched last: the page, or nil when it (or one before it) was not a JSON object.
    func parsed(_ body: [UInt8]) -> WalkedPage? {
        waiting = nil
        defer { count += 1 }
        guard failed == nil else { return nil }
        guard let page = try? JSON.parse(body), page.object != nil else { failed = (count, body); return nil }
        key = key ?? PagingScheme.itemsKey(page)
        let got = key.flatMap { page[$0]?.array } ?? []
        if got.isEmpty { sawEmptyPage = true }
        let keep = Array(got.prefix(max(0, maxItems - kept)))
        kept += keep.count
        let a = answers[count]
        return WalkedPage(
            number: count + 1, status: a.status, headers: a.headers, document: page, itemsKey: key, items: keep,
            isLast: false, stop: nil)
    }
}
