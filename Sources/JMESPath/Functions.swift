import JSON

/// The built-in functions, with the spec's argument types and arity.
enum Functions {
    enum ArgType { case any, number, string, array, object, expref, arrayOfNumbers, arrayOfStrings, arrayOrString, arrayOrObject }

    /// name → (argument types, variadic last)
    static let signatures: [String: ([ArgType], Bool)] = [
        "abs": ([.number], false), "avg": ([.arrayOfNumbers], false), "ceil": ([.number], false), "floor": ([.number], false),
        "contains": ([.arrayOrString, .any], false), "ends_with": ([.string, .string], false), "starts_with": ([.string, .string], false),
        "join": ([.string, .arrayOfStrings], false), "keys": ([.object], false), "values": ([.object], false),
        "length": ([.any], false), "map": ([.expref, .array], false), "max": ([.array], false), "min": ([.array], false),
        "max_by": ([.array, .expref], false), "min_by": ([.array, .expref], false), "merge": ([.object], true),
        "not_null": ([.any], true), "reverse": ([.arrayOrString], false), "sort": ([.array], false), "sort_by": ([.array, .expref], false),
        "sum": ([.arrayOfNumbers], false), "to_array": ([.any], false), "to_string": ([.any], false), "to_number": ([.any], false),
        "type": ([.any], false),
    ]

    /// Compile-time check: every function exists.
    static func check(_ n: Node) throws(JMESPathError) {
        switch n {
        case .function(let name, let args):
            guard signatures[name] != nil else { throw JMESPathError(kind: .unknownFunction, message: "unknown function \(name)()") }
            for a in args { try check(a) }
        case .subexpression(let a, let b), .projection(let a, let b), .valueProjection(let a, let b), .pipe(let a, let b),
             .or(let a, let b), .and(let a, let b), .comparison(_, let a, let b):
            try check(a); try check(b)
        case .filterProjection(let a, let b, let c): try check(a); try check(b); try check(c)
        case .flatten(let a), .not(let a), .expref(let a): try check(a)
        case .multiSelectList(let items): for a in items { try check(a) }
        case .multiSelectHash(let pairs): for (_, a) in pairs { try check(a) }
        default: break
        }
    }

    static func typeName(_ v: JSON) -> String { v.typeName }

    static func call(_ name: String, _ argNodes: [Node], _ current: JSON) throws(JMESPathError) -> JSON {
        guard let (types, variadic) = signatures[name] else { throw JMESPathError(kind: .unknownFunction, message: "unknown function \(name)()") }
        if variadic ? argNodes.count < types.count : argNodes.count != types.count {
            throw JMESPathError(kind: .invalidArity, message: "\(name)() takes \(variadic ? "at least " : "")\(types.count) argument(s), got \(argNodes.count)")
        }
        var args: [JSON] = []
        var exprefs: [Node?] = []
        for (k, n) in argNodes.enumerated() {
            let t = types[min(k, types.count - 1)]
            if t == .expref {
                guard case .expref(let inner) = n else { throw .type("\(name)() argument \(k + 1) must be an expression (&…)") }
                args.append(.null); exprefs.append(inner)
                continue
            }
            if case .expref = n { throw .type("\(name)() argument \(k + 1) cannot be an expression reference") }
            let v = try Evaluator.eval(n, current)
            guard matches(v, t) else { throw .type("\(name)() argument \(k + 1) has the wrong type (\(v.typeName))") }
            args.append(v); exprefs.append(nil)
        }
        switch name {
        case "abs":
            if case .int(let i) = args[0] { return .int(abs(i)) }
            return .double(abs(args[0].number!))
        case "avg":
            let a = args[0].array!
            return a.isEmpty ? .null : .double(a.reduce(0) { $0 + $1.number! } / Double(a.count))
        case "sum": return sum(args[0].array!)
        case "ceil": return integral(args[0].number!.rounded(.up))
        case "floor": return integral(args[0].number!.rounded(.down))
        case "contains":
            if let s = args[0].string { return .bool(args[1].string.map { s.contains($0) || $0.isEmpty } ?? false) }
            return .bool(args[0].array!.contains(args[1]))
        case "starts_with": return .bool(args[0].string!.unicodeScalars.starts(with: args[1].string!.unicodeScalars))
        case "ends_with": return .bool(args[0].string!.unicodeScalars.reversed().starts(with: args[1].string!.unicodeScalars.reversed()))
        case "join": return .string(args[1].array!.map { $0.string! }.joined(separator: args[0].string!))
        case "keys": return .array(args[0].object!.keys.map(JSON.string))
        case "values": return .array(args[0].object!.values)
        case "length":
            switch args[0] {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            default: throw .type("length() needs a string, array or object, got \(args[0].typeName)")
            }
        case "map":
            var out: [JSON] = []
            for e in args[1].array! { out.append(try Evaluator.eval(exprefs[0]!, e)) }
            return .array(out)
        case "max", "min":
            let a = args[0].array!
            guard !a.isEmpty else { return .null }
            try homogeneous(a, name)
            return a.dropFirst().reduce(a[0]) { best, e in (name == "max" ? less(best, e) : less(e, best)) ? e : best }
        case "max_by", "min_by":
            let a = args[0].array!
            guard !a.isEmpty else { return .null }
            let keys = try keyed(a, exprefs[1]!, name)
            var best = 0
            for i in 1..<a.count where name == "max_by" ? less(keys[best], keys[i]) : less(keys[i], keys[best]) { best = i }
            return a[best]
        case "merge":
            var o = JSONObject()
            for a in args { for (k, v) in a.object! { o[k] = v } }
            return .object(o)
        case "not_null": return args.first { !$0.isNull } ?? .null
        case "reverse":
            if let s = args[0].string { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .array(args[0].array!.reversed())
        case "sort":
            let a = args[0].array!
            try homogeneous(a, name)
            return .array(stableSorted(a, keys: a))
        case "sort_by":
            let a = args[0].array!
            return .array(stableSorted(a, keys: try keyed(a, exprefs[1]!, name)))
        case "to_array": return args[0].array != nil ? args[0] : .array([args[0]])
        case "to_string": return args[0].string != nil ? args[0] : .string(args[0].serialized)
        case "to_number":
            switch args[0] {
            case .int, .double: return args[0]
            case .string(let s):
                if let v = try? JSON.parse(s), v.number != nil { return v }
                return .null
            default: return .null
            }
        case "type": return .string(args[0].typeName)
        default: throw JMESPathError(kind: .unknownFunction, message: "unknown function \(name)()")
        }
    }

    static func matches(_ v: JSON, _ t: ArgType) -> Bool {
        switch t {
        case .any: true
        case .number: v.number != nil
        case .string: v.string != nil
        case .array: v.array != nil
        case .object: v.object != nil
        case .arrayOfNumbers: v.array.map { $0.allSatisfy { $0.number != nil } } ?? false
        case .arrayOfStrings: v.array.map { $0.allSatisfy { $0.string != nil } } ?? false
        case .arrayOrString: v.array != nil || v.string != nil
        case .arrayOrObject: v.array != nil || v.object != nil
        case .expref: false
        }
    }

    static func integral(_ d: Double) -> JSON { abs(d) < 9e15 ? .int(Int(d)) : .double(d) }

    static func sum(_ a: [JSON]) -> JSON {
        if a.allSatisfy({ if case .int = $0 { true } else { false } }) { return .int(a.reduce(0) { $0 + $1.int! }) }
        return .double(a.reduce(0) { $0 + $1.number! })
    }

    /// All numbers or all strings.
    static func homogeneous(_ a: [JSON], _ name: String) throws(JMESPathError) {
        guard a.allSatisfy({ $0.number != nil }) || a.allSatisfy({ $0.string != nil }) else {
            throw .type("\(name)() needs an array of only numbers or only strings")
        }
    }

    static func keyed(_ a: [JSON], _ e: Node, _ name: String) throws(JMESPathError) -> [JSON] {
        var keys: [JSON] = []
        for x in a { keys.append(try Evaluator.eval(e, x)) }
        guard keys.allSatisfy({ $0.number != nil }) || keys.allSatisfy({ $0.string != nil }) else {
            throw .type("\(name)() expression must give only numbers or only strings")
        }
        return keys
    }

    /// Orders numbers numerically and strings by code point (as Python does).
    static func less(_ a: JSON, _ b: JSON) -> Bool {
        if let x = a.number, let y = b.number { return x < y }
        if let x = a.string, let y = b.string { return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) }
        return false
    }

    static func stableSorted(_ a: [JSON], keys: [JSON]) -> [JSON] {
        a.indices.sorted { i, j in less(keys[i], keys[j]) || (!less(keys[j], keys[i]) && i < j) }.map { a[$0] }
    }
}
