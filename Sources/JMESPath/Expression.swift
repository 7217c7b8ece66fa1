import JSON

/// A compiled JMESPath expression (jmespath.org), searched against JSON documents.
public struct JMESPathExpression: Sendable {
    let root: Node
    /// The source text.
    public let text: String

    /// The deepest nesting an expression may have, counted in nodes of its syntax tree (so a
    /// chain `a.b.c` is three deep, as is `!!a`) and in levels of parentheses. Deeper
    /// expressions fail with a `tooDeep` error: parsing, evaluating and even freeing a syntax
    /// tree recurse once per level. In a debug build, whose stack frames are the largest, a
    /// level takes up to 2.7 KiB of stack (1.3 KiB for chains, pipes and `||`), so an
    /// expression at the limit fits a 512 KiB thread stack with room to spare; and no real
    /// expression nests anywhere near 100 deep.
    public static let maximumDepth = 100

    /// The most work one search may do: a step per node evaluated and per element flattened, and
    /// the size of each value a multi-select, `join`, `to_string` or `merge` builds (one per
    /// value, one per 64 bytes of string). A search past it fails with a `tooLarge` error: a
    /// chain of `[@, @, @, @]` builds a result four times larger at each step (cheaply, since
    /// values share storage), and showing or comparing it would never end. A projection over a
    /// hundred thousand items with a few fields each stays well inside.
    public static let maximumWork = 5_000_000

    /// Compiles `text`; throws a syntax error (or an unknown-function error) for bad input, and a
    /// too-deep error for an expression nested past `maximumDepth`.
    public init(_ text: String) throws(JMESPathError) {
        self.text = text
        root = try Parser.parse(text)
    }

    /// Evaluates the expression against `document`.
    public func search(_ document: JSON) throws(JMESPathError) -> JSON {
        try search(document, work: JMESPathExpression.maximumWork)
    }

    /// Evaluates the expression against `document` with `work` as its budget (for tests).
    func search(_ document: JSON, work: Int) throws(JMESPathError) -> JSON {
        var evaluator = Evaluator()
        evaluator.work = work
        return try evaluator.eval(root, document)
    }
}

extension JSON {
    /// JMESPath truthiness: false, null, and empty strings, arrays and objects are false.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        case .int, .double: true
        }
    }
}
