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
        "type": ([.any], false)
    ]

    /// Evaluates a call: the arity, then the arguments in order, each checked against its type,
    /// then the function. Only this, `Arguments.add` and `withExpression` recurse into the
    /// evaluator; the large `apply` does not, so its frame is never on the stack more than once.
    static func call(_ evaluator: inout Evaluator, _ node: Node, _ current: JSON) throws(JMESPathError) -> JSON {
        guard case .function(let name, let argNodes) = node else { return .null }
        var args = try Arguments(name, count: argNodes.count)
        for n in argNodes { try args.add(n, current, &evaluator) }
        if let expression = args.expression { return try withExpression(name, args.values, expression, &evaluator) }
        let result = try apply(name, args.values)
        // What a function builds is paid for (a `join` or `to_string` of a value built to be
        // large); what it picks out of its arguments was paid for already.
        if name == "join" || name == "to_string" || name == "merge" { try evaluator.charge(sizeOf: result) }
        return result
    }

    /// The arguments of a call, as they are evaluated and checked.
    struct Arguments {
        let name: String
        let types: [ArgType]
        /// The values; null in an expression reference's place.
        var values: [JSON] = []
        /// The expression of the expression reference (`&e`) among them, if any.
        var expression: Node?

        /// Checks the number of arguments of `name`.
        init(_ name: String, count: Int) throws(JMESPathError) {
            guard let (types, variadic) = signatures[name] else { throw .unknownFunction(name) }
            if variadic ? count < types.count : count != types.count {
                throw JMESPathError(kind: .invalidArity, message: "\(name)() takes \(variadic ? "at least " : "")\(types.count) argument(s), got \(count)")
            }
            self.name = name
            self.types = types
        }

        /// Evaluates the next argument and checks its type.
        mutating func add(_ node: Node, _ current: JSON, _ evaluator: inout Evaluator) throws(JMESPathError) {
            let type = types[min(values.count, types.count - 1)]
            if type == .expref || node.isExpressionReference { return try addExpression(node, type) }
            values.append(try checked(evaluator.eval(node, current), type))
        }

        /// An expression reference where one is wanted; an error where one is not, or is missing.
        mutating func addExpression(_ node: Node, _ type: ArgType) throws(JMESPathError) {
            let k = values.count + 1
            guard type == .expref else { throw .type("\(name)() argument \(k) cannot be an expression reference") }
            guard case .expref(let inner) = node else { throw .type("\(name)() argument \(k) must be an expression (&…)") }
            expression = inner
            values.append(.null)
        }

        func checked(_ v: JSON, _ type: ArgType) throws(JMESPathError) -> JSON {
            guard matches(v, type) else { throw .type("\(name)() argument \(values.count + 1) has the wrong type (\(v.typeName))") }
            return v
        }
    }

    /// The functions that take an expression reference and evaluate it against each element.
    static func withExpression(_ name: String, _ args: [JSON], _ expression: Node, _ evaluator: inout Evaluator) throws(JMESPathError) -> JSON {
        if name == "map" {
            var out: [JSON] = []
            for e in args[1].array! { out.append(try evaluator.eval(expression, e)) }
            return .array(out)
        }
        let a = args[0].array!
        let keys = try keyed(a, expression, name, &evaluator)
        if name == "sort_by" { return .array(stableSorted(a, keys: keys)) }
        guard !a.isEmpty else { return .null }
        var best = 0
        for i in 1..<a.count where name == "max_by" ? less(keys[best], keys[i]) : less(keys[i], keys[best]) { best = i }
        return a[best]
    }

    /// The functions that only take values.
    static func apply(_ name: String, _ args: [JSON]) throws(JMESPathError) -> JSON {
        switch name {
        case "abs":
            // |Int.min| is past Int.max: it becomes a double, as so large a JSON number would.
            if case .int(let i) = args[0] { return i == .min ? .double(-Double(i)) : .int(abs(i)) }
            return .double(abs(args[0].number!))
        case "avg":
            let a = args[0].array!
            return a.isEmpty ? .null : .double(sum(a).number! / Double(a.count))
        case "sum": return sum(args[0].array!)
        case "ceil", "floor":
            if case .int = args[0] { return args[0] }  // whole already; through a double it could change
            return integral(args[0].number!.rounded(name == "ceil" ? .up : .down))
        case "contains":
            if let s = args[0].string { return .bool(args[1].string.map { s.containsScalars(of: $0) } ?? false) }
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
        case "max", "min":
            let a = args[0].array!
            guard !a.isEmpty else { return .null }
            try homogeneous(a, name)
            return a.dropFirst().reduce(a[0]) { best, e in (name == "max" ? less(best, e) : less(e, best)) ? e : best }
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

    /// A whole number as an integer when it fits, else as the double it is.
    static func integral(_ d: Double) -> JSON { Int(exactly: d).map(JSON.int) ?? .double(d) }

    /// The sum of numbers as Python's `sum` adds them: a leading run of integers exactly (a
    /// total past the range of Int becomes the nearest double), then on in floating point from
    /// the first double.
    static func sum(_ a: [JSON]) -> JSON {
        var exact: Int128 = 0  // cannot overflow: |each| <= 2^63, and there are far fewer than 2^64 of them
        var k = a.startIndex
        while k < a.endIndex, case .int(let i) = a[k] {
            exact += Int128(i)
            k += 1
        }
        if k == a.endIndex { return Int(exactly: exact).map(JSON.int) ?? .double(Double(exact)) }
        var total = Double(exact)
        for e in a[k...] { total += e.number! }
        return .double(total)
    }

    /// All numbers or all strings.
    static func homogeneous(_ a: [JSON], _ name: String) throws(JMESPathError) {
        guard a.allSatisfy({ $0.number != nil }) || a.allSatisfy({ $0.string != nil }) else {
            throw .type("\(name)() needs an array of only numbers or only strings")
        }
    }

    static func keyed(_ a: [JSON], _ e: Node, _ name: String, _ evaluator: inout Evaluator) throws(JMESPathError) -> [JSON] {
        var keys: [JSON] = []
        for x in a { keys.append(try evaluator.eval(e, x)) }
        guard keys.allSatisfy({ $0.number != nil }) || keys.allSatisfy({ $0.string != nil }) else {
            throw .type("\(name)() expression must give only numbers or only strings")
        }
        return keys
    }

    /// Orders numbers by their exact values and strings by code point (as Python does).
    static func less(_ a: JSON, _ b: JSON) -> Bool {
        if let order = JSON.compareNumbers(a, b) { return order < 0 }
        if let x = a.string, let y = b.string { return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) }
        return false
    }

    static func stableSorted(_ a: [JSON], keys: [JSON]) -> [JSON] {
        a.indices.sorted { i, j in less(keys[i], keys[j]) || (!less(keys[j], keys[i]) && i < j) }.map { a[$0] }
    }
}
