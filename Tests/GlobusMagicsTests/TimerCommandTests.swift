import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

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
