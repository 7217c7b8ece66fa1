import Testing
@testable import GlobusMagics

#if canImport(Glibc)
import Glibc
#endif

/// Cells are parsed in linear time: quote state is carried from line to line.
@Suite struct QuoteScannerTests {
    @Test func agreesWithTheShellSplitterOnRandomLines() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [String] = ["'", "\"", "\\", "$", "{", "}", "a", " ", "\n", "${x}", "\\\"", "$A"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            var q = QuoteScanner()
            // Fed in pieces, as the cell parser feeds it line by line.
            let cut = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &rng))
            q.scan(text[..<cut])
            q.scan(text[cut...])
            #expect(q.needsMore == ShellWords.needsMore(text), "\(text.debugDescription)")
        }
    }

    @Test func aMegabyteCellWithAnOpenQuoteParsesInWellUnderASecond() {
        let cell = "%echo \"" + String(repeating: "a line of text inside an unterminated quote\n", count: 24_000)
        #expect(cell.utf8.count > 1_000_000)
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let commands = CellParser.commands(cell)
        clock_gettime(CLOCK_MONOTONIC, &t1)
        let seconds = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        #expect(commands.count == 1)
        #expect(seconds < 0.5, "1 MB cell took \(seconds) s")
    }
}
