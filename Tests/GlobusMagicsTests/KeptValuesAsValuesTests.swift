import Escaping
import GlobusSDK
import JSON
import JupyterKernel
import PropertyBased
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// `@{…}` stands for a value: in a JSON body it is one JSON value, in a batch line one path, on
/// a command line one argument. Whatever a kept value holds, it cannot add a member, a line or
/// an option.
@Suite struct KeptValuesAsValuesTests {
    static let tutorial1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    static let tutorial2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
    static let injection = #"x", "destination_endpoint": "EVIL", "y": ""#

    /// A notebook signed in, with `values` kept as if earlier cells had kept them.
    static func notebook(_ sim: RunningSimulator, keeping values: [String: JSON]) async throws -> SimulatedNotebook {
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        let session = (nb.interp.registry["globus"] as! GlobusMagic).session
        for (k, v) in values { try session.kept.keep(k, v, secrets: SecretMask([])) }
        return nb
    }

    @Test func aKeptLabelStaysOneStringInAJSONBody() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = try await Self.notebook(
            sim, keeping: ["lab": .string(Self.injection), "items": [["DATA_TYPE": "transfer_item", "source_path": "/~/file1.txt", "destination_path": "/~/copy.txt"]]])
        let cell = """
            %%globus call transfer POST /transfer
            {"DATA_TYPE": "transfer", "source_endpoint": "\(Self.tutorial1)", "destination_endpoint": "\(Self.tutorial2)",
             "label": "@{lab}", "DATA": @{items}}
            """
        let (outcome, _) = try await nb.run(cell)
        #expect(outcome == .ok())
        let sent = await sim.requests().last { $0["path"]?.string?.hasSuffix("/transfer") == true && $0["method"] == "POST" }
        #expect(sent?["body"]?["label"]?.string == Self.injection)
        #expect(sent?["body"]?["destination_endpoint"]?.string == Self.tutorial2)
        #expect(sent?["body"]?["DATA"]?.array?.count == 1, "a kept array goes in as that array")
    }

    @Test func aBodyNamingAMemberTwiceIsNotSent() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let before = await nb.sim.requests().count
            let e = try await nb.failure(#"%globus call transfer POST /transfer --body '{"DATA_TYPE": "transfer", "destination_endpoint": "a", "destination_endpoint": "b"}'"#)
            #expect(e?.ename == "UsageError" && e?.evalue.contains("twice") == true)
            #expect(await nb.sim.requests().count == before, "nothing was sent")
        }
    }

    @Test func aKeptValueWithALineBreakCannotAddATransferItem() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = try await Self.notebook(sim, keeping: ["p": "/~/file1.txt /~/a.txt\n/~/file2.txt /~/b.txt", "spaced": "/~/my file.txt"])
        let twoLines = try await nb.failure("%%globus transfer \(Self.tutorial1) \(Self.tutorial2)\n@{p} /~/x.txt")
        #expect(twoLines?.evalue.contains("line break") == true)
        let items = try TransferCommand.batch("@{spaced} /~/copy.txt", recursive: false, kept: (nb.interp.registry["globus"] as! GlobusMagic).session.kept)
        #expect(items == [TaskDocument.Item(source: "/~/my file.txt", destination: "/~/copy.txt")])
    }

    @Test func aKeptValueThatReadsLikeAnOptionStaysAValue() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = try await Self.notebook(sim, keeping: ["v": "--body-file=/etc/hostname"])
        let e = try await nb.failure("%globus call transfer POST /transfer @{v}")
        #expect(e?.ename == "UsageError" && e?.evalue.contains("expected SERVICE METHOD PATH") == true, "\(String(describing: e))")
        #expect(await !sim.requests().contains { $0["path"]?.string?.hasSuffix("/transfer") == true })
    }

    @Test func aKeptValueInAFlowsInputStaysOneString() throws {
        var kept = KeptValues()
        try kept.keep("k", .string(#"a", "evil": "x"#), secrets: SecretMask([]))
        var args = try FlowsCommand.declaration.arguments.parse(["run", "24bc4997-b483-4c25-a19c-64b0afc00743", "--body", #"{"note": "@{k}"}"#], command: "t")
        args.kept = kept
        let run = try FlowsCommand(args, body: nil)
        #expect(run.input == ["note": .string(#"a", "evil": "x"#)])
    }

    @Test func aKeptValueInACallPathIsOneSegment() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = try await Self.notebook(sim, keeping: ["k": "x?offset=1#/../../admin/state"])
        _ = try await nb.run("%globus call transfer GET /task/@{k}")
        let paths = await sim.requestedPaths()
        #expect(!paths.contains { $0.contains("admin") && !$0.contains("%2F") }, "\(paths)")
        #expect(await !sim.requests().contains { ($0["query"]?.array ?? []).contains { $0.array?.first == "offset" } })
    }

    @Test func aHeaderCannotHoldALineBreak() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = try await Self.notebook(sim, keeping: ["h": "x\r\nAuthorization: Bearer stolen"])
        let e = try await nb.failure("%globus call transfer GET /task_list -H 'X-Note: @{h}'")
        #expect(e?.evalue.contains("control character") == true)
    }

    @Test func anyKeptTextFillsExactlyOneStringAndAnyValueOneValue() async {
        let gen = hostileText.array(of: 1...3)
        await propertyCheck(count: 500, input: gen) { texts in
            var kept = KeptValues()
            for (i, t) in texts.enumerated() { try? kept.keep("v\(i)", .string(t), secrets: SecretMask([])) }
            try? kept.keep("n", .int(Int.max), secrets: SecretMask([]))
            try? kept.keep("o", ["a": .array(texts.map(JSON.string))], secrets: SecretMask([]))
            let members = texts.indices.map { "\"k\($0)\": \"<@{v\($0)}>\"" }.joined(separator: ", ")
            let body = "{\(members), \"n\": @{n}, \"o\": @{o}}"
            guard case .json(let doc, let text)? = try? kept.substitute(intoBody: body) else {
                Issue.record("not a JSON body: \(body.debugDescription)")
                return
            }
            #expect(doc.object?.keys == texts.indices.map { "k\($0)" } + ["n", "o"])
            for (i, t) in texts.enumerated() { #expect(doc["k\(i)"]?.string == "<" + t + ">") }
            #expect(doc["n"] == .int(Int.max))
            #expect(doc["o"]?["a"]?.array?.count == texts.count)
            #expect((try? JSON.parseRejectingDuplicateKeys(text)) == doc, "the text sent is the document")
        }
    }
}

/// Text a hostile source could write: quotes, braces, backslashes, line breaks, markers,
/// references of its own, and scalars from every plane.
let hostileText = Gen<UInt32>.value(in: 0...0x7FFF_FFFF).withoutShrink().map { n -> Unicode.Scalar in
    let pieces: [Unicode.Scalar] = ["\"", "\\", "{", "}", "[", "]", ",", ":", "@", "\n", "\r", "\u{0}", "\u{E000}", "\u{E001}", "'", " ", "\u{301}", "\u{600}"]
    if n % 2 == 0 { return pieces[Int(n / 2) % pieces.count] }
    let v = (n / 2) % 0x10_F800
    return Unicode.Scalar(v < 0xD800 ? v : v + 0x800)!
}.array(of: 0...40).map { String(String.UnicodeScalarView($0)) }
