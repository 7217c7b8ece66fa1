import GlobusSDK
import JSON

/// `@{…}` references in a request body, substituted as values, never pasted in as text.
///
/// In a JSON body, `{"label": "@{x}"}` puts the kept text into that one string, whatever it
/// holds (quotes, braces, `", "destination_endpoint": "EVIL`), and `{"DATA": @{items}}` puts a
/// kept array in as that array: the body is parsed with placeholders where the references
/// stand, and the values are placed into the parsed document. A JSON body that names a member
/// twice is refused, references or not (services differ on which one wins). In a form body
/// each value is percent-encoded; any other body takes the text as it is.
extension KeptValues {
    /// What a body becomes once its references are substituted.
    enum Body: Equatable {
        /// A JSON document, with its text to send.
        case json(JSON, text: String)
        /// Not JSON: the text to send.
        case text(String)
    }

    /// `text` with its references substituted as values; `form` when it is sent as
    /// `application/x-www-form-urlencoded`.
    func substitute(intoBody text: String, form: Bool = false) throws(MagicError) -> Body {
        let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var references: [String] = []
        let marked = try markReferences(text, nonce: nonce, into: &references)
        let looksJSON = text.trimmed.first.map { $0 == "{" || $0 == "[" } ?? false
        guard (try? JSON.parse(marked.json)) != nil else {
            if looksJSON { throw .usage("globus call: the request body is not valid JSON (with each @{…} standing for one value)", command: "globus call") }
            return .text(try expand(text, encode: form ? { FormEncoding.escape($0) } : { $0 }))
        }
        let doc = try KeptValues.refuseDuplicateKeys(marked.json)
        if references.isEmpty { return .json(doc, text: text) }
        let filled = try fill(doc, references: references, nonce: nonce)
        return .json(filled, text: filled.serialized)
    }

    /// The text with each reference replaced by a placeholder: inside a JSON string, a marker
    /// `\u{E000}NONCE:N\u{E001}`; outside one, that marker as a JSON string of its own.
    private func markReferences(_ text: String, nonce: String, into references: inout [String]) throws(MagicError) -> (json: String, plain: String) {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var inString = false, escaped = false
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "@", i + 1 < scalars.count, scalars[i + 1] == "@", i + 2 < scalars.count, scalars[i + 2] == "{" {
                out.append(contentsOf: "@{".unicodeScalars)
                i += 3
                continue
            }
            if c == "@", i + 1 < scalars.count, scalars[i + 1] == "{" {
                guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                    throw .usage("unterminated @{ in the request body", command: "globus vars")
                }
                references.append(String(String.UnicodeScalarView(scalars[(i + 2)..<close])))
                let marker = KeptValues.marker(nonce, references.count - 1)
                out.append(contentsOf: (inString ? marker : "\"" + marker + "\"").unicodeScalars)
                i = close + 1
                continue
            }
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            }
            out.append(c)
            i += 1
        }
        return (String(out), text)
    }

    /// The JSON document `text` (null when `text` is not JSON at all), refused when it names a
    /// member twice in one object.
    @discardableResult
    static func refuseDuplicateKeys(_ text: String) throws(MagicError) -> JSON {
        do { return try JSON.parseRejectingDuplicateKeys(text) } catch {
            if (try? JSON.parse(text)) == nil { return .null }
            throw .usage("globus call: the JSON body names a member twice (\(error.message)); a service could act on either one, so it was not sent", command: "globus call")
        }
    }

    static func marker(_ nonce: String, _ n: Int) -> String { "\u{E000}\(nonce):\(n)\u{E001}" }

    /// The document with every placeholder replaced by its value: a string that is just a
    /// placeholder becomes the kept value itself; a placeholder inside a string (or a member
    /// name) becomes the value's text.
    private func fill(_ v: JSON, references: [String], nonce: String) throws(MagicError) -> JSON {
        switch v {
        case .string(let s):
            guard s.contains("\u{E000}\(nonce):") else { return v }
            for (n, reference) in references.enumerated() where s == KeptValues.marker(nonce, n) {
                return try jsonValue(reference)
            }
            return .string(try fillText(s, references: references, nonce: nonce))
        case .array(let a):
            var out: [JSON] = []
            for e in a { out.append(try fill(e, references: references, nonce: nonce)) }
            return .array(out)
        case .object(let o):
            var out = JSONObject()
            for (k, e) in o {
                let key = try fillText(k, references: references, nonce: nonce)
                if out[key] != nil { throw .usage("globus call: the JSON body names the member \"\(key)\" twice once @{…} is filled in; it was not sent", command: "globus call") }
                out[key] = try fill(e, references: references, nonce: nonce)
            }
            return .object(out)
        default: return v
        }
    }

    private func fillText(_ s: String, references: [String], nonce: String) throws(MagicError) -> String {
        var s = s
        for (n, reference) in references.enumerated() {
            let marker = KeptValues.marker(nonce, n)
            if s.contains(marker) { s = s.replacingAll(marker, with: try value(reference)) }
        }
        return s
    }
}
