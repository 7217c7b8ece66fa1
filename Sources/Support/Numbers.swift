/// `value` rounded to `digits` decimals (0 to 6) and written with exactly that many:
/// `formatFixed(2, digits: 0)` is "2", `formatFixed(2, digits: 1)` "2.0", `formatFixed(0.254, digits: 2)`
/// "0.25". A value that is not finite, or too large for plain digits, is written as Swift writes it.
public func formatFixed(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    let d = Swift.min(Swift.max(digits, 0), 6)
    let scale = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][d]
    let r = (value * scale).rounded() / scale
    if d == 0, let whole = Int(exactly: r) { return String(whole) }
    var s = String(r)
    guard let dot = s.firstIndex(of: "."), !s.contains("e") else { return s }
    let decimals = s.distance(from: dot, to: s.endIndex) - 1
    if decimals < d { s += String(repeating: "0", count: d - decimals) }
    return s
}
