import PropertyBased
import Support
import Testing

@Suite struct ByteScanTests {
    /// Random bytes, mostly around the values the word tests look for (just below and at each
    /// threshold, 0x7F, 0x80, 0xFF, zero), at every start and length up to a few words.
    static func samples(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 11, 13))
        let edges: [UInt8] = [0x00, 0x01, 0x08, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x81, 0xC2, 0xE2, 0xFE, 0xFF]
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                Bool.random(using: &rng) ? UInt8(ascii: "a") : Bool.random(using: &rng) ? edges.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
        }
    }

    /// Each word test says "yes" exactly when a byte loop over the word's eight bytes would.
    @Test func wordTestsAgreeWithTheBytes() {
        var rng = Xoshiro(seed: (5, 7, 0x9E37_79B9_7F4A_7C15, 3))
        for bytes in Self.samples(20_000, seed: 1) where bytes.count >= 8 {
            let eight = Array(bytes.prefix(8))
            let word = eight.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let n = UInt8.random(in: 0...128, using: &rng), b = eight.randomElement(using: &rng)!, c = UInt8.random(in: 0...255, using: &rng)
            #expect(ByteScan.Word.hasByte(lessThan: n, in: word) == eight.contains { $0 < n }, "\(eight) < \(n)")
            #expect(ByteScan.Word.hasByte(b, in: word) && ByteScan.Word.hasByte(c, in: word) == eight.contains(c), "\(eight) \(c)")
            #expect(ByteScan.Word.hasNonASCII(word) == eight.contains { $0 >= 0x80 })
        }
    }

    /// The scan finds what a byte loop finds, from any start, for the escapes JSON and a
    /// terminal need.
    @Test func findsWhatAByteLoopFinds() {
        let json: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
        let terminal: (UInt8) -> Bool = { $0 < 0x20 ? $0 != 0x09 && $0 != 0x0A : $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }
        for bytes in Self.samples(5_000, seed: 2) {
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...bytes.count {
                    let jsonAt = ByteScan.firstIndex(
                        in: buffer, from: start,
                        mayMatch: { ByteScan.Word.hasByte(lessThan: 0x20, in: $0) || ByteScan.Word.hasByte(0x22, in: $0) || ByteScan.Word.hasByte(0x5C, in: $0) },
                        isMatch: json)
                    #expect(jsonAt == (bytes[start...].firstIndex(where: json) ?? bytes.count), "\(bytes) from \(start)")
                    let terminalAt = ByteScan.firstIndex(
                        in: buffer, from: start,
                        mayMatch: { ByteScan.Word.hasByte(lessThan: 0x20, in: $0) || ByteScan.Word.hasByte(0x7F, in: $0) || ByteScan.Word.hasNonASCII($0) },
                        isMatch: terminal)
                    #expect(terminalAt == (bytes[start...].firstIndex(where: terminal) ?? bytes.count), "\(bytes) from \(start)")
                }
            }
        }
    }
}
