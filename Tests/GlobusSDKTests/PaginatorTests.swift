import JSON
import SimulatorSupport
import Synchronization
import Testing
@testable import GlobusSDK

/// The clients' paginators: pages and items as async sequences on every paging scheme, the caps
/// and stop rules, cancellation, and the same result as the blocking `GlobusApp.paginate`.
@Suite(.serialized) struct PaginatorTests {
    /// All the pages of a paginator, read in a task.
    static func pages<Item>(_ p: Paginator<Item>) async throws -> [Page<Item>] {
        var out: [Page<Item>] = []
        for try await page in p { out.append(page) }
        return out
    }

    // MARK: against the simulator

    @Test func transfersTaskListByOffsetAndTotal() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeClientApp(sim)
        let transfer = TransferClient(app: app)
        let ids = try await onThread { () throws -> [String] in
            try (0..<5).map { i in
                var data = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2, label: "t\(i)")
                data.addItem(source: "/~/file1.txt", destination: "/~/f\(i).txt")
                return try transfer.submitTransfer(data).taskID ?? "?"
            }
        }
        let pages = try await Self.pages(transfer.paginated.taskList().pageSize(2))
        #expect(pages.map(\.items.count) == [2, 2, 1] && pages.map(\.number) == [1, 2, 3])
        #expect(pages.map(\.isLast) == [false, false, true] && pages.last?.stop == nil)
        #expect(pages.flatMap(\.items).compactMap(\.taskID) == ids.reversed())
        #expect(pages[1].response.data["offset"] == 2 && pages[1].response.httpStatus == 200)
        var labels: [String] = []
        for try await task in transfer.paginated.taskList().limited(to: 3).items { labels.append(task.label ?? "?") }
        #expect(labels == ["t4", "t3", "t2"])
        // The blocking walk gives the same items.
        let merged = try await onThread {
            try app.paginate(TransferAPI.taskList(limit: 2), scheme: .offsetTotal(pageSize: 1000, maxTotal: 1000))
        }
        #expect(merged["DATA"]?.array?.compactMap { $0["task_id"]?.string } == ids.reversed())
        #expect(merged["paged"] == ["pages": 3, "items": 5])
        let viaClient = try await onThread { try transfer.paginated.taskList().pageSize(2).merged() }
        // (The tasks' documents change as they run: compare which tasks, in which order.)
        #expect(viaClient.items.compactMap(\.taskID) == ids.reversed() && viaClient.data["paged"] == merged["paged"])
    }

    @Test func endpointSearchByOffsetAndHasNextPage() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let transfer = TransferClient(app: makeClientApp(sim))
        let pages = try await Self.pages(transfer.paginated.endpointSearch("collection").pageSize(1))
        #expect(pages.count == 3 && pages.allSatisfy { $0.items.count == 1 })
        #expect(Set(pages.flatMap(\.items).compactMap(\.id)) == [Fixtures.tutorial1, Fixtures.tutorial2, Fixtures.mapped])
    }

    @Test func successfulTransfersEventsAndFlowsOnePageEach() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let s = SignedIn(sim)
        let (transfer, flows) = (s.transfer, s.flows)
        let id = try await onThread { () throws -> String in
            var data = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2)
            data.addItem(source: "/~/data", destination: "/~/data", recursive: true)
            let id = try #require(try transfer.submitTransfer(data).taskID)
            _ = try transfer.taskWait(id, timeout: 10, pollingInterval: 0.2)
            _ = try flows.listFlows()
            return id
        }
        var files: [String] = []
        for try await f in transfer.paginated.taskSuccessfulTransfers(id).items { files.append(f.destinationPath ?? "?") }
        #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("/~/data/") })
        let events = try await Self.pages(transfer.paginated.taskEventList(id))
        #expect(events.count == 1 && events[0].items.map(\.code) == ["SUCCEEDED", "STARTED"])
        let flowPages = try await Self.pages(flows.paginated.listFlows())
        #expect(flowPages.count == 1 && flowPages[0].items.compactMap(\.id) == [Fixtures.flow] && flowPages[0].isLast)
        var runs = 0
        for try await _ in flows.paginated.listRuns().items { runs += 1 }
        #expect(runs == 0)
    }

    // MARK: every scheme and cap, against a scripted service

    /// A client on a scripted Transfer (or Flows) whose every page is `page(request)`.
    static func client(_ page: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws -> (TransferClient, TokenOriginTests.ScriptedTransport) {
        let (app, transport) = try scriptedApp(["transfer.api.globus.org"], page)
        return (TransferClient(app: app), transport)
    }

    static func sent(_ t: TokenOriginTests.ScriptedTransport) -> Int { t.sent.withLock { $0.count } }

    @Test func nextMarkerPagesInOrderAsTheBlockingWalkDoes() async throws {
        let (transfer, transport) = try Self.client { r in
            let m = PagingAheadTests.marker(of: r)
            let items = (m..<m + 20).map { #"{"source_path": "/f\#($0)"}"# }.joined(separator: ", ")
            return jsonAnswer(#"{"DATA": [\#(items)], "next_marker": \#(m + 20 < 100 ? "\"\(m + 20)\"" : "null")}"#)
        }
        let pages = try await Self.pages(transfer.paginated.taskSuccessfulTransfers("t"))
        #expect(pages.flatMap(\.items).compactMap(\.sourcePath) == (0..<100).map { "/f\($0)" })
        #expect(pages.count == 5 && pages.last?.isLast == true && pages.last?.stop == nil && Self.sent(transport) == 5)
        let merged = try await onThread { try transfer.paginated.taskSuccessfulTransfers("t").merged() }
        #expect(merged.items.count == 100 && merged.data["paged"] == ["pages": 5, "items": 100])
    }

    @Test func lastKeyPagesWhileHasNextPage() async throws {
        let (transfer, transport) = try Self.client { r in
            let key = r.url.split(separator: "last_key=").last.flatMap { Int($0) } ?? 0
            return jsonAnswer(#"{"DATA": [{"task_id": "t\#(key)"}], "has_next_page": \#(key < 3), "last_key": "\#(key + 1)"}"#)
        }
        var ids: [String] = []
        for try await task in transfer.paginated.endpointManagerTaskList(filterStatus: "ACTIVE").items { ids.append(task.taskID ?? "?") }
        #expect(ids == ["t0", "t1", "t2", "t3"])
        let urls = transport.sent.withLock { $0.map(\.url) }
        #expect(urls.first == "https://transfer.api.globus.org/v0.10/endpoint_manager/task_list?filter_status=ACTIVE")
        #expect(urls.last == "https://transfer.api.globus.org/v0.10/endpoint_manager/task_list?filter_status=ACTIVE&last_key=3")
    }

    @Test func searchPagesByOffsetAndHasNextPage() async throws {
        let (app, transport) = try scriptedApp(["search.api.globus.org"]) { r in
            let offset = Int(r.url.split(separator: "offset=").last?.split(separator: "&").first ?? "") ?? 0
            return jsonAnswer(#"{"gmeta": [{"subject": "s\#(offset)"}, {"subject": "s\#(offset + 1)"}], "has_next_page": \#(offset < 4), "total": 6}"#)
        }
        var subjects: [String] = []
        for try await hit in SearchClient(app: app).paginated.search(Fixtures.searchIndex, q: "*").pageSize(2).items { subjects.append(hit.subject ?? "?") }
        #expect(subjects == ["s0", "s1", "s2", "s3", "s4", "s5"] && Self.sent(transport) == 3)
    }

    @Test func flowsMarkerWhileHasNextPageAndGCSCollections() async throws {
        let (app, _) = try scriptedApp(["flows.globus.org", Fixtures.tutorial1]) { r in
            let m = PagingAheadTests.marker(of: r)
            let key = r.url.contains("/api/collections") ? "data" : "flows"
            return jsonAnswer(#"{"\#(key)": [{"id": "f\#(m)"}], "has_next_page": \#(m < 2), "marker": "\#(m + 1)"}"#)
        }
        var flows: [String] = []
        for try await flow in FlowsClient(app: app).paginated.listFlows().items { flows.append(flow.id ?? "?") }
        #expect(flows == ["f0", "f1", "f2"])
        var collections: [String] = []
        let gcs = GCSClient(endpointID: Fixtures.tutorial1, managerURL: "https://gcs.example.org", app: app)
        for try await c in gcs.paginatedCollectionList().items { collections.append(c.id ?? "?") }
        #expect(collections == ["f0", "f1", "f2"])
    }

    @Test(arguments: [PagingScheme.marker(answerKey: "next_marker", endsWithNull: true), .marker(answerKey: "marker", endsWithNull: false)])
    func theItemCapEndsAnEndlessListingAndTheLastPageSaysSo(scheme: PagingScheme) async throws {
        let (transfer, transport) = try Self.client { HostilePagingTests.endlessPage($0, items: 100) }
        let paginator = transfer.connection.paginator(
            TransferAPI.get(TransferAPI.taskPath("t", "successful_transfers")), scheme: scheme,
            of: TransferredFile.self)
        let pages = try await Self.pages(paginator)
        #expect(pages.flatMap(\.items).count == PagingLimits.standard.items)
        #expect(pages.last?.stop == .items(PagingLimits.standard.items) && pages.last?.isLast == true)
        #expect(pages.dropLast().allSatisfy { $0.stop == nil && !$0.isLast })
        #expect(Self.sent(transport) <= PagingLimits.standard.items / 100 + 1)
    }

    @Test func thePageByteAndLimitCapsAndTheStopRules() async throws {
        let (ones, onesSent) = try Self.client { HostilePagingTests.endlessPage($0, items: 1) }
        let limited = ones.paginated.taskSuccessfulTransfers("t").with(limits: PagingLimits(items: 10_000, pages: 7, bytes: 1 << 30))
        let pages = try await Self.pages(limited)
        #expect(pages.count == 7 && pages.last?.stop == .pages(7) && Self.sent(onesSent) == 7)

        let (big, _) = try Self.client { HostilePagingTests.endlessPage($0, items: 1, itemBytes: 1 << 20) }
        let heavy = try await Self.pages(big.paginated.taskSuccessfulTransfers("t").with(limits: PagingLimits(items: 100, pages: 100, bytes: 4 << 20)))
        #expect(heavy.count == 4 && heavy.last?.stop == .bytes(4 << 20))

        let (sevens, sevensSent) = try Self.client { HostilePagingTests.endlessPage($0, items: 7) }
        var n = 0
        for try await _ in sevens.paginated.taskSuccessfulTransfers("t").limited(to: 50).items { n += 1 }
        #expect(n == 50 && Self.sent(sevensSent) == 8)

        let (empty, _) = try Self.client { HostilePagingTests.endlessPage($0, items: 0) }
        let emptyPages = try await Self.pages(empty.paginated.taskSuccessfulTransfers("t"))
        #expect(emptyPages.count <= 2 && emptyPages.last?.stop == .emptyPage)

        let (again, _) = try Self.client { _ in jsonAnswer(#"{"DATA": [{"n": 1}], "next_marker": "again"}"#) }
        let repeated = try await Self.pages(again.paginated.taskSuccessfulTransfers("t"))
        #expect(repeated.count == 2 && repeated.last?.stop == .repeatedMarker && repeated.last?.stop?.mayHaveMore == false)

        let (offsets, offsetsSent) = try Self.client { HostilePagingTests.endlessPage($0, items: 0) }
        let offsetPages = try await Self.pages(offsets.paginated.endpointSearch("x"))
        #expect(offsetPages.count == 1 && offsetPages[0].stop == .emptyPage && Self.sent(offsetsSent) == 1)
    }

    @Test func aPageThatIsNotJSONEndsTheSequenceWithAnAPIError() async throws {
        let (transfer, _) = try Self.client { r in
            PagingAheadTests.marker(of: r) == 0
                ? jsonAnswer(#"{"DATA": [{"n": 0}], "next_marker": "1"}"#)
                : HTTPResponse(status: 200, headers: [], body: Array("<html>maintenance</html>".utf8))
        }
        var seen = 0
        do {
            for try await _ in transfer.paginated.taskSuccessfulTransfers("t") { seen += 1 }
            Issue.record("a page of HTML was accepted")
        } catch {
            #expect(error.httpStatus == 200)
        }
        #expect(seen <= 1)
    }

    // MARK: threads and cancellation

    @Test func leavingTheLoopStopsTheFetchingThread() async throws {
        let (transfer, transport) = try Self.client { HostilePagingTests.endlessPage($0, items: 10) }
        var pages = 0
        for try await _ in transfer.paginated.taskSuccessfulTransfers("t") {
            pages += 1
            if pages == 3 { break }
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        let sent = Self.sent(transport)
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(sent <= 5 && Self.sent(transport) == sent, "the thread fetches at most a page or two ahead, then stops")
    }

    @Test func theReaderIsAtMostOnePageBehind() async throws {
        let (transfer, transport) = try Self.client { r in
            let m = PagingAheadTests.marker(of: r)
            return jsonAnswer(#"{"DATA": [{"n": \#(m)}], "next_marker": \#(m < 20 ? "\"\(m + 1)\"" : "null")}"#)
        }
        var ahead: [Int] = []
        for try await page in transfer.paginated.taskSuccessfulTransfers("t") {
            try await Task.sleep(nanoseconds: 20_000_000)
            ahead.append(Self.sent(transport) - page.number)
        }
        #expect(ahead.allSatisfy { $0 <= 2 }, "\(ahead)")
        #expect(ahead.contains { $0 >= 1 }, "the next page is fetched while the reader works: \(ahead)")
    }

    @Test func cancellingTheReadingTaskEndsASlowRequestPromptly() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let transfer = TransferClient(app: makeClientApp(sim))
        _ = try await onThread { try transfer.taskList(limit: 1) }
        await sim.admin("faults", #"{"fault":"latency=5000@/transfer/v0.10/task_list"}"#)
        let started = monotonicSeconds()
        let reading = Task { () async -> GlobusError? in
            do {
                for try await _ in transfer.paginated.taskList() {}
                return nil
            } catch { return error as? GlobusError }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        reading.cancel()
        let error = await reading.value
        #expect(error.map { if case .cancelled = $0 { true } else { false } } == true)
        #expect(monotonicSeconds() - started < 2)
    }

    @Test func theClientsOwnCancellationEndsThePaging() async throws {
        let (transfer, _) = try Self.client { HostilePagingTests.endlessPage($0, items: 10) }
        let flag = CancelFlag()
        var pages = 0
        do {
            for try await _ in transfer.cancellable({ flag.isSet }).paginated.taskSuccessfulTransfers("t") {
                pages += 1
                if pages == 2 { flag.set() }
            }
            Issue.record("paging went on")
        } catch {
            guard case .cancelled = error else { Issue.record("\(error)"); return }
        }
        #expect(pages <= 4)
    }
}
