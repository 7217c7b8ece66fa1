import JSON
import JupyterKernel
import PropertyBased
import Testing
@testable import GlobusMagics
import GlobusSDK

@Suite struct ArgumentTests {
    static let query = Option<String>("-Q", "--query-param", value: "K=V", help: "")
    static let format = Option<OutputFormat>("--format", "-F", value: "FORMAT", help: "")
    static let location = Flag("-L", "--location", help: "")
    let spec = ArgumentSpec([query, format, location])

    @Test func aliasesAreReadBackThroughTheDeclaredKey() throws {
        let a = try spec.parse(["--query-param", "a=1", "-Q", "b=2", "-F", "table", "--location", "x"], command: "t")
        #expect(a.all(Self.query) == ["a=1", "b=2"])
        #expect(a[Self.format] == .table)
        #expect(a[Self.location])
        #expect(a.positionals == ["x"])
        // Whichever spelling was typed, the key declared with it finds it (the old `-L` bug).
        #expect(try spec.parse(["-L"], command: "t")[Self.location])
        #expect(try spec.parse(["--format=json"], command: "t")[Self.format] == .json)
        #expect(try spec.parse([], command: "t")[Self.format] == nil)
    }

    @Test func badValuesAreRefusedWithTheChoices() {
        #expect(throws: MagicError.self) { try spec.parse(["--format", "xml"], command: "t") }
        #expect(throws: MagicError.self) { try spec.parse(["-Q"], command: "t") }
        #expect(throws: MagicError.self) { try spec.parse(["--location=1"], command: "t") }
        #expect(spec.option(named: "-F")?.choices == OutputFormat.allCases.map(\.rawValue))
    }

    static let limit = Option<Int>("--limit", value: "N", help: "", in: 1...1000)
    static let interval = Option<Double>("--interval", value: "SECONDS", help: "", in: 0.2...600)

    /// A typed option takes exactly the words its type reads within its range, and refuses any
    /// other with a message naming the option, the range and the word (never a trap, never a
    /// silently truncated value: `--limit 2.5` was 2 before).
    @Test func numbersAreTakenExactlyWhenInRange() async {
        let spec = ArgumentSpec([Self.limit, Self.interval])
        let specials = ["2.5", "1e3", "0x10", "nan", "inf", "-0", "", " 5", "9223372036854775808", "+7", "1_000", "٣", "0.2", "600", "1000", "1"]
        let word = Gen<UInt64>.value(in: 0...UInt64.max).withoutShrink().map { n -> String in
            switch n % 4 {
            case 0: String(Int(n / 4 % 1011) - 5)
            case 1: String(Int(truncatingIfNeeded: n))
            case 2: String(Double(n / 4 % 701_000) / 1000 - 1)
            default: specials[Int(n / 4 % UInt64(specials.count))]
            }
        }
        await propertyCheck(count: 2000, input: word, word) { l, i in
            let limitOK = Int(l).map { (1...1000).contains($0) } ?? false
            let intervalOK = Double(i).map { $0.isFinite && (0.2...600).contains($0) } ?? false
            do {
                let a = try spec.parse(["--limit", l, "--interval=" + i], command: "globus task")
                #expect(limitOK && intervalOK, "took \(l) and \(i)")
                #expect(a[Self.limit] == Int(l) && a[Self.interval] == Double(i))
            } catch {
                #expect(!(limitOK && intervalOK))
                let text = (error as? MagicError)?.executionError.evalue ?? "\(error)"
                if !limitOK {
                    #expect(text == "globus task: --limit takes a whole number from 1 to 1000 (got '\(l)')", "\(text)")
                } else {
                    #expect(text == "globus task: --interval takes a number from 0.2 to 600 (got '\(i)')", "\(text)")
                }
            }
        }
    }

    @Test func aTypedOptionInACellSaysWhatItTakes() {
        let interp = GlobusInterpreter(settings: .test(["HOME": "/nonexistent-home"]))
        let out = RecordingOutput()
        guard case .error(let e) = interp.execute("%globus task list --limit 2.5", context: ExecutionContext(executionCount: 1, allowStdin: false), output: out) else {
            Issue.record("expected an error")
            return
        }
        #expect(e.ename == "UsageError" && e.evalue == "globus task: --limit takes a whole number from 1 to 1000 (got '2.5')", "\(e)")
    }
}
