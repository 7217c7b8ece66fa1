import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

@Suite struct HelpDemoAndVersionTests {
    @Test func helpIsMadeFromTheDeclarations() async throws {
        try await withNotebook { nb in
            let help = try await nb.run("%globus help call").1.results.last?["text/plain"]?.string ?? ""
            #expect(help.hasPrefix("Examples:\n  %globus call transfer GET /endpoint_search") && help.contains("\nUsage: %globus call SERVICE METHOD PATH"))
            for option in CallCommand.declaration.arguments.options { #expect(help.contains(option.names[0])) }
            #expect(help.contains("  %globus call transfer GET /task_list --paginate --limit 5000 --format table"))
            let overview = try await nb.run("%globus").1.results.last?["text/plain"]?.string ?? ""
            for name in GlobusSubcommands.names { #expect(overview.contains("  \(name)")) }
            let v12 = try await nb.failure("%globus help nope")
            #expect(v12?.ename == "UsageError")
        }
    }

    @Test func completionComesFromTheSameDeclarations() {
        let interp = GlobusInterpreter(settings: .test([:]))
        func completions(_ code: String) -> [String] { interp.complete(code, cursor: code.unicodeScalars.count).matches }
        #expect(completions("%globus lo") == ["login", "logout"])
        #expect(completions("%globus call transfer GET /task_list -F ") == OutputFormat.allCases.map(\.rawValue))
        #expect(completions("%globus login --service tr") == ["transfer"])
        #expect(completions("%globus config st") == ["storage"])
        #expect(completions("%globus demo o") == ["on", "off"])
        #expect(completions("%globus call -").contains("--jmespath"))
    }

    @Test func aSecondDemoIsANewSimulatorWithItsOwnPerson() async throws {
        // Off and on again: the settings follow the new simulator (never the stopped one's address).
        try await withNotebook { nb in
            for person in ["alice@uchicago.edu", "bob@globusid.org", "student07"] {
                let run = try await nb.run("%globus demo on --as \(person)\n%globus login\n%globus whoami\n%globus demo off")
                #expect(run.1.text.contains("Logged in as " + (person.contains("@") ? person : person + "@classroom.example.edu")), "\(run)")
            }
        }
    }

    @Test func demoStatusAndVersionNeedNoSettings() async throws {
        // A broken setting does not stop the commands that do not use it.
        try await withNotebook(["GLOBUS_SDK_ENVIRONMENT": "mars"]) { nb in
            let v13 = try await nb.run("%globus demo status")
            #expect(v13.1.results.last?["text/plain"] == "Demo mode is off.")
            let v14 = try await nb.run("%globus version")
            #expect(v14.1.results.last?["text/plain"]?.string?.hasPrefix("globus-kernel ") == true)
            let v15 = try await nb.failure("%globus demo sideways")
            #expect(v15?.ename == "UsageError")
            let v16 = try await nb.failure("%globus demo off --as bob")
            #expect(v16?.ename == "UsageError")
            let v17 = try await nb.failure("%globus whoami")
            #expect(v17?.ename == "ConfigurationError")
        }
    }

    @Test func twoNotebooksWithDifferentSettingsRunAtOnce() async throws {
        // Settings are values: two interpreters in one process, one per simulator, side by side.
        let a = try await RunningSimulator(), b = try await RunningSimulator()
        defer { a.stop(); b.stop() }
        let na = SimulatedNotebook(a), nb = SimulatedNotebook(b)
        async let ra = na.run("%globus login\n%globus whoami", as: "alice@uchicago.edu")
        async let rb = nb.run("%globus login\n%globus whoami", as: "bob@globusid.org")
        let (oa, ob) = try await (ra.1, rb.1)
        #expect(oa.results.last?["text/plain"]?.string?.hasPrefix("alice@uchicago.edu") == true)
        #expect(ob.results.last?["text/plain"]?.string?.hasPrefix("bob@globusid.org") == true)
    }
}
