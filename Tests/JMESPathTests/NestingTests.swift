import JSON
import Testing
@testable import JMESPath

/// Expressions nested past the limit fail with a too-deep error instead of overflowing the stack
/// (in parsing, in evaluation, or in freeing a deep syntax tree).
@Suite struct NestingTests {
    static let document: JSON = ["DATA": [1, 2], "a": ["a": 1]]

    func expectTooDeep(_ expression: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let v = try JMESPathExpression(expression).search(Self.document)
            Issue.record("expected a too-deep error, got \(v)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind.rawValue == "too-deep", "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func manyNestedParentheses() {
        expectTooDeep(String(repeating: "(", count: 25_000) + "a" + String(repeating: ")", count: 25_000))
    }

    @Test func manyNots() {
        expectTooDeep(String(repeating: "!", count: 200_000) + "a")
    }

    @Test func aLongSubexpressionChain() {
        expectTooDeep("a" + String(repeating: ".a", count: 100_000))
    }

    @Test func aLongPipe() {
        expectTooDeep("DATA" + String(repeating: "|DATA", count: 100_000))
    }

    @Test func aLongIndexChain() {
        expectTooDeep("DATA" + String(repeating: "[0]", count: 100_000))
    }

    @Test func otherDeepNestings() {
        let n = 50_000
        expectTooDeep(String(repeating: "[", count: n) + "a" + String(repeating: "]", count: n))
        expectTooDeep(String(repeating: "{a:", count: n) + "a" + String(repeating: "}", count: n))
        expectTooDeep(String(repeating: "abs(", count: n) + "`1`" + String(repeating: ")", count: n))
        expectTooDeep(String(repeating: "& ", count: n) + "a")
        expectTooDeep("a" + String(repeating: " || a", count: n))
        expectTooDeep("a" + String(repeating: " == a", count: n))
        expectTooDeep("DATA" + String(repeating: "[]", count: n))
        expectTooDeep("DATA" + String(repeating: "[?a]", count: n))
        expectTooDeep("DATA" + String(repeating: "[*]", count: n))
        expectTooDeep("a" + String(repeating: ".*", count: n))
        expectTooDeep(String(repeating: "DATA[?", count: n) + "a" + String(repeating: "]", count: n))
    }
}
