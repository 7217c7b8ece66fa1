import JSON

/// One page of a listing, as a ``Paginator`` hands it on.
public struct Page<Item: GlobusDocument>: Sendable {
    /// 1 for the first page.
    public let number: Int
    /// The page's answer: HTTP status, headers, and the whole page as `data`.
    public let response: GlobusResponse<Listing<Item>>
    /// The items of this page that were kept: all of them, but on the page where the items
    /// cap (or the `limit` asked for) was reached.
    public let items: [Item]
    /// Whether this is the last page the paginator fetches.
    public let isLast: Bool
    /// On the last page: why paging ended before the service said the listing was done (a cap,
    /// an empty page that offered more, a repeated marker), or nil when the service said so.
    public let stop: PagingStop?
}

/// The pages of a listing, fetched as they are read: an `AsyncSequence` of ``Page``s, and of
/// the items on them through ``items``.
///
/// ```swift
/// for try await task in transfer.paginated.taskList().limited(to: 50).items {
///     print(task.taskID ?? "?", task.status ?? "?")
/// }
/// ```
///
/// Every paging scheme of Globus is walked with the same rules as ``GlobusApp/paginate(_:scheme:limit:limits:resourceServer:onLoginRequired:progress:isCancelled:)``:
/// offset and `total` (Transfer's task list and event list), offset and `has_next_page`
/// (endpoint search, Search), a `marker` while `has_next_page` (Flows, GCS), a `next_marker`
/// until it is null (a task's successful transfers and skipped errors), and `last_key`
/// (the endpoint manager's task list). A service decides when a listing ends, and a faulty or
/// hostile one may never say so: paging stops at the first of the caps of ``limits`` (by
/// default ``PagingLimits/standard``: 10,000 items, 1,000 pages, 64 MB), at an empty page that
/// offers more, or at a marker seen before; the last page says why (``Page/stop``).
///
/// **Threads.** The SDK's transport is blocking. Each iteration runs its requests on a thread
/// of its own, started by the first `next()`, never on Swift's cooperative pool. That thread
/// fetches at most one page ahead of the reader, so the next page is on its way while the
/// reader works on this one (with a marker, a page is also parsed while the next is fetched).
/// Cancelling the reading task, or leaving the loop, ends the thread's request within about
/// 50 ms; a cancelled `next()` throws ``GlobusError/cancelled``. Logins the connection's
/// ``ClientOptions/onLoginRequired`` runs happen on that thread too.
///
/// ``merged(progress:)`` walks the same pages on the calling thread instead, for code that is
/// not async.
public struct Paginator<Item: GlobusDocument>: AsyncSequence, Sendable {
    /// A page.
    public typealias Element = Page<Item>
    /// What paging throws.
    public typealias Failure = GlobusError

    let connection: ServiceConnection
    var request: ServiceRequest
    let scheme: PagingScheme
    /// The number of items wanted, or nil for all the caps allow.
    public private(set) var limit: Int?
    /// The caps, or nil for those of ``limit`` (``PagingLimits/upTo(_:)``) or the standard ones.
    public private(set) var limits: PagingLimits?

    init(connection: ServiceConnection, request: ServiceRequest, scheme: PagingScheme) {
        self.connection = connection
        self.request = request
        self.scheme = scheme
    }

    /// This paginator, stopping after `count` items (and asking for pages no larger than needed
    /// where the service takes a page size).
    public func limited(to count: Int) -> Paginator {
        var p = self
        p.limit = Swift.max(1, count)
        return p
    }

    /// This paginator, asking for pages of `size` items (the offset schemes: Transfer's task,
    /// event and endpoint listings, Search; a marker scheme's pages are the service's size).
    public func pageSize(_ size: Int) -> Paginator {
        var p = self
        p.request.query = p.request.query.filter { $0.0 != "limit" } + [("limit", String(Swift.max(1, size)))]
        return p
    }

    /// This paginator with other caps.
    public func with(limits: PagingLimits) -> Paginator {
        var p = self
        p.limits = limits
        return p
    }

    /// The items of every page, in order.
    public var items: PaginatedItems<Item> { PaginatedItems(pages: self) }

    /// Walks the pages on the calling thread (blocking) and merges them into one document: the
    /// first page's, with every page's items and `paged` (pages, items, and `stopped` with
    /// `may_have_more` when paging ended early), as ``GlobusApp/paginate(_:scheme:limit:limits:resourceServer:onLoginRequired:progress:isCancelled:)``
    /// does. `progress` hears (pages fetched, items kept) after each page. The response's status
    /// is 200 and it has no headers: it is no single answer.
    public func merged(progress: (Int, Int) -> Void = { _, _ in }) throws(GlobusError) -> GlobusResponse<Listing<Item>> {
        let doc = try walk(isCancelled: connection.options.isCancelled).merged(progress: progress)
        return GlobusResponse(httpStatus: 200, headers: [], data: doc)
    }

    func walk(isCancelled: @escaping @Sendable () -> Bool) -> PageWalk {
        var c = connection
        c.options.isCancelled = isCancelled
        return PageWalk(request: request, scheme: scheme, limit: limit, limits: limits, isCancelled: isCancelled) { r throws(GlobusError) in
            try c.send(r)
        }
    }

    /// Starts an iteration (its thread starts at the first `next()`).
    public func makeAsyncIterator() -> Iterator { Iterator(paginator: self) }

    /// Reads the pages one by one, fetching them on a thread of its own.
    public struct Iterator: AsyncIteratorProtocol {
        let run: Run

        init(paginator: Paginator) { run = Run(paginator) }

        /// The next page, or nil after the last.
        public mutating func next() async throws(GlobusError) -> Page<Item>? {
            run.startOnce()
            return try await run.channel.next()
        }
    }

    /// One iteration: its channel and its thread. When the reader lets go of it (leaves its
    /// loop), the thread is told to stop.
    final class Run: @unchecked Sendable {
        let channel = PageChannel<Page<Item>>()
        let paginator: Paginator
        private var started = false

        init(_ paginator: Paginator) { self.paginator = paginator }

        deinit { channel.cancel() }

        /// Starts the fetching thread on the first call (one reader at a time, as for any iterator).
        func startOnce() {
            guard !started else { return }
            started = true
            let channel = channel
            let isCancelled = paginator.connection.options.isCancelled
            var walk = paginator.walk { channel.isCancelled || isCancelled() }
            // Page n + 1 is fetched once page n has been asked for.
            walk.beforeFetch = { n throws(GlobusError) in try channel.waitUntilAsked(n - 1) }
            let pages = WalkHandle(walk)
            GlobusThread.start {
                do throws(GlobusError) {
                    _ = try pages.walk.run { page in channel.send(Page(page)) }
                    channel.finish(nil)
                } catch {
                    channel.finish(error)
                }
            }
        }
    }
}

/// A walk handed to the thread that runs it (it is used there only).
final class WalkHandle: @unchecked Sendable {
    let walk: PageWalk
    init(_ walk: PageWalk) { self.walk = walk }
}

extension Page {
    init(_ page: WalkedPage) {
        number = page.number
        response = GlobusResponse(httpStatus: page.status, headers: page.headers, data: page.document)
        items = page.items.map(Item.init)
        isLast = page.isLast
        stop = page.stop
    }
}

/// The items of a listing, page after page: see ``Paginator``.
public struct PaginatedItems<Item: GlobusDocument>: AsyncSequence, Sendable {
    /// An item.
    public typealias Element = Item
    /// What paging throws.
    public typealias Failure = GlobusError

    let pages: Paginator<Item>

    /// Starts an iteration.
    public func makeAsyncIterator() -> Iterator { Iterator(pages: pages.makeAsyncIterator()) }

    /// Reads the items of one page after another.
    public struct Iterator: AsyncIteratorProtocol {
        var pages: Paginator<Item>.Iterator
        var waiting: ArraySlice<Item> = []

        /// The next item, or nil after the last.
        public mutating func next() async throws(GlobusError) -> Item? {
            while waiting.isEmpty {
                guard let page = try await pages.next() else { return nil }
                waiting = page.items[...]
            }
            return waiting.popFirst()
        }
    }
}
