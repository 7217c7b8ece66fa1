import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

/// Listings fetched page by page in each service's own way, merged into one result.
@Suite struct PaginationTests {
    /// A notebook signed in as alice, and the id of a finished task of hers that copied `files` files.
    static func signedInWithATask(_ sim: RunningSimulator, files: Int) async throws -> (SimulatedNotebook, String) {
        let seeded = await sim.sim.handle(
            SimRequest(
                method: "POST", path: "/admin/tasks",
                body: Array(#"{"count": 1, "identity": "alice@uchicago.edu", "files": \#(files)}"#.utf8)))
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        return (nb, try JSON.parse(seeded.body)["task_ids"]?.array?.first?.string ?? "")
    }

    @Test func taskListPagesByOffsetAndStopsAtTransfersThousand() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        await sim.admin("tasks", #"{"count": 2500, "identity": "alice@uchicago.edu"}"#)
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        // Transfer lists the newest 1000 tasks: pages of 300 stop there, as the Python SDK does.
        let (r, o) = try await nb.run("%globus call transfer GET /task_list -Q limit=300 --paginate --as all")
        #expect(r == .ok(), "\(o.text)")
        #expect(o.stdout.hasPrefix("1000 items in 4 pages."), "\(o.stdout)")
        #expect(nb.kept("all")?["DATA"]?.array?.count == 1000)
        let limited = try await nb.run("%globus call transfer GET /task_list --paginate --limit 700 --jmespath 'length(DATA)'").1
        #expect(limited.results.last?["text/plain"] == "700")
        _ = try await nb.run("%globus task list --limit 1000 --as listed")
        #expect(nb.kept("listed")?["DATA"]?.array?.count == 1000)
    }

    @Test func successfulTransfersPageByMarkerUntilItIsNull() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let (nb, id) = try await Self.signedInWithATask(sim, files: 2345)
        let (r, o) = try await nb.run("%globus call transfer GET /task/\(id)/successful_transfers --paginate --jmespath 'DATA[-1].source_path'")
        #expect(r == .ok(), "\(o.text)")
        #expect(o.stdout.hasPrefix("2345 items in 24 pages."), "\(o.stdout)")
        #expect(o.results.last?["application/json"] == "/~/seeded/file-2344.dat")
    }

    @Test func aSlowListingShowsProgressAtMostTenTimesASecondAndClearsIt() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let (nb, id) = try await Self.signedInWithATask(sim, files: 1200)
        await sim.admin("faults", #"{"fault": "latency=40@/transfer/"}"#)
        let start = monotonicNanoseconds()
        let (r, o) = try await nb.run("%globus call transfer GET /task/\(id)/successful_transfers --paginate --jmespath 'length(DATA)'")
        let elapsed = Double(monotonicNanoseconds() - start) / 1e9
        #expect(r == .ok() && o.stdout.hasPrefix("1200 items in 12 pages."), "\(o.text)")
        // 12 pages at 40 ms or more each: the progress line appears, is updated in place...
        #expect(o.displays.count == 1 && o.displays[0]["text/plain"]?.string?.hasPrefix("Fetching: ") == true)
        #expect(o.updated.dropLast().allSatisfy { $0["text/plain"]?.string?.hasPrefix("Fetching: ") == true })
        // ...no more than ten times a second, and is cleared at the end.
        #expect(Double(o.displays.count + o.updated.count - 1) <= elapsed * 10 + 1, "\(o.updated.count) updates in \(elapsed) s")
        #expect(o.updated.last?["text/plain"] == "")
    }

    @Test func collectionSearchPagesByHasNextPage() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let (r, o) = try await nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=collection -Q limit=1 --paginate --jmespath 'DATA[].id'")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.stdout.hasPrefix("3 items in 3 pages."), "\(o.stdout)")
            #expect(o.results.last?["application/json"]?.array?.count == 3)
        }
    }

    @Test func unpagedListingsSaySo() async throws {
        try await withNotebook { nb in
            let e = try await nb.failure("%globus call groups GET /groups/my_groups --paginate")
            #expect(e?.ename == "UsageError" && e?.evalue.contains("is not a paged listing") == true)
            let limitAlone = try await nb.failure("%globus call transfer GET /task_list --limit 5")
            #expect(limitAlone?.evalue.contains("--limit goes with --paginate") == true)
        }
    }

    @Test func schemesFollowThePythonSDK() {
        #expect(PagingScheme.forRequest(.transfer, method: "GET", path: "/task_list") == .offsetTotal(pageSize: 1000, maxTotal: 1000))
        #expect(PagingScheme.forRequest(.transfer, method: "GET", path: "/endpoint_search") == .offsetHasNextPage(pageSize: 100, maxOffset: 1000))
        #expect(PagingScheme.forRequest(.transfer, method: "GET", path: "/task/abc/successful_transfers") == .marker(answerKey: "next_marker", endsWithNull: true))
        #expect(PagingScheme.forRequest(.transfer, method: "GET", path: "/endpoint_manager/task_list") == .lastKey)
        #expect(PagingScheme.forRequest(.flows, method: "GET", path: "/flows") == .marker(answerKey: "marker", endsWithNull: false))
        #expect(PagingScheme.forRequest(.groups, method: "GET", path: "/groups/my_groups") == nil)
        #expect(PagingScheme.forRequest(.transfer, method: "POST", path: "/task_list") == nil)
    }
}
