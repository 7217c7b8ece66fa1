import JSON
import JupyterKernel
import PropertyBased
import Testing
@testable import GlobusMagics

/// Positionals are declared, typed, like options: the words are counted and converted when the
/// line is parsed, with one message per kind of mistake; usage and completion come from the
/// same declarations.
@Suite struct PositionalTests {
    static let uuid = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    /// Words of every kind the shapes below take or refuse.
    static let pool = ["list", "show", "wait", uuid, "x", "0", "7", "10", "11", "2.5", "-1", "'a b'", "C:/~/f", "@{k}", "transfer"]

    /// `get`'s shape: one collection path, an optional local name.
    static let remote = Positional<CollectionPath>("COLLECTION:PATH")
    static let local = Positional<String>("LOCAL").optional()
    /// A shape with verbs: `list`, or `show TASK` / `wait TASK` with a task id.
    static let task = Positional<GlobusID>("TASK", idOf: "task").forVerbs("show", "wait")
    /// A number in a range, then free text taking the rest.
    static let count = Positional<Int>("N", in: 1...10)
    static let text = Positional<String>("TEXT").repeated()

    static func spec(_ keys: [any PositionalKey], verbs: [String] = []) -> ArgumentSpec {
        var spec = ArgumentSpec(options: [], operands: keys.map(\.operand))
        spec.verbs = verbs
        return spec
    }

    /// The outcome of `words`, as a user sees it: the message of a refused line, or nil.
    static func problem(_ spec: ArgumentSpec, _ words: [String]) -> String? {
        do {
            _ = try spec.parse(words, command: "t")
            return nil
        } catch { return error.executionError.evalue }
    }

    @Test func randomWordListsAreCountedAndConvertedWithOneMessagePerMistake() async {
        let words = Gen.int(in: 0...(Self.pool.count - 1)).map { Self.pool[$0] }.array(of: 0...4)
        await propertyCheck(count: 3000, input: words) { w in
            // get-like: one or two words; the first is any collection path.
            let get = Self.spec([Self.remote, Self.local])
            let expectedGet: String? = w.isEmpty ? "t: missing COLLECTION:PATH" : w.count > 2 ? "t: unexpected argument '\(w[2])'" : nil
            #expect(Self.problem(get, w) == expectedGet, "\(w)")
            if expectedGet == nil {
                let a = try? get.parse(w, command: "t")
                #expect(a?[Self.remote] == CollectionPath(w[0]) && a?[Self.local] == (w.count == 2 ? w[1] : nil))
            }

            // Verbs: the first word is one; show and wait need a task id, list takes nothing.
            let tasks = Self.spec([Self.task], verbs: ["list", "show", "wait"])
            let verbs = "list, show TASK or wait TASK"
            let expectedTask: String?
            if w.isEmpty {
                expectedTask = "t: expected \(verbs)"
            } else if !["list", "show", "wait"].contains(w[0]) {
                expectedTask = "t: unknown verb '\(w[0])'; expected \(verbs)"
            } else if w[0] == "list" {
                expectedTask = w.count > 1 ? "t: unexpected argument '\(w[1])' after list" : nil
            } else if w.count < 2 {
                expectedTask = "t: missing TASK after \(w[0])"
            } else if w[1] != Self.uuid {
                expectedTask = "t: '\(w[1])' is not a task id: Globus ids are UUIDs, like 6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
            } else {
                expectedTask = w.count > 2 ? "t: unexpected argument '\(w[2])' after \(w[0])" : nil
            }
            #expect(Self.problem(tasks, w) == expectedTask, "\(w)")
            if expectedTask == nil, let a = try? tasks.parse(w, command: "t"), a.verb != "list" {
                #expect(a[Self.task].text == Self.uuid)
            }

            // A number from 1 to 10, then one or more words of text.
            let counted = Self.spec([Self.count, Self.text])
            let expectedCount: String?
            if w.isEmpty {
                expectedCount = "t: missing N TEXT…"
            } else if !(Int(w[0]).map { (1...10).contains($0) } ?? false) {
                expectedCount = "t: expected N, a whole number from 1 to 10 (got '\(w[0])')"
            } else {
                expectedCount = w.count < 2 ? "t: missing TEXT…" : nil
            }
            #expect(Self.problem(counted, w) == expectedCount, "\(w)")
            if expectedCount == nil, let a = try? counted.parse(w, command: "t") {
                #expect(a[Self.count] == Int(w[0]) && a.text(Self.text) == w.dropFirst().joined(separator: " "))
            }
        }
    }

    @Test func aKeptValueIsCheckedAsThePositionalItFills() throws {
        let tasks = Self.spec([Self.task], verbs: ["list", "show", "wait"])
        let fill = { (word: String, _: ArgumentSlot) throws(MagicError) -> String in word == "@{k}" ? "--limit=3" : word }
        // Filled in after parsing: never an option, and refused as what it is not.
        do {
            _ = try tasks.parse(["show", "@{k}"], command: "t", value: fill)
            Issue.record("a kept value that is no task id was taken")
        } catch {
            #expect(error.executionError.evalue == "t: '--limit=3' is not a task id: Globus ids are UUIDs, like 6c54cade-bde5-45c1-bdea-f4bd71dba2cc")
        }
        let a = try tasks.parse(["wait", "@{k}"], command: "t") { w, _ throws(MagicError) in w == "@{k}" ? Self.uuid : w }
        #expect(a.verb == "wait" && a[Self.task] == GlobusID(argument: Self.uuid))
    }

    /// What a person sees for each kind of mistake, in a cell (nothing is sent: the words are
    /// checked when the line is parsed).
    @Test func mistakesInACellAreNamedOneWayPerKind() {
        let interp = GlobusInterpreter(settings: .test(["HOME": "/nonexistent-home"]))
        func shown(_ cell: String) -> String? {
            guard case .error(let e) = interp.execute(cell, context: ExecutionContext(executionCount: 1, allowStdin: false), output: RecordingOutput()) else { return nil }
            return e.ename == "UsageError" ? e.evalue : "\(e.ename): \(e.evalue)"
        }
        #expect(shown("%globus ls") == "globus ls: missing COLLECTION[:PATH]")
        #expect(shown("%globus ls a b") == "globus ls: unexpected argument 'b'")
        #expect(shown("%globus transfer") == "globus transfer: missing SOURCE:PATH DEST:PATH")
        // A cell's first line has its own positionals: the collections, the paths in the cell.
        #expect(shown("%%globus transfer A\n/~/a /~/b") == "globus transfer: missing DEST")
        #expect(shown("%%globus transfer A B C\n/~/a /~/b") == "globus transfer: unexpected argument 'C'")
        #expect(shown("%globus put a") == "globus put: missing COLLECTION:PATH")
        #expect(shown("%globus task") == "globus task: expected list, show TASK, wait TASK or cancel TASK")
        #expect(shown("%globus task wait") == "globus task: missing TASK after wait")
        #expect(shown("%globus task list x") == "globus task: unexpected argument 'x' after list")
        #expect(shown("%globus flows status nope") == "globus flows: 'nope' is not a run id: Globus ids are UUIDs, like 6c54cade-bde5-45c1-bdea-f4bd71dba2cc")
        #expect(shown("%globus timer create") == "globus timer: missing transfer SRC:PATH DST:PATH after create")
        #expect(shown("%globus timer create nope A:/a B:/b") == "globus timer: expected transfer (got 'nope')")
        #expect(shown("%globus collection search") == "globus collection: missing TEXT… after search")
        #expect(shown("%sleep 90000") == "sleep: expected SECONDS, a number from 0 to 86400 (got '90000')")
        #expect(shown("%echo") == nil)
        #expect(shown("%globus version now") == "globus version: unexpected argument 'now'")
        // A command whose verb may be left out (demo is demo status).
        #expect(shown("%globus demo sideways") == "globus demo: unknown verb 'sideways'; expected on, off or status")
        #expect(shown("%globus demo off x") == "globus demo: unexpected argument 'x' after off")
        #expect(shown("%globus demo --as bob") == "globus demo: --as goes with on")
    }

    @Test func usageLinesAreMadeFromThePositionals() {
        #expect(LsCommand.usageLine == "%globus ls COLLECTION[:PATH] [-l] [-a] [--as NAME]")
        #expect(GetCommand.usageLine == "%globus get COLLECTION:PATH [LOCAL] [--overwrite] [--as NAME]")
        #expect(PutCommand.usageLine == "%globus put LOCAL COLLECTION:PATH [--overwrite] [--as NAME]")
        #expect(RmCommand.usageLine == "%globus rm COLLECTION:PATH… [--recursive] [--label TEXT] [--as NAME]")
        #expect(RenameCommand.usageLine == "%globus rename COLLECTION:OLD_PATH NEW_PATH")
        #expect(CollectionCommand.usageLine == "%globus collection search TEXT… [--limit N] | show COLLECTION… [--as NAME]")
        #expect(ConsentCommand.usageLine == "%globus consent SCOPE…")
        #expect(SessionCommand.usageLine == "%globus session show [--as NAME]")
        #expect(SleepMagic().usage == "%sleep SECONDS [--progress]")
        #expect(HelpMagic().usage == "%help [COMMAND]")
        #expect(Self.spec([Self.count, Self.text]).synopsis(after: nil) == "N TEXT…")
        #expect(Self.spec([Positional<String>("TEXT").anyNumber()]).synopsis(after: nil) == "[TEXT…]")
    }

    @Test func aCollectionPathPositionalCompletesFromWhatTheSessionHasSeen() throws {
        let interp = GlobusInterpreter(settings: .test(["HOME": "/nonexistent-home"]))
        let globus = try #require(interp.registry["globus"] as? GlobusMagic)
        globus.session.seen.saw(name: "Globus Tutorial Collection 1", id: Self.uuid)
        func complete(_ code: String) -> [String] { interp.complete(code, cursor: code.unicodeScalars.count).matches }
        let offered = ["'Globus Tutorial Collection 1':"]
        // Each declared collection path, wherever it stands; nothing where none is declared.
        #expect(complete("%globus ls Glo") == offered)
        #expect(complete("%globus rm X:/a Y:/b Glo") == offered)
        #expect(complete("%globus put data.csv Glo") == offered)
        #expect(complete("%globus put Glo").isEmpty)
        #expect(complete("%globus get X:/a Glo").isEmpty)
        #expect(complete("%globus timer create transfer Glo") == offered)
        #expect(complete("%globus timer create transfer X:/a Glo") == offered)
        #expect(complete("%globus timer show Glo").isEmpty)
        #expect(complete("%globus ls 6c5") == [Self.uuid + ":"])
        // Verbs and a fixed word complete from the declaration.
        #expect(complete("%globus task w") == ["wait"])
        #expect(complete("%globus timer ") == ["create", "list", "show", "delete"])
        #expect(complete("%globus timer create tr") == ["transfer"])
        #expect(complete("%globus collection s") == ["search", "show"])
        #expect(complete("%globus demo o") == ["on", "off"])
    }
}
