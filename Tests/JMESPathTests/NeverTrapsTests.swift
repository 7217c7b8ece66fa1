import JSON
import Testing
@testable import JMESPath

/// The general rule: whatever the expression and the document (extreme integers and doubles,
/// deep nesting, token soup), compiling and searching give a value or a `JMESPathError`, and
/// never trap, on a 512 KiB stack.
@Suite struct NeverTrapsTests {
    /// SplitMix64: small, seeded, the same sequence everywhere.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let integers = [
        "0", "1", "-1", "2", "-2", "3", "9223372036854775807", "-9223372036854775808", "9223372036854775806",
        "-9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999",
        "-99999999999999999999", "9007199254740993", "4294967296"
    ]
    static let doubles = ["0.5", "-0.0", "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "9.3e18", "-9.3e18", "0.1", "123456789.25"]
    static let names = ["a", "b", "foo", "DATA", "size", "_x1"]
    static let functions = Array(Functions.signatures.keys).sorted()

    /// A JSON document as text.
    static func document(_ r: inout Random, depth: Int = 0) -> String {
        switch r.below(depth > 3 ? 5 : 8) {
        case 0: return r.pick(integers)
        case 1: return r.pick(doubles)
        case 2: return r.pick(["\"\"", "\"abc\"", "\"é\"", "\"e\\u0301\"", "\"😀x\"", "\"5\"", "\"-1e400\""])
        case 3: return r.pick(["true", "false", "null"])
        case 4: return "[" + (0..<r.below(4)).map { _ in r.pick(integers) }.joined(separator: ",") + "]"
        case 5, 6: return "[" + (0..<r.below(5)).map { _ in document(&r, depth: depth + 1) }.joined(separator: ",") + "]"
        default: return "{" + (0..<r.below(5)).map { _ in "\"\(r.pick(names))\":" + document(&r, depth: depth + 1) }.joined(separator: ",") + "}"
        }
    }

    /// An expression from a small grammar of every construct, with extreme numbers.
    static func expression(_ r: inout Random, depth: Int = 0) -> String {
        if depth > 4 { return r.pick(names + ["@", "`1`", "'s'"]) }
        func sub() -> String { expression(&r, depth: depth + 1) }
        func number() -> String { r.chance(70) ? r.pick(integers) : "" }
        switch r.below(22) {
        case 0: return r.pick(names)
        case 1: return "\"\(r.pick(names))\""
        case 2: return "`\(document(&r, depth: 3))`"
        case 3: return "'\(r.pick(["", "x", "\\'", "é"]))'"
        case 4: return "@"
        case 5: return sub() + "." + r.pick(names)
        case 6: return sub() + "[\(r.pick(integers))]"
        case 7: return sub() + "[\(number()):\(number())" + (r.chance(60) ? ":\(number())" : "") + "]"
        case 8: return sub() + r.pick(["[*]", "[]", ".*"]) + (r.chance(50) ? "." + r.pick(names) : "")
        case 9: return sub() + "[?" + sub() + "]"
        case 10: return sub() + r.pick([" == ", " != ", " < ", " <= ", " > ", " >= "]) + sub()
        case 11: return sub() + r.pick([" || ", " && ", " | "]) + sub()
        case 12: return "!" + sub()
        case 13: return "(" + sub() + ")"
        case 14: return "[" + (0...r.below(3)).map { _ in sub() }.joined(separator: ", ") + "]"
        case 15: return "{" + (0...r.below(3)).map { _ in r.pick(names) + ": " + sub() }.joined(separator: ", ") + "}"
        case 16, 17, 18:
            let args = (0..<r.below(4)).map { _ in r.chance(25) ? "&" + sub() : sub() }
            return r.pick(functions) + "(" + args.joined(separator: ", ") + ")"
        case 19: return deep(&r)
        case 20: return soup(&r)
        default: return r.pick(["abs", "sum", "avg", "ceil", "floor"]) + "(`\(r.pick(integers + doubles))`)"
        }
    }

    /// One construct nested 1 to 300 deep: around the limit, and past it.
    static func deep(_ r: inout Random) -> String {
        let n = 1 + r.below(300)
        let (open, inner, close) = r.pick([
            ("(", "a", ")"), ("!", "a", ""), ("", "a", ".a"), ("", "a", " | a"), ("", "a", " || a"),
            ("[", "a", "]"), ("{a: ", "a", "}"), ("abs(", "`-1`", ")"), ("map(&", "@", ", @)"),
            ("", "@", "[*]"), ("", "@", "[]"), ("", "@", "[::-1]"), ("[?", "@", "]"), ("", "@", "[0]")
        ])
        return String(repeating: open, count: n) + inner + String(repeating: close, count: n)
    }

    /// Tokens in any order.
    static func soup(_ r: inout Random) -> String {
        let tokens = [
            ".", "*", "[", "]", "[]", "[?", "{", "}", "(", ")", ",", ":", "@", "|", "||", "&", "&&", "!", "==", "<", ">=",
            "a", "\"b\"", "`1`", "'c'", "-", "5", "-9223372036854775808", "99999999999999999999", "abs", "`", "'", "\""
        ]
        return (0..<r.below(12)).map { _ in r.pick(tokens) }.joined(separator: r.chance(50) ? " " : "")
    }

    @Test func randomExpressionsAndDocumentsNeverTrap() throws {
        let report = onThread(stackSize: 512 * 1024) { () -> [String: Int] in
            var r = Random(state: 20_260_101)
            var counts: [String: Int] = [:]
            for _ in 0..<20_000 {
                let text = Self.expression(&r)
                guard let document = try? JSON.parse(Self.document(&r)) else { counts["bad document", default: 0] += 1; continue }
                do throws(JMESPathError) {
                    _ = try JMESPathExpression(text).search(document)
                    counts["value", default: 0] += 1
                } catch {
                    counts[error.kind.rawValue, default: 0] += 1
                }
            }
            return counts
        }
        print("random expressions: \(report.sorted { $0.key < $1.key })")
        #expect(report["value", default: 0] > 5_000)
        #expect(report["too-deep", default: 0] > 100)
        #expect(report["bad document", default: 0] == 0)
    }
}
