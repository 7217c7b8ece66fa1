import Escaping
import GlobusSDK
import JSON
import JupyterKernel
import PropertyBased
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// Ids typed, pasted or kept are checked before they reach a path.
@Suite struct IdsArePathSegmentsTests {
    @Test func aTaskIdThatClimbsIsRefusedBeforeAnythingIsSent() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let before = await nb.sim.requests().count
            for cell in [
                "%globus task show ../../../admin/state", "%globus task cancel ..", "%globus flows status ../flows",
                "%globus timer show ../../admin", "%globus call gcs ../admin GET /x"
            ] {
                let e = try await nb.failure(cell)
                #expect(e?.ename == "UsageError" && e?.evalue.contains("Globus ids are UUIDs") == true, "\(cell): \(String(describing: e))")
            }
            #expect(await nb.sim.requests().count == before)
        }
    }
}
