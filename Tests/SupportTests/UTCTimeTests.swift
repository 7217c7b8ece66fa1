import PropertyBased
import Support
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct UTCTimeTests {
    /// The fields agree with the C library's `gmtime_r` over the whole representable range, its
    /// ends and the days around leap years and centuries included.
    @Test func fieldsAgreeWithGmtime() {
        var rng = Xoshiro(seed: (17, 0x9E37_79B9_7F4A_7C15, 2, 3))
        let r = UTCTime.representable
        var samples = [r.lowerBound, r.upperBound, 0, -1, 86_399, 86_400, 951_782_400, 951_868_800, 4_107_542_400, -2_208_988_800]
        for _ in 0..<20_000 { samples.append(Int.random(in: r, using: &rng)) }
        for s in samples {
            var t = time_t(s)
            var tm = tm()
            _ = gmtime_r(&t, &tm)
            let u = UTCTime(secondsSince1970: s)
            #expect(u?.year == Int(tm.tm_year) + 1900 && u?.month == Int(tm.tm_mon) + 1 && u?.day == Int(tm.tm_mday), "\(s)")
            #expect(u?.hour == Int(tm.tm_hour) && u?.minute == Int(tm.tm_min) && u?.second == Int(tm.tm_sec), "\(s)")
            func two(_ v: Int32) -> String { String(v).leftPadded(2) }
            let expected = "\(String(tm.tm_year + 1900).leftPadded(4))-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))"
            #expect(u?.formatted() == expected, "\(s)")
        }
    }

    @Test func formsAndTheEnds() {
        #expect(UTCTime(secondsSince1970: 0)?.formatted() == "1970-01-01T00:00:00")
        #expect(UTCTime(secondsSince1970: 0)?.formatted(microseconds: 42) == "1970-01-01T00:00:00.000042")
        #expect(UTCTime(secondsSince1970: 59)?.formatted(microseconds: 999_999) == "1970-01-01T00:00:59.999999")
        #expect(UTCTime(secondsSince1970: 1_795_953_600)?.formatted(separator: " ") == "2026-11-29 12:00:00")
        #expect(UTCTime(secondsSince1970: UTCTime.representable.lowerBound)?.formatted() == "0000-01-01T00:00:00")
        #expect(UTCTime(secondsSince1970: UTCTime.representable.upperBound)?.formatted() == "9999-12-31T23:59:59")
        for outside in [Int.min, Int.max, UTCTime.representable.lowerBound - 1, UTCTime.representable.upperBound + 1] {
            #expect(UTCTime(secondsSince1970: outside) == nil)
        }
    }
}

@Suite struct NumbersAndTextTests {
    /// Exactly `digits` decimals, within half a unit of the last digit of the value.
    @Test func fixedDigits() {
        var rng = Xoshiro(seed: (19, 0x9E37_79B9_7F4A_7C15, 4, 5))
        for _ in 0..<20_000 {
            let v = Double.random(in: -1e9...1e9, using: &rng) / Double([1, 10, 1000, 1e6][Int.random(in: 0...3, using: &rng)])
            let d = Int.random(in: 0...4, using: &rng)
            let s = formatFixed(v, digits: d)
            let decimals = s.firstIndex(of: ".").map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
            #expect(decimals == d, "\(v) \(d) \(s)")
            #expect(abs(Double(s)! - v) <= 0.5 / pow(10, Double(d)) + 1e-6 * abs(v), "\(v) \(d) \(s)")
        }
        #expect(formatFixed(2, digits: 0) == "2" && formatFixed(2, digits: 1) == "2.0" && formatFixed(0.254, digits: 2) == "0.25")
        #expect(formatFixed(.nan, digits: 1) == "nan" && formatFixed(-.infinity, digits: 0) == "-inf" && formatFixed(1e300, digits: 0) == "1e+300")
    }

    @Test func trimming() {
        #expect(" \t a b \r\n".trimmed == "a b" && "   ".trimmed == "" && "x  ".trimmedTrailing == "x" && "  x".trimmedTrailing == "  x")
        #expect("//a/b//".trimmingCharacters("/") == "a/b" && "7".leftPadded(3) == "007" && "1234".leftPadded(2) == "1234")
    }
}
