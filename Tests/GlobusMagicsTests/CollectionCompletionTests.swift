import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// Tab completes collection names and folder entries the session has seen (never calling Globus).
@Suite struct CollectionCompletionTests {
    @Test func namesAfterASearchAndEntriesAfterAListing() async throws {
        try await withNotebook { nb in
            func complete(_ code: String) -> [String] {
                let c = nb.interp.complete(code, cursor: code.unicodeScalars.count)
                #expect(c.end - c.start <= code.unicodeScalars.count)
                return c.matches
            }
            #expect(complete("%globus ls Glo").isEmpty, "nothing seen yet")
            _ = try await nb.run("%globus collection search tutorial")
            #expect(complete("%globus ls Glo") == ["'Globus Tutorial Collection 1':", "'Globus Tutorial Collection 2':"])
            #expect(complete("%globus ls 'globus tutorial collection 2") == ["'Globus Tutorial Collection 2':"])
            #expect(complete("%globus ls 6c54") == ["6c54cade-bde5-45c1-bdea-f4bd71dba2cc:"])
            // The second argument of a transfer, after a quoted first one with spaces.
            #expect(complete("%globus transfer 'Globus Tutorial Collection 1':/~/file1.txt 'Globus Tutorial Collection 2") == ["'Globus Tutorial Collection 2':"])
            // Entries come from folders listed before.
            #expect(complete("%globus ls 'Globus Tutorial Collection 1':/~/f").isEmpty)
            _ = try await nb.run("%globus ls 'Globus Tutorial Collection 1':/~/")
            let files = complete("%globus ls 'Globus Tutorial Collection 1':/~/f")
            #expect(files.contains("'Globus Tutorial Collection 1':/~/file1.txt") && files.allSatisfy { $0.hasPrefix("'Globus Tutorial Collection 1':/~/f") }, "\(files)")
            let dirs = complete("%globus transfer 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/")
            #expect(dirs.contains("6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/data/"), "\(dirs)")
            // The replaced text is the whole word, quote included.
            let c = nb.interp.complete("%globus ls 'Globus Tut", cursor: 22)
            #expect(c.start == 11 && c.matches.first == "'Globus Tutorial Collection 1':")
            // Other words still complete as before.
            #expect(complete("%globus ls --lo") == ["--long"])
        }
    }
}
