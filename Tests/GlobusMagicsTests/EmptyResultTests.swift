import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// A listing with no rows says so, whatever the format.
@Suite struct EmptyResultTests {
    @Test func everyFormatSaysTheListingIsEmpty() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let search = "%globus call transfer GET /endpoint_search -Q filter_fulltext=nothing-is-called-this"
            for format in ["auto", "json", "text", "raw"] {
                let (r, o) = try await nb.run("\(search) --format \(format)")
                #expect(r == .ok() && o.stdout.contains("No rows: DATA is empty.\n"), "\(format): \(o.text)")
                #expect(o.results.last?["text/plain"]?.string?.contains("\"DATA\"") == true, "\(format) still shows the answer")
            }
            let table = try await nb.run("\(search) --format table").1
            #expect(table.results.last?["text/plain"] == "No rows: DATA is empty." && !table.stdout.contains("No rows"))
            // A listing with rows says nothing of the kind.
            #expect(try await !nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial").1.stdout.contains("No rows"))
        }
    }
}
