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

    /// `YYYY-MM-DD`, `separator`, `HH:MM:SS`: ISO 8601 with "T", or a reader's form with " ".
    public func formatted(separator: String = "T") -> String {
        func two(_ v: Int) -> String { String(v).leftPadded(2) }
        return "\(String(year).leftPadded(4))-\(two(month))-\(two(day))\(separator)\(two(hour)):\(two(minute)):\(two(second))"
    }
}
