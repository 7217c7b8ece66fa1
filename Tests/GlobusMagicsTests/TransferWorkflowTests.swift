import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

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
            let (r, o) = try await nb.run(
                """
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
            #expect(
                wait.1.results.last?["application/json"] == nil && wait.1.results.last?["text/html"]?.string?.contains("<progress") == true,
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
            let dry = try await nb.run(
                "%%globus transfer \(tutorial1) \(tutorial2) --dry-run --sync-level checksum\n/~/file1.txt /~/copies/file1.txt\n# a comment\n/~/data /~/copies/data --recursive\n")
            let doc = dry.1.results.last?["application/json"]
            #expect(doc?["DATA"]?.array?.count == 2 && doc?["sync_level"] == 3)
            #expect(doc?["DATA"]?.array?[1]["recursive"] == true && doc?["DATA"]?.array?[0]["recursive"] == false)
            let bad = try await nb.failure("%%globus transfer \(tutorial1) \(tutorial2)\n/~/only-one-path\n")
            #expect(bad?.evalue.contains("line 2: expected SRC_PATH DST_PATH") == true)
        }
    }

    /// Alice's notebook with a transfer kept as `t` whose task the simulator holds paused: only
    /// an interrupt or a timeout ends a wait on it.
    func withAPausedTransfer(_ body: (RunningSimulator, SimulatedNotebook) async throws -> Void) async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        await sim.admin("faults", #"{"fault": "taskpause"}"#)
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login\n%globus transfer \(tutorial1):/~/file1.txt \(tutorial2):/~/file1.txt --as t")
        try await body(sim, nb)
    }

    @Test func interruptingAWaitStopsTheWaitingNotTheTask() async throws {
        try await withAPausedTransfer { sim, nb in
            let out = RecordingOutput()
            let interp = nb.interp
            let taskID = try #require(nb.kept("t")?["task_id"]?.string)
            func polls() async -> Int { await sim.requestedPaths().count { $0.hasSuffix("/task/\(taskID)") } }
            async let outcome = onThread {
                interp.execute("%globus task wait @{t.task_id} --interval 0.2", context: ExecutionContext(executionCount: 9, allowStdin: false), output: out)
            }
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
    }

    @Test func aWaitShowsOneLiveDisplayAndTimesOutWithTheCommandToWaitAgain() async throws {
        try await withAPausedTransfer { _, nb in
            let (r, o) = try await nb.run("%globus task wait @{t.task_id} --timeout 0.5 --interval 0.2")
            guard case .error(let e) = r else { Issue.record("the wait did not time out"); return }
            #expect(e.ename == "TimeoutError" && e.traceback.last?.hasPrefix("  %globus task wait ") == true)
            #expect(o.displays.count == 1 && o.displays[0]["text/plain"]?.string?.contains("ACTIVE (PAUSED_BY_ADMIN)") == true)
            #expect(o.displays[0]["application/json"] == nil, "the live line is HTML and text")
            #expect(Set(o.updates).count <= 1, "every update goes to the one display")
        }
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
