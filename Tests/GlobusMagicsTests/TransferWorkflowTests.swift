import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

let tutorial1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
let tutorial2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
let mappedCollection = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"

/// The everyday Transfer work: list, make, rename, delete, transfer, watch; by id or by name.
@Suite struct TransferWorkflowTests {
    @Test func listsByIdAndByUniqueName() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus ls \(tutorial1):/~/")
            #expect(r == .ok())
            #expect(o.results.last?["text/plain"] == "file1.txt\nfile2.txt\nfile3.txt\ndata/\nlarge/\nsamples/")
            let long = try await nb.run("%globus ls 'Globus Tutorial Collection 1':/~/data --long").1.results.last?["text/plain"]?.string ?? ""
            #expect(long.hasPrefix("Permissions  Type  Size") && long.contains("results.csv") && long.contains("1.8 KB"))
            let ambiguous = try await nb.failure("%globus ls 'tutorial':/~/")
            #expect(ambiguous?.ename == "UsageError" && ambiguous?.evalue.contains("names 2 collections") == true)
            let empty = try await nb.run("%globus ls \(tutorial2)").1.results.last?["text/plain"]?.string
            #expect(empty?.hasPrefix("(empty: /~/ on") == true)
        }
    }

    @Test func mkdirRenameAndRmChangeTheListing() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("""
                %globus login
                %globus mkdir \(tutorial2):/~/results
                %globus rename \(tutorial2):/~/results /~/results-2026
                %globus ls \(tutorial2):/~/
                """)
            #expect(r == .ok(), "\(o.text)")
            #expect(o.results.last?["text/plain"] == "results-2026/")
            let rm = try await nb.run("%globus rm \(tutorial2):/~/results-2026 --recursive --as gone\n%globus task wait @{gone.task_id}")
            #expect(rm.0 == .ok(), "\(rm.1.text)")
            #expect(rm.1.results.last?["text/plain"]?.string?.contains("SUCCEEDED") == true)
            #expect(try await nb.run("%globus ls \(tutorial2)").1.results.last?["text/plain"]?.string?.hasPrefix("(empty") == true)
        }
    }

    @Test func transferWaitAndListTheDestinationInThreeCells() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let submit = try await nb.run("%globus transfer \(tutorial1):/~/data \(tutorial2):/~/data --recursive --label 'notebook copy' --as task")
            #expect(submit.0 == .ok(), "\(submit.1.text)")
            #expect(submit.1.stdout.contains("Kept as task"))
            let wait = try await nb.run("%globus task wait @{task.task_id} --interval 0.2 --as done")
            #expect(wait.0 == .ok(), "\(wait.1.text)")
            #expect(wait.1.results.last?["application/json"] == nil && wait.1.results.last?["text/html"]?.string?.contains("<progress") == true,
                    "shown as its progress bar; the JSON is kept")
            let done = nb.kept("done")
            #expect(done?["status"] == "SUCCEEDED" && done?["files"] == 2 && done?["bytes_transferred"] == 2344)
            // At most one live display (none when the task ended before the first look: how many
            // looks fit in the task's second depends on the machine).
            #expect(wait.1.displays.count <= 1 && Set(wait.1.updates).count <= 1)
            #expect(try await nb.run("%globus ls \(tutorial2):/~/data").1.results.last?["text/plain"] == "results.csv\nreadme.md")
        }
    }

    @Test func batchCellsAndDryRun() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let dry = try await nb.run("%%globus transfer \(tutorial1) \(tutorial2) --dry-run --sync-level checksum\n/~/file1.txt /~/copies/file1.txt\n# a comment\n/~/data /~/copies/data --recursive\n")
            let doc = dry.1.results.last?["application/json"]
            #expect(doc?["DATA"]?.array?.count == 2 && doc?["sync_level"] == 3)
            #expect(doc?["DATA"]?.array?[1]["recursive"] == true && doc?["DATA"]?.array?[0]["recursive"] == false)
            let bad = try await nb.failure("%%globus transfer \(tutorial1) \(tutorial2)\n/~/only-one-path\n")
            #expect(bad?.evalue.contains("line 2: expected SRC_PATH DST_PATH") == true)
        }
    }

    @Test func interruptingAWaitStopsTheWaitingNotTheTask() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        await sim.admin("faults", #"{"fault": "taskpause"}"#)
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login\n%globus transfer \(tutorial1):/~/file1.txt \(tutorial2):/~/file1.txt --as t")
        let out = RecordingOutput()
        let interp = nb.interp
        let taskID = try #require(nb.kept("t")?["task_id"]?.string)
        func polls() async -> Int { await sim.requestedPaths().count { $0.hasSuffix("/task/\(taskID)") } }
        async let outcome = onThread { interp.execute("%globus task wait @{t.task_id} --interval 0.2", context: ExecutionContext(executionCount: 9, allowStdin: false), output: out) }
        try await Task.sleep(nanoseconds: 800_000_000)
        out.interrupted = true
        let pollsAtTheInterrupt = await polls()
        // The task is paused, so only the interrupt can end the wait; and it ends it at once: at
        // most the poll already on its way is made after it.
        #expect(try await outcome == .error(.interrupted))
        #expect(await polls() - pollsAtTheInterrupt <= 1, "the wait went on polling after the interrupt")
        #expect(out.stderr.contains("Stopped waiting") && out.stderr.contains("goes on at Globus"))
        _ = try await nb.run("%globus task show @{t.task_id} --as shown")
        let shown = nb.kept("shown")
        #expect(shown?["status"] == "ACTIVE" && shown?["is_paused"] == true, "the task itself goes on")
    }

    @Test func aWaitShowsOneLiveDisplayAndTimesOutWithTheCommandToWaitAgain() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        await sim.admin("faults", #"{"fault": "taskpause"}"#)
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login\n%globus transfer \(tutorial1):/~/file1.txt \(tutorial2):/~/file1.txt --as t")
        let (r, o) = try await nb.run("%globus task wait @{t.task_id} --timeout 0.5 --interval 0.2")
        guard case .error(let e) = r else { Issue.record("the wait did not time out"); return }
        #expect(e.ename == "TimeoutError" && e.traceback.last?.hasPrefix("  %globus task wait ") == true)
        #expect(o.displays.count == 1 && o.displays[0]["text/plain"]?.string?.contains("ACTIVE (PAUSED_BY_ADMIN)") == true)
        #expect(o.displays[0]["application/json"] == nil, "the live line is HTML and text")
        #expect(Set(o.updates).count <= 1, "every update goes to the one display")
    }

    @Test func failedTasksAndCancelSayWhy() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        let missing = try await nb.run("%globus transfer \(tutorial1):/~/nope.txt \(tutorial2):/~/nope.txt --as t\n%globus task wait @{t.task_id} --interval 0.2").1
        #expect(missing.results.last?["text/plain"]?.string?.contains("FAILED") == true)
        #expect(missing.results.last?["text/plain"]?.string?.contains("No such file or directory: /~/nope.txt") == true)
        await sim.admin("faults", #"{"fault": "taskpause"}"#)
        let cancel = try await nb.run("%globus transfer \(tutorial1):/~/file1.txt \(tutorial2):/~/f.txt --as p\n%globus task cancel @{p.task_id}").1
        #expect(cancel.results.last?["text/plain"]?.string?.hasPrefix("Cancelled task") == true)
        _ = try await nb.run("%globus task show @{p.task_id} --as p2")
        #expect(nb.kept("p2")?["status"] == "FAILED")
    }

    @Test func aMappedCollectionNeedsConsentAndSaysHow() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus transfer \(mappedCollection):/~/notes.txt \(tutorial2):/~/notes.txt")
            #expect(e?.ename == "GlobusAPIError" && e?.evalue.contains("ConsentRequired") == true)
            #expect(e?.traceback.contains { $0.contains("%globus login --scope") && $0.contains("\(mappedCollection)/data_access") } == true)
            // With auto_relogin, the kernel logs in for exactly that consent and submits.
            let (r, o) = try await nb.run("%globus config auto_relogin=true\n%globus transfer \(mappedCollection):/~/notes.txt \(tutorial2):/~/notes.txt")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.signInURL?.contains("data_access") == true && o.results.last?["text/plain"]?.string?.hasPrefix("Submitted transfer task") == true)
        }
    }

    @Test func keptValuesNeverHoldSecretsAndNameWhatIsKept() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login\n%globus collection search tutorial --as found")
            let vars = try await nb.run("%globus vars").1.results.last?["text/plain"]?.string ?? ""
            #expect(vars.contains("@{found}") && vars.contains("endpoint_list"))
            #expect(try await nb.run("%echo @{found.DATA[0].display_name}").1.stdout == "@{found.DATA[0].display_name}\n", "%echo is not a Globus command")
            let name = try await nb.run("%globus collection show @{found.DATA[0].id}").1.results.last?["text/plain"]?.string
            #expect(name?.hasPrefix("Globus Tutorial Collection") == true)
            let unknown = try await nb.failure("%globus task show @{nothing.task_id}")
            #expect(unknown?.evalue.contains("no kept value named 'nothing'; kept: found") == true)
            var kept = KeptValues()
            #expect(throws: MagicError.self) { try kept.keep("tok", ["access_token": "abc"], secrets: SecretMask([])) }
            #expect(throws: MagicError.self) { try kept.keep("2bad", 1, secrets: SecretMask([])) }
        }
    }
}

/// Listings fetched page by page in each service's own way, merged into one result.
@Suite struct PaginationTests {
    /// A notebook signed in as alice, and the id of a finished task of hers that copied `files` files.
    static func signedInWithATask(_ sim: RunningSimulator, files: Int) async throws -> (SimulatedNotebook, String) {
        let seeded = await sim.sim.handle(SimRequest(method: "POST", path: "/admin/tasks",
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

/// Flows: list, run with the flow's own scope (consent asked once), follow a run to its end.
@Suite struct FlowsCommandTests {
    static let flow = "24bc4997-b483-4c25-a19c-64b0afc00743"

    @Test func runAFlowAndFollowItToTheEnd() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login --service flows")
            let list = try await nb.run("%globus flows list").1
            #expect(list.results.last?["text/plain"]?.string?.contains("Move and share") == true)
            let (r, o) = try await nb.run("%globus flows run \(Self.flow) --body '{\"source\": \"/~/data\"}' --label demo --as run")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.prompts.count == 1 && o.signInURL?.contains("flow_24bc4997_b483_4c25_a19c_64b0afc00743_user") == true,
                    "the flow's own scope is consented once")
            let again = try await nb.run("%globus flows run \(Self.flow) --as run2").1
            #expect(again.prompts.isEmpty, "no second consent")
            // Followed from while it runs to its end, whatever the machine's speed: the simulator's
            // clock holds the run at its start until the wait has looked once, then moves past its end.
            let runID = try #require(nb.kept("run")?["run_id"]?.string)
            func looks() async -> Int { await nb.sim.requestedPaths().count { $0.hasSuffix("/runs/\(runID)") } }
            await nb.sim.admin("clock", #"{"offset": -1000}"#)
            let looked = await looks()
            let followed = RecordingOutput(), interp = nb.interp
            async let w = onThread { interp.execute("%globus flows status \(runID) --wait --interval 0.2", context: ExecutionContext(executionCount: 50, allowStdin: false), output: followed) }
            while await looks() == looked { try await Task.sleep(nanoseconds: 50_000_000) }
            await nb.sim.admin("clock", #"{"offset": 1000}"#)
            #expect(try await w == .ok())
            #expect(followed.results.last?["application/json"]?["status"] == "SUCCEEDED")
            #expect(followed.displays.count == 1 && !followed.updated.isEmpty, "a live display, updated to the end")
            await nb.sim.admin("clock", #"{"offset": 0}"#)
            let bad = try await nb.failure("%globus flows run \(Self.flow) --body '[1]'")
            #expect(bad?.evalue.contains("--body must be a JSON object") == true)
        }
    }
}

/// Timers: a transfer that runs now or again; a mapped collection's data_access is asked for
/// through the timer scope, once.
@Suite struct TimerCommandTests {
    @Test func aTimerRunsItsTransferAndCanBeDeleted() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let (r, o) = try await nb.run("%globus timer create transfer \(tutorial1):/~/data \(tutorial2):/~/timed --recursive --name nightly --as t")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.prompts.count == 1, "the timers scope is consented once")
            #expect(o.results.last?["text/plain"]?.string?.hasPrefix("Timer ") == true)
            let task = nb.kept("t")?["timer"]?["last_task_id"]?.string ?? ""
            #expect(!task.isEmpty, "the timer ran its transfer")
            let waited = try await nb.run("%globus task wait \(task) --interval 0.2").1
            #expect(waited.results.last?["text/plain"]?.string?.contains("SUCCEEDED") == true)
            #expect(try await nb.run("%globus ls \(tutorial2):/~/timed").1.results.last?["text/plain"] == "results.csv\nreadme.md")
            let listed = try await nb.run("%globus timer list").1.results.last?["text/plain"]?.string ?? ""
            #expect(listed.contains("nightly"))
            let deleted = try await nb.run("%globus timer delete @{t.timer.job_id}").1.results.last?["text/plain"]?.string
            #expect(deleted?.hasPrefix("Deleted timer") == true)
            #expect(try await nb.run("%globus timer list").1.results.last?["text/plain"]?.string?.hasPrefix("No timers yet") == true)
        }
    }

    @Test func aMappedCollectionsConsentGoesThroughTheTimerScope() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let (r, o) = try await nb.run("%globus timer create transfer \(mappedCollection):/~/notes.txt \(tutorial2):/~/notes.txt --interval 3600 --stop-after-runs 2")
            #expect(r == .ok(), "\(o.text)")
            let url = o.signInURL?.removingPercentEncoding ?? ""
            #expect(url.contains("timer[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/\(mappedCollection)/data_access]]"), "\(url)")
            #expect(o.results.last?["text/plain"]?.string?.contains("Runs: 1, next ") == true)
            let e = try await nb.failure("%globus timer create transfer \(tutorial1):/~/x \(tutorial2):/~/x --stop-after-runs 2")
            #expect(e?.evalue.contains("--stop-after-runs goes with --interval") == true)
        }
    }
}
