import Testing
@testable import GlobusMagics

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

    /// Linear by count, not by clock: each character of a megabyte cell inside an unterminated
    /// quote is scanned once (rescanning the lines so far at each new one, as the parser once
    /// did, is 12,000 times as many).
    @Test func aMegabyteCellWithAnOpenQuoteIsScannedOnce() {
        let cell = "%echo \"" + String(repeating: "a line of text inside an unterminated quote\n", count: 24_000)
        #expect(cell.utf8.count > 1_000_000)
        let (commands, scanned) = CellParser.parse(cell)
        #expect(commands.count == 1)
        // Every character once, and the newline the parser adds after the last (empty) line of
        // a command whose quote is still open.
        #expect(scanned == cell.unicodeScalars.count + 1, "\(scanned) characters scanned for a cell of \(cell.unicodeScalars.count)")
    }
}
