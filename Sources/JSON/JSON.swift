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
    /// Structural equality: objects compare without regard to key order, and numbers
    /// compare by value (`1 == 1.0`).
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default:
            if let a = lhs.number, let b = rhs.number { return a == b }
            return false
        }
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
/// every small object was most of the cost of parsing a large listing.
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var keys: [String] = []
    /// The values, in the order of `keys`.
    public private(set) var values: [JSON] = []
    private var index: [String: Int]?

    static let indexThreshold = 48

    public init() {}

    /// The number of members.
    public var count: Int { keys.count }
    /// True when there are no members.
    public var isEmpty: Bool { keys.isEmpty }

    func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Lengths first: most keys of a document differ in length, and that test is cheap.
        let n = key.utf8.count
        return keys.firstIndex { $0.utf8.count == n && $0 == key }
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
                        index![key] = keys.count - 1
                    } else if keys.count > JSONObject.indexThreshold {
                        index = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
                    }
                }
            } else if let i = position(of: key) {
                keys.remove(at: i)
                values.remove(at: i)
                if index != nil { index = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices)) }
            }
        }
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSON)> {
        zip(keys, values).lazy.map { (key: $0.0, value: $0.1) }.makeIterator()
    }

    /// Equal members, in any order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.count == b.count else { return false }
        if a.keys == b.keys { return a.values == b.values }
        for (k, v) in zip(a.keys, a.values) where b[k] != v { return false }
        return true
    }
}
