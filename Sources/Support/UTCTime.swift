/// A moment in UTC split into calendar fields (the proleptic Gregorian calendar), from seconds
/// since 1970, without the C library or Foundation.
public struct UTCTime: Sendable, Equatable {
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// The earliest and latest seconds that fall in the years 0 to 9999.
    public static let representable = -62_167_219_200...253_402_300_799

    /// The moment `seconds` after 1970-01-01T00:00:00Z; nil outside the years 0 to 9999 (a broken
    /// or hostile number is not a date).
    public init?(secondsSince1970 seconds: Int) {
        guard UTCTime.representable.contains(seconds) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rest = seconds - days * 86_400
        (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60)
        // Days to a civil date (Howard Hinnant's algorithm): eras of 400 years from 0000-03-01.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `YYYY-MM-DD`, `separator`, `HH:MM:SS`: ISO 8601 with "T", or a reader's form with " ";
    /// with `microseconds` (0 to 999,999), `.ffffff` after the seconds. Written straight to bytes:
    /// every message header of a kernel carries one.
    public func formatted(separator: String = "T", microseconds: Int? = nil) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27 + separator.utf8.count)
        func put(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(truncatingIfNeeded: 48 + v / divisor % 10))
                v %= divisor * 10
                divisor /= 10
            }
        }
        put(year, width: 4)
        out.append(UInt8(ascii: "-"))
        put(month, width: 2)
        out.append(UInt8(ascii: "-"))
        put(day, width: 2)
        out += separator.utf8
        put(hour, width: 2)
        out.append(UInt8(ascii: ":"))
        put(minute, width: 2)
        out.append(UInt8(ascii: ":"))
        put(second, width: 2)
        if let microseconds {
            out.append(UInt8(ascii: "."))
            put(Swift.min(Swift.max(microseconds, 0), 999_999), width: 6)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
