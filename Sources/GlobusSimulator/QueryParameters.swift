import JSON

/// An integer a client chooses (a page's `limit` or `offset`, a `marker`), read the one way every
/// route reads it: absent (or `null` in a body) gives its default; not an integer, or below its
/// range, is a bad parameter, which each service answers in its own words (400); above its range
/// it is clamped to the top, as services page at their maximum, or refused, as the route says.
/// Numbers that do not fit an `Int` are above any range, never trapped on.
struct IntegerParameter: Sendable {
    var name: String
    var defaultValue: Int
    var range: ClosedRange<Int>
    /// Clamp a value above the range to its top (true) or refuse it (false).
    var clampsAbove = true

    /// `limit` from 1 to `most`, `most` when larger (Transfer's paged listings).
    static func limit(default value: Int, most: Int) -> IntegerParameter {
        IntegerParameter(name: "limit", defaultValue: value, range: 1...most)
    }

    /// `offset` from 0 up.
    static let offset = IntegerParameter(name: "offset", defaultValue: 0, range: 0...Int.max)

    /// The value in `r`'s query.
    func read(_ r: SimRequest) -> Result<Int, BadParameter> {
        guard let text = r.param(name), !text.isEmpty else { return .success(defaultValue) }
        if let n = Int(text) { return checked(n, given: text) }
        // All digits but too long for an Int: above the range, whatever it is.
        let digits = text.utf8.drop { $0 == UInt8(ascii: "+") }
        if !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), text.first != "-" {
            return above(given: text)
        }
        return .failure(BadParameter(name: name, given: text, range: range, why: .notAnInteger))
    }

    /// The value in a JSON body's member (Search's POST query): a number, or a bad parameter.
    func read(_ body: JSON?) -> Result<Int, BadParameter> {
        guard let value = body?[name], !value.isNull else { return .success(defaultValue) }
        let given = String(value.serialized.prefix(64))
        if let n = value.int { return checked(n, given: given) }
        // A whole number too large for an Int: beyond the range, above or below.
        if let d = value.number, d.rounded() == d {
            return d > 0 ? above(given: given) : .failure(BadParameter(name: name, given: given, range: range, why: .outOfRange))
        }
        return .failure(BadParameter(name: name, given: given, range: range, why: .notAnInteger))
    }

    func checked(_ n: Int, given: String) -> Result<Int, BadParameter> {
        if n < range.lowerBound { return .failure(BadParameter(name: name, given: given, range: range, why: .outOfRange)) }
        if n > range.upperBound { return above(given: given) }
        return .success(n)
    }

    func above(given: String) -> Result<Int, BadParameter> {
        clampsAbove ? .success(range.upperBound) : .failure(BadParameter(name: name, given: given, range: range, why: .outOfRange))
    }
}

/// A query parameter (or body member) a route cannot use, and why.
struct BadParameter: Error, Sendable {
    enum Why: Sendable { case notAnInteger, outOfRange }
    var name: String
    /// What the client sent (at most 64 characters of it).
    var given: String
    var range: ClosedRange<Int>
    var why: Why

    /// "Invalid value for 'limit' ('-1'): must be an integer from 1 to 1000" (the range's top
    /// left out when there is none).
    var message: String {
        let shown = given.count > 64 ? String(given.prefix(64)) + "…" : given
        let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
        return "Invalid value for '\(name)' ('\(shown)'): must be an integer \(bounds)"
    }
}

/// Whether `offset + limit` stays within `most`, without adding numbers a client chose (both
/// are at least 0 here; `limit` is within `most` or the answer is no).
func pageFits(offset: Int, limit: Int, most: Int) -> Bool {
    limit <= most && offset <= most - limit
}

extension SimRequest {
    /// Answers with `body` given the values of `parameters`, in order, from the query (or from
    /// the JSON body with `fromBody`), or with `refuse` for the first bad one.
    func with(
        _ parameters: [IntegerParameter], fromBody: Bool = false, refuse: (BadParameter) -> SimResponse,
        _ body: ([Int]) -> SimResponse
    ) -> SimResponse {
        let document = fromBody ? json : nil
        var values: [Int] = []
        for p in parameters {
            switch fromBody ? p.read(document) : p.read(self) {
            case .success(let v): values.append(v)
            case .failure(let bad): return refuse(bad)
            }
        }
        return body(values)
    }
}
