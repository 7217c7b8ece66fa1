import JSON

/// Evaluates a syntax tree against a value. It counts its own recursion and refuses to go past
/// `JMESPathExpression.maximumDepth`: the parser builds no tree that deep, so this is a second
/// guard, for trees made some other way.
///
/// Each kind of node has a rule, a small function of its own that `eval` looks up and calls:
/// an unoptimized build gives every local of a function its own stack slot, and one `switch`
/// over every kind took kilobytes of stack per level of nesting.
struct Evaluator {
    /// Calls of `eval` under way.
    var depth = 0
    /// The work left (see `JMESPathExpression.maximumWork`): each node evaluated costs one, each
    /// element flattened one, each value a multi-select or a string function builds its size.
    var work = JMESPathExpression.maximumWork

    /// Spends `units` of work; past the budget the search ends with a too-large error. (Never
    /// inlined: `eval` recurses once per level, and its frame stays as small as it was.)
    @inline(never)
    mutating func charge(_ units: Int) throws(JMESPathError) {
        work -= units
        if work < 0 { throw .tooMuchWork }
    }

    /// Spends the size of `value`: one per value in it, and one more per 64 bytes of each string.
    /// Values share their storage, so `[@, @]` is cheap to build but twice as large to show, and a
    /// chain of them grows exponentially: what is built is paid for as if copied. The walk stops
    /// as soon as the budget is spent.
    @inline(never)
    mutating func charge(sizeOf value: JSON) throws(JMESPathError) {
        try charge(1)
        switch value {
        case .string(let s): try charge(s.utf8.count / 64)
        case .array(let a): for v in a { try charge(sizeOf: v) }
        case .object(let o): for (k, v) in o { try charge(k.utf8.count / 64); try charge(sizeOf: v) }
        default: break
        }
    }

    /// How one kind of node is evaluated against a value.
    typealias Rule = (inout Evaluator, Node, JSON) throws(JMESPathError) -> JSON

    mutating func eval(_ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JMESPathExpression.maximumDepth else { throw .tooDeepToEvaluate }
        try charge(1)
        return try Evaluator.rule(for: node)(&self, node, value)
    }

    static func rule(for node: Node) -> Rule {
        switch node {
        case .identity, .current: current
        case .field: field
        case .literal: literal
        case .index: index
        case .slice: slice
        case .subexpression, .pipe: chain
        case .projection: projection
        case .valueProjection: valueProjection
        case .filterProjection: filterProjection
        case .flatten: flatten
        case .multiSelectList: multiSelectList
        case .multiSelectHash: multiSelectHash
        case .or: or
        case .and: and
        case .not: not
        case .comparison: comparison
        case .function: Functions.call
        case .expref: expref
        }
    }

    static func current(_ e: inout Evaluator, _ node: Node, _ value: JSON) -> JSON { value }

    static func field(_ e: inout Evaluator, _ node: Node, _ value: JSON) -> JSON {
        guard case .field(let name) = node else { return .null }
        return value[name] ?? .null
    }

    static func literal(_ e: inout Evaluator, _ node: Node, _ value: JSON) -> JSON {
        guard case .literal(let v) = node else { return .null }
        return v
    }

    static func index(_ e: inout Evaluator, _ node: Node, _ value: JSON) -> JSON {
        guard case .index(let n) = node, case .array(let a) = value else { return .null }
        let i = n < 0 ? a.count + n : n  // no overflow: n < 0 <= count
        return a.indices.contains(i) ? a[i] : .null
    }

    static func slice(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .slice(let start, let stop, let step) = node, case .array(let a) = value else { return .null }
        return .array(try Slice(start: start, stop: stop, step: step).elements(of: a))
    }

    /// `l.r` and `l | r`: the right side evaluated against the left's value.
    static func chain(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        switch node {
        case .subexpression(let l, let r), .pipe(let l, let r): return try e.eval(r, try e.eval(l, value))
        default: return .null
        }
    }

    /// `l[*].r`: `r` applied to each element of the array `l`, nulls left out.
    static func projection(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .projection(let l, let r) = node, case .array(let a) = try e.eval(l, value) else { return .null }
        return .array(try e.project(r, over: a, where: nil))
    }

    /// `l.*.r`: `r` applied to each value of the object `l`, nulls left out.
    static func valueProjection(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .valueProjection(let l, let r) = node, case .object(let o) = try e.eval(l, value) else { return .null }
        return .array(try e.project(r, over: o.values, where: nil))
    }

    /// `l[?condition].r`: `r` applied to each element of the array `l` that passes, nulls left out.
    static func filterProjection(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .filterProjection(let l, let r, let condition) = node, case .array(let a) = try e.eval(l, value) else { return .null }
        return .array(try e.project(r, over: a, where: condition))
    }

    mutating func project(_ r: Node, over elements: [JSON], where condition: Node?) throws(JMESPathError) -> [JSON] {
        var out: [JSON] = []
        for element in elements {
            if let condition, !(try eval(condition, element).isTruthy) { continue }
            let v = try eval(r, element)
            if !v.isNull { out.append(v) }
        }
        return out
    }

    static func flatten(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .flatten(let l) = node, case .array(let a) = try e.eval(l, value) else { return .null }
        var out: [JSON] = []
        for x in a {
            if case .array(let inner) = x { try e.charge(inner.count); out += inner } else { try e.charge(1); out.append(x) }
        }
        return .array(out)
    }

    static func multiSelectList(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .multiSelectList(let items) = node, !value.isNull else { return .null }
        var out: [JSON] = []
        for n in items {
            let v = try e.eval(n, value)
            try e.charge(sizeOf: v)
            out.append(v)
        }
        return .array(out)
    }

    static func multiSelectHash(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .multiSelectHash(let pairs) = node, !value.isNull else { return .null }
        var o = JSONObject()
        for (k, n) in pairs {
            let v = try e.eval(n, value)
            try e.charge(sizeOf: v)
            o[k] = v
        }
        return .object(o)
    }

    /// The left side when truthy, else the right.
    static func or(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .or(let l, let r) = node else { return .null }
        let a = try e.eval(l, value)
        return a.isTruthy ? a : try e.eval(r, value)
    }

    /// The left side when falsy, else the right.
    static func and(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .and(let l, let r) = node else { return .null }
        let a = try e.eval(l, value)
        return a.isTruthy ? try e.eval(r, value) : a
    }

    static func not(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .not(let n) = node else { return .null }
        return .bool(!(try e.eval(n, value)).isTruthy)
    }

    static func comparison(_ e: inout Evaluator, _ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        guard case .comparison(let op, let l, let r) = node else { return .null }
        let a = try e.eval(l, value)
        let b = try e.eval(r, value)
        return compare(op, a, b)
    }

    /// Only meaningful as a function argument, where `Functions` takes it apart.
    static func expref(_ e: inout Evaluator, _ node: Node, _ value: JSON) -> JSON { .null }

    /// Equality for any values; ordering for numbers only (exactly, so 2^53 + 1 > 2^53), else null.
    static func compare(_ op: TokenKind, _ a: JSON, _ b: JSON) -> JSON {
        switch op {
        case .eq: return .bool(a == b)
        case .ne: return .bool(a != b)
        default:
            guard let order = JSON.compareNumbers(a, b) else { return .null }
            switch op {
            case .lt: return .bool(order < 0)
            case .lte: return .bool(order <= 0)
            case .gt: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        }
    }
}
