import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

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
            #expect(
                o.prompts.count == 1 && o.signInURL?.contains("flow_24bc4997_b483_4c25_a19c_64b0afc00743_user") == true,
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
            async let w = onThread {
                interp.execute("%globus flows status \(runID) --wait --interval 0.2", context: ExecutionContext(executionCount: 50, allowStdin: false), output: followed)
            }
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
