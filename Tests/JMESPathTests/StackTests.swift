import JSON
import Testing
@testable import JMESPath

#if canImport(Glibc)
    import Glibc
#endif

/// Every kind of nesting at exactly `JMESPathExpression.maximumDepth` compiles, evaluates and is
/// freed on a thread with a 512 KiB stack (in a debug build, whose frames are the largest), and
/// one level more is refused.
@Suite struct StackTests {
    static let limit = JMESPathExpression.maximumDepth

    /// An expression nested `n` deep, and a document that makes its evaluation go all the way down.
    struct Nesting: Sendable, CustomTestStringConvertible {
        let name: String
        let expression: @Sendable (Int) -> String
        /// Levels of the syntax tree (or parentheses) per step of `expression`, and with none.
        var levelsPerStep = 1
        var levelsWithoutSteps = 1
        var document: @Sendable (Int) -> JSON = { _ in ["a": 1] }
        var testDescription: String { name }

        /// The expression at exactly the limit, and one step past it.
        var stepsAtLimit: Int { (StackTests.limit - levelsWithoutSteps) / levelsPerStep }
        var atLimit: String { expression(stepsAtLimit) }
        var pastLimit: String { expression(stepsAtLimit + 1) }
    }

    static func wrapped(_ n: Int, _ open: String, _ inner: String, _ close: String) -> String {
        String(repeating: open, count: n) + inner + String(repeating: close, count: n)
    }

    /// Arrays nested `n` deep around a 1, built without the parser's depth limit.
    static func nestedArrays(_ n: Int) -> JSON { (0..<n).reduce(JSON.int(1)) { inner, _ in [inner] } }
    static func nestedObjects(_ n: Int) -> JSON { (0..<n).reduce(JSON.int(1)) { inner, _ in ["a": inner] } }

    static let nestings: [Nesting] = [
        Nesting(name: "parentheses") { wrapped($0, "(", "a", ")") },
        Nesting(name: "not") { String(repeating: "!", count: $0) + "a" },
        Nesting(name: "sub-expression chain", expression: { "a" + String(repeating: ".a", count: $0) }, document: nestedObjects),
        Nesting(name: "index chain", expression: { "@" + String(repeating: "[0]", count: $0) }, document: nestedArrays),
        Nesting(name: "pipe", expression: { "a" + String(repeating: " | a", count: $0) }, document: nestedObjects),
        Nesting(name: "or", expression: { "a" + String(repeating: " || a", count: $0) }),
        Nesting(name: "comparison") { "a" + String(repeating: " == a", count: $0) },
        Nesting(name: "function call") { wrapped($0, "abs(", "`-1`", ")") },
        Nesting(name: "map with expression references", expression: { wrapped($0, "map(&", "@", ", @)") }, levelsPerStep: 2, document: nestedArrays),
        Nesting(name: "sort_by with expression references", expression: { wrapped($0, "sort_by(@, &length(", "@", "))") }, levelsPerStep: 3, document: nestedArrays),
        Nesting(name: "multi-select list") { wrapped($0, "[", "a", "]") },
        Nesting(name: "multi-select hash") { wrapped($0, "{a: ", "a", "}") },
        Nesting(name: "filter condition", expression: { wrapped($0, "[?", "@", "]") }, document: nestedArrays),
        Nesting(name: "projection", expression: { "@" + String(repeating: "[*]", count: $0) }, document: nestedArrays),
        Nesting(name: "flatten", expression: { "@" + String(repeating: "[]", count: $0) }, levelsPerStep: 2, document: nestedArrays),
        Nesting(name: "slice", expression: { "@" + String(repeating: "[::1]", count: $0) }, levelsWithoutSteps: 2, document: nestedArrays),
        Nesting(name: "value projection", expression: { "@" + String(repeating: ".*", count: $0) }, document: nestedObjects)
    ]

    /// Compiles and evaluates the expression at the limit, and checks that one more level is refused.
    static func exercise(_ n: Nesting) -> String? {
        do {
            let e = try JMESPathExpression(n.atLimit)
            _ = try e.search(n.document(limit))
        } catch {
            return "\(n.name) at the limit failed: \(error)"
        }
        do {
            _ = try JMESPathExpression(n.pastLimit)
            return "\(n.name) past the limit compiled"
        } catch {
            return error.kind == .tooDeep ? nil : "\(n.name) past the limit failed with \(error)"
        }
    }

    @Test(arguments: nestings)
    func theLimitFitsA512KiBStack(_ n: Nesting) {
        let failure = onThread(stackSize: 512 * 1024) { Self.exercise(n) }
        #expect(failure == nil)
    }

    /// A tree deeper than the limit, made without the parser, is refused by the evaluator.
    @Test func theEvaluatorCountsItsOwnDepth() throws {
        let deep = (0..<Self.limit).reduce(Node.current) { inner, _ in .not(inner) }
        var evaluator = Evaluator()
        #expect(throws: JMESPathError.tooDeepToEvaluate) { try evaluator.eval(deep, .null) }
        #expect(evaluator.depth == 0)
        var shallower = Evaluator()
        guard case .not(let inner) = deep else { return }
        #expect(try shallower.eval(inner, .null) == .bool(true))
    }

    #if os(Linux)
        /// The stack each nesting really uses at the limit (compile, evaluate and free), measured on
        /// a painted stack: at most 300 KiB, leaving 40% of a 512 KiB stack to the caller. A build
        /// under the thread or address sanitizer instruments every frame (the largest nesting takes
        /// about 45% more), so there the bound is the 512 KiB stack itself, less 64 KiB.
        @Test func stackUseAtTheLimit() {
            var report: [String] = []
            var most = 0
            for n in Self.nestings {
                let used = PaintedStack.bytesUsed { _ = Self.exercise(n) }
                report.append("\(n.name): \(used / 1024) KiB")
                most = max(most, used)
            }
            print("stack used at depth \(Self.limit):\n  " + report.joined(separator: "\n  "))
            let sanitized = dlsym(nil, "__tsan_init") != nil || dlsym(nil, "__asan_init") != nil
            #expect(most <= (sanitized ? 448 : 300) * 1024, Comment(rawValue: report.joined(separator: ", ")))
        }
    #endif
}
