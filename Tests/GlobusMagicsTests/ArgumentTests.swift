import JSON
import JupyterKernel
import Testing
@testable import GlobusMagics
import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

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
}
