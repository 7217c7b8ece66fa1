/// Scans of bytes eight at a time: a word of eight bytes is tested at once for whether any of
/// its bytes may be one of interest, and only a word that may is looked at byte by byte. Text
/// that is mostly plain (JSON strings without quotes, table cells, file names) is passed over at
/// a fraction of a byte loop's cost; the answer is always the byte loop's.
public enum ByteScan {
    /// The index of the first byte of `bytes` at or after `start` for which `isMatch` holds, or
    /// `bytes.count` when there is none. `mayMatch` is asked first of each eight-byte word (in
    /// memory order, loaded unaligned) and must return true whenever any of its bytes matches
    /// (false alarms only cost the byte loop); the tests of ``ByteScan/Word`` are made for it.
    @inlinable
    public static func firstIndex(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, mayMatch: (UInt64) -> Bool, isMatch: (UInt8) -> Bool
    ) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        var i = start
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if mayMatch(word) {
                for j in i..<(i + 8) where isMatch(base[j]) { return j }
            }
            i += 8
        }
        while i < bytes.count {
            if isMatch(base[i]) { return i }
            i += 1
        }
        return bytes.count
    }

    /// Exact tests of all eight bytes of a word at once: each is true when at least one byte has
    /// the property (which byte is not said).
    public enum Word {
        @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
        @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

        /// Whether a byte of `word` is less than `n` (`n` at most 128).
        @inlinable
        public static func hasByte(lessThan n: UInt8, in word: UInt64) -> Bool {
            (word &- ones &* UInt64(n)) & ~word & highs != 0
        }

        /// Whether a byte of `word` is `b`.
        @inlinable
        public static func hasByte(_ b: UInt8, in word: UInt64) -> Bool {
            let x = word ^ (ones &* UInt64(b))
            return (x &- ones) & ~x & highs != 0
        }

        /// Whether a byte of `word` is 0x80 or more (not ASCII).
        @inlinable
        public static func hasNonASCII(_ word: UInt64) -> Bool { word & highs != 0 }
    }
}
