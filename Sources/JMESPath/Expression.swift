import JSON

/// A compiled JMESPath expression (jmespath.org), searched against JSON documents.
public struct JMESPathExpression: Sendable {
    let root: Node
    /// The source text.
    public let text: String

    /// Compiles `text`; throws a syntax error (or an unknown-function error) for bad input.
    public init(_ text: String) throws(JMESPathError) {
        self.text = text
        root = try Parser.parse(text)
        try Functions.check(root)
    }

    /// Evaluates the expression against `document`.
    public func search(_ document: JSON) throws(JMESPathError) -> JSON {
        try Evaluator.eval(root, document)
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

enum Evaluator {
    static func eval(_ node: Node, _ value: JSON) throws(JMESPathError) -> JSON {
        switch node {
        case .identity, .current: return value
        case .field(let name): return value[name] ?? .null
        case .literal(let v): return v
        case .subexpression(let l, let r): return try eval(r, try eval(l, value))
        case .index(let n):
            guard let a = value.array else { return .null }
            let i = n < 0 ? a.count + n : n
            return a.indices.contains(i) ? a[i] : .null
        case .slice(let start, let stop, let step):
            guard let a = value.array else { return .null }
            return .array(try slice(a, start, stop, step))
        case .projection(let l, let r):
            guard let a = try eval(l, value).array else { return .null }
            var out: [JSON] = []
            for e in a {
                let v = try eval(r, e)
                if !v.isNull { out.append(v) }
            }
            return .array(out)
        case .valueProjection(let l, let r):
            guard let o = try eval(l, value).object else { return .null }
            var out: [JSON] = []
            for e in o.values {
                let v = try eval(r, e)
                if !v.isNull { out.append(v) }
            }
            return .array(out)
        case .filterProjection(let l, let r, let cond):
            guard let a = try eval(l, value).array else { return .null }
            var out: [JSON] = []
            for e in a where try eval(cond, e).isTruthy {
                let v = try eval(r, e)
                if !v.isNull { out.append(v) }
            }
            return .array(out)
        case .flatten(let l):
            guard let a = try eval(l, value).array else { return .null }
            var out: [JSON] = []
            for e in a { if let inner = e.array { out += inner } else { out.append(e) } }
            return .array(out)
        case .multiSelectList(let items):
            if value.isNull { return .null }
            var out: [JSON] = []
            for n in items { out.append(try eval(n, value)) }
            return .array(out)
        case .multiSelectHash(let pairs):
            if value.isNull { return .null }
            var o = JSONObject()
            for (k, n) in pairs { o[k] = try eval(n, value) }
            return .object(o)
        case .pipe(let l, let r): return try eval(r, try eval(l, value))
        case .or(let l, let r):
            let a = try eval(l, value)
            return a.isTruthy ? a : try eval(r, value)
        case .and(let l, let r):
            let a = try eval(l, value)
            return a.isTruthy ? try eval(r, value) : a
        case .not(let n): return .bool(!(try eval(n, value)).isTruthy)
        case .comparison(let op, let l, let r):
            let a = try eval(l, value), b = try eval(r, value)
            switch op {
            case .eq: return .bool(a == b)
            case .ne: return .bool(a != b)
            default:
                guard let x = a.number, let y = b.number, a.bool == nil, b.bool == nil else { return .null }
                switch op {
                case .lt: return .bool(x < y)
                case .lte: return .bool(x <= y)
                case .gt: return .bool(x > y)
                default: return .bool(x >= y)
                }
            }
        case .function(let name, let args): return try Functions.call(name, args, value)
        case .expref: return .null  // only meaningful as a function argument
        }
    }

    /// Python-style slicing with clamping; a zero step is an invalid value.
    static func slice(_ a: [JSON], _ start: Int?, _ stop: Int?, _ step: Int?) throws(JMESPathError) -> [JSON] {
        let step = step ?? 1
        guard step != 0 else { throw JMESPathError(kind: .invalidValue, message: "slice step cannot be 0") }
        let n = a.count
        func clamp(_ v: Int?, _ dflt: Int) -> Int {
            guard var v else { return dflt }
            if v < 0 { v += n; if v < 0 { v = step < 0 ? -1 : 0 } } else if v >= n { v = step < 0 ? n - 1 : n }
            return v
        }
        let s = clamp(start, step < 0 ? n - 1 : 0)
        let e = clamp(stop, step < 0 ? -1 : n)
        var out: [JSON] = []
        var i = s
        if step > 0 { while i < e { out.append(a[i]); i += step } } else { while i > e { out.append(a[i]); i += step } }
        return out
    }
}
