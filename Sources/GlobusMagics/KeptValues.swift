import JMESPath
import JSON

/// Results kept between cells: `%globus … --as NAME` keeps a command's JSON result, and
/// `@{NAME}` or `@{NAME.PATH}` (a JMESPath expression into it) in a later line stands for it.
/// `@{…}` cannot be taken for `$NAME` environment expansion. Nothing secret is kept: a result
/// holding tokens is refused.
struct KeptValues {
    private(set) var values: [String: JSON] = [:]
    /// Names in the order they were first kept.
    private(set) var order: [String] = []

    /// Keys that mark a secret (a token response, a client secret).
    static let secretKeys: Set<String> = ["access_token", "refresh_token", "id_token", "client_secret", "secret", "password"]

    /// Where a kept value comes from, for what a refusal says: a command's result (`--as NAME`,
    /// which can keep a part of it instead) or a value typed (`%globus vars set NAME=JSON`).
    enum Origin {
        case result, typed

        func label(_ name: String) -> String { self == .result ? "--as \(name)" : "vars set \(name)" }
        var what: String { self == .result ? "result" : "value" }
        var remedy: String { self == .result ? " Keep a part of it instead (for example with --jmespath)." : "" }
    }

    /// Keeps `value` under `name`; refuses names that are not identifiers and values holding
    /// secrets: a member named like one (`access_token`…), or any string holding one of the
    /// kernel's own secrets (`secrets`), however it was picked out.
    mutating func keep(_ name: String, _ value: JSON, secrets: SecretMask, from origin: Origin = .result) throws(MagicError) {
        guard isValidName(name) else { throw .usage("\(origin.label(name)): '\(name)' is not a valid name (\(KeptValues.nameRule))", command: "globus vars") }
        if KeptValues.holdsSecret(value) {
            throw .usage("\(origin.label(name)): this \(origin.what) holds a token or secret, and secrets are never kept.\(origin.remedy)", command: "globus vars")
        }
        if secrets.contains(value) {
            throw .secret(
                "\(origin.label(name)): this \(origin.what) holds one of this kernel's tokens or secrets, which are never kept",
                remedy: "Nothing was kept.\(origin.remedy)")
        }
        if values.updateValue(value, forKey: name) == nil { order.append(name) }
    }

    /// What a kept value's name may be, as messages say it.
    static let nameRule = "letters, digits and _; not starting with a digit"

    static func holdsSecret(_ v: JSON) -> Bool {
        if let o = v.object { return o.contains { secretKeys.contains($0.key.lowercased()) || holdsSecret($0.value) } }
        if let a = v.array { return a.contains(where: holdsSecret) }
        return false
    }

    subscript(name: String) -> JSON? { values[name] }

    /// `word` with each `@{NAME}` / `@{NAME.PATH}` replaced by its text (`encode`d): strings
    /// as they are, other values as compact JSON. `@@{` stands for a literal `@{`.
    func expand(_ word: String, encode: (String) -> String = { $0 }) throws(MagicError) -> String {
        guard word.contains("@{") else { return word }
        var out = ""
        var rest = Substring(word)
        while let r = rest.firstRange(of: "@{") {
            if r.lowerBound > rest.startIndex && rest[rest.index(before: r.lowerBound)] == "@" {
                out += rest[..<rest.index(before: r.lowerBound)] + "@{"
                rest = rest[r.upperBound...]
                continue
            }
            out += rest[..<r.lowerBound]
            guard let close = rest[r.upperBound...].firstIndex(of: "}") else { throw .usage("unterminated @{ in '\(word)'", command: "globus vars") }
            out += encode(try value(String(rest[r.upperBound..<close])))
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The text that `@{reference}` stands for: a string as it is, another value as compact JSON.
    func value(_ reference: String) throws(MagicError) -> String {
        let v = try jsonValue(reference)
        if case .string(let s) = v { return s }
        return v.serialized
    }

    /// The value that `@{reference}` stands for (never null).
    func jsonValue(_ reference: String) throws(MagicError) -> JSON {
        let name = String(reference.prefix { $0 != "." && $0 != "[" })
        guard let doc = values[name] else {
            let known = order.isEmpty ? "nothing is kept yet (keep a result with --as NAME)" : "kept: \(order.joined(separator: ", "))"
            throw .usage("@{\(reference)}: no kept value named '\(name)'; \(known)", command: "globus vars")
        }
        var v = doc
        var path = reference.dropFirst(name.count)
        if path.hasPrefix(".") { path = path.dropFirst() }
        if !path.isEmpty {
            do { v = try JMESPathExpression(String(path)).search(doc) } catch {
                throw .usage("@{\(reference)}: \(error)", command: "globus vars")
            }
        }
        if case .null = v { throw .usage("@{\(reference)} is empty (null): nothing there in \(name)", command: "globus vars") }
        return v
    }
}
