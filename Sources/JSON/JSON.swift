/// A JSON value. Objects keep their keys in insertion order; numbers keep the distinction
/// between integers and floating point so that documents round-trip as they were written.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON: Equatable {
    /// Structural equality: objects compare without regard to key order, numbers compare by
    /// exact value (`1 == 1.0`, but 2^53 + 1 is not 2^53), and strings by their Unicode scalars
    /// (so "é" and "e\u{301}" differ, as in JSON, though Swift's strings are equal).
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return compareNumbers(lhs, rhs) == 0
        }
    }

    /// Compares two numbers by their exact values: integers as integers, and an integer with a
    /// double without first rounding the integer to a double (which would make 2^53 + 1 equal
    /// 2^53). Negative, zero or positive as `a` is less than, equal to or greater than `b`; nil
    /// when either is not a number, or is NaN.
    public static func compareNumbers(_ a: JSON, _ b: JSON) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : x == y ? 0 : 1
        case let (.double(x), .double(y)): return x.isNaN || y.isNaN ? nil : x < y ? -1 : x == y ? 0 : 1
        case let (.int(x), .double(y)): return compare(x, y)
        case let (.double(x), .int(y)): return compare(y, x).map { -$0 }
        default: return nil
        }
    }

    /// An integer against a double, exactly.
    static func compare(_ i: Int, _ d: Double) -> Int? {
        if d.isNaN { return nil }
        // 2^63 is the first double past Int.max; -2^63 is Int.min itself.
        if d >= 9_223_372_036_854_775_808.0 { return -1 }
        if d < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = d.rounded(.towardZero)  // in Int's range now
        let w = Int(whole)
        if i != w { return i < w ? -1 : 1 }
        return d == whole ? 0 : d > whole ? -1 : 1
    }
}

extension JSON {
    /// The value as a `Double` when it is a number.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
    /// The value when it is a string.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The value when it is an integer (or a double with an integral value).
    public var int: Int? {
        switch self {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: Int(d)
        default: nil
        }
    }
    /// The value when it is a boolean.
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The elements when the value is an array.
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    /// The members when the value is an object.
    public var object: JSONObject? { if case .object(let o) = self { o } else { nil } }
    /// True for `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Member lookup on objects; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Builds an object from key/value pairs, keeping their order.
    public static func obj(_ pairs: KeyValuePairs<String, JSON>) -> JSON {
        var o = JSONObject()
        for (k, v) in pairs { o[k] = v }
        return .object(o)
    }

    /// The JSON type name used in error messages ("object", "array", …).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSON: ExpressibleByStringInterpolation {
    public init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o = JSONObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

/// A JSON object: members in insertion order. Small objects (most API documents) are searched
/// in order; past `indexThreshold` members a hashed index is kept too. Building a hash table for
/// every small object was most of the cost of parsing a large listing. Keys are told apart by
/// their Unicode scalars, as JSON does, not by canonical equivalence as Swift's strings are.
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var keys: [String] = []
    /// The values, in the order of `keys`.
    public private(set) var values: [JSON] = []
    private var index: [Key: Int]?

    /// A key hashed and compared by its UTF-8 bytes.
    struct Key: Hashable {
        let string: String
        static func == (a: Key, b: Key) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
        func hash(into hasher: inout Hasher) {
            var s = string
            s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    static let indexThreshold = 48

    public init() {}

    /// The number of members.
    public var count: Int { keys.count }
    /// True when there are no members.
    public var isEmpty: Bool { keys.isEmpty }

    func position(of key: String) -> Int? {
        if let index { return index[Key(string: key)] }
        // Lengths first: most keys of a document differ in length, and that test is cheap.
        let n = key.utf8.count
        return keys.firstIndex { $0.utf8.count == n && $0.utf8.elementsEqual(key.utf8) }
    }

    /// Gets or sets a member. Setting `nil` removes it; setting an existing key keeps its place.
    public subscript(key: String) -> JSON? {
        get { position(of: key).map { values[$0] } }
        set {
            if let v = newValue {
                if let i = position(of: key) {
                    values[i] = v
                } else {
                    keys.append(key)
                    values.append(v)
                    if index != nil {
                        index![Key(string: key)] = keys.count - 1
                    } else if keys.count > JSONObject.indexThreshold {
                        index = JSONObject.index(of: keys)
                    }
                }
            } else if let i = position(of: key) {
                keys.remove(at: i)
                values.remove(at: i)
                if index != nil { index = JSONObject.index(of: keys) }
            }
        }
    }

    static func index(of keys: [String]) -> [Key: Int] {
        Dictionary(uniqueKeysWithValues: zip(keys.lazy.map { Key(string: $0) }, keys.indices))
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSON)> {
        zip(keys, values).lazy.map { (key: $0.0, value: $0.1) }.makeIterator()
    }

    /// Equal members, in any order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.count == b.count else { return false }
        if a.keys.elementsEqual(b.keys, by: { $0.utf8.elementsEqual($1.utf8) }) { return a.values == b.values }
        for (k, v) in zip(a.keys, a.values) where b[k] != v { return false }
        return true
    }
}
