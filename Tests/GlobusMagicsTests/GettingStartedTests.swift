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
            for (line, _) in HelpPages.firstSteps {
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
