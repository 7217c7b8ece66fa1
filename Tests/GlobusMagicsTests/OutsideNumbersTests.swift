import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

/// Numbers from outside at the ends of Int64: a `--bytes` start, a part read at the end of the
/// range, a size a server gives that no rate will reach. Each is said, none traps.
@Suite struct OutsideNumbersTests {
    @Test func aRangeFromTheLastOffsetEndsThere() throws {
        #expect(try OpenCommand.range("9223372036854775807-") == FileRange(start: .max, end: .max))
        #expect(try OpenCommand.range("9223372036854775000-") == FileRange(start: 9_223_372_036_854_775_000, end: .max))
        #expect(try OpenCommand.range("5-") == FileRange(start: 5, end: 5 + OpenCommand.rangeCap - 1))
        let file = OpenedFile(location: CollectionPath(tutorial1), path: "/~/x.txt", size: nil, contentType: nil)
        let read = FileRead(file: file, bytes: Array("abc".utf8), complete: false, start: .max - 1)
        #expect(read.extent == "x.txt: bytes 9223372036854775806-9223372036854775807 of unknown size read")
    }

    @Test func progressWithAnyTotalIsSaid() {
        #expect(formatSeconds(1e30) == "more than 100 years" && formatSeconds(.infinity) == "more than 100 years")
        #expect(formatSeconds(.nan) == "under 1 s" && formatSeconds(-5) == "under 1 s" && formatSeconds(61) == "1 min 1 s")
        #expect(LiveProgress.line(TransferProgress(bytes: 1, total: .max), elapsed: 1) == "1 B of 9223 PB (0%), 1 B/s, more than 100 years left")
        #expect(LiveProgress.line(TransferProgress(bytes: .max, total: 1), elapsed: 1).contains("(100%)"))
    }
}
