// Searches JSON documents with JMESPath expressions, many at a time, for tests that compare this
// implementation with another (Tests/conformance/jmespath_fuzz.py).
//
// Reads cases on standard input, one JSON object a line: {"expression": TEXT, "data": DOCUMENT}.
// Writes one line for each, in order: {"result": VALUE} or {"error": KIND, "message": TEXT}, where
// KIND is a JMESPath error kind (syntax, invalid-type, invalid-value, invalid-arity,
// unknown-function, too-deep), or "input" for a line that is not such a case. Non-finite numbers
// in a result are written as Infinity, -Infinity and NaN, as Python's json module writes them.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JMESPath
import JSON

/// The answer to one input line.
func answer(_ line: String) -> JSON {
    guard let input = try? JSON.parse(line), let expression = input["expression"]?.string, let document = input["data"] else {
        return ["error": "input", "message": "expected {\"expression\": text, \"data\": document}"]
    }
    do {
        return ["result": try JMESPathExpression(expression).search(document)]
    } catch {
        return ["error": .string(error.kind.rawValue), "message": .string(error.message)]
    }
}

/// `value` as a line of JSON, with non-finite numbers as Python writes them.
func write(_ value: JSON, into out: inout String) {
    switch value {
    case .double(let d) where !d.isFinite: out += d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity"
    case .array(let a):
        out += "["
        for (i, e) in a.enumerated() {
            if i > 0 { out += "," }
            write(e, into: &out)
        }
        out += "]"
    case .object(let o):
        out += "{"
        for (i, member) in o.enumerated() {
            if i > 0 { out += "," }
            out += JSON.quoted(member.key) + ":"
            write(member.value, into: &out)
        }
        out += "}"
    default: out += value.serialized
    }
}

while let line = readLine() {
    var out = ""
    write(answer(line), into: &out)
    print(out)
    fflush(nil)  // every output stream: the driver waits for each answer
}
