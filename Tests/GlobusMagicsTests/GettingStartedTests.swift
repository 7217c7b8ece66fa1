import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// What a newcomer reads first: `%globus` alone, `%help`, and each subcommand's help.
@Suite struct GettingStartedTests {
    /// The text of what a cell shows (its result or its display).
    static func shown(_ nb: SimulatedNotebook, _ line: String) async throws -> String {
        let o = try await nb.run(line).1
        return (o.results + o.displays).last?["text/plain"]?.string ?? ""
    }

    @Test func globusAloneStartsWithStepsThatWorkAsShown() async throws {
        try await withNotebook { nb in
            let guide = try await Self.shown(nb, "%globus")
            #expect(guide.hasPrefix("Start here (one cell each):\n  %globus login"), "\(guide)")
            #expect(guide.contains("%globus demo on") && guide.contains("Subcommands:"))
            let help = try await Self.shown(nb, "%help")
            #expect(help.hasPrefix("Start here (one cell each):"))
            // Every first step runs, as printed, one cell after another.
            for (line, _) in GlobusMagic.firstSteps {
                let (r, o) = try await nb.run(line)
                #expect(r == .ok(), "\(line): \(o.text)")
            }
        }
    }

    @Test func everySubcommandsHelpStartsWithTwoOrThreeExamples() async throws {
        try await withNotebook { nb in
            for sub in GlobusSubcommands.all {
                let name = sub.declaration.name
                #expect((2...3).contains(sub.declaration.examples.count), "\(name) has \(sub.declaration.examples.count) examples")
                let text = try await Self.shown(nb, "%globus help \(name)")
                #expect(text.hasPrefix("Examples:\n  %globus"), "\(name): \(text)")
            }
        }
    }
}

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
