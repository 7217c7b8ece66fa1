import JSON
import JupyterKernel

/// `%globus vars [NAME]`: the results kept with `--as NAME`; `%globus vars set NAME=JSON` keeps
/// a value typed (what papermill's parameters cell and injected parameters are made of).
struct VarsCommand: GlobusSubcommand {
    static let declaration = CommandDeclaration(
        name: "vars", verbs: [.init("", "[NAME]"), .init("set", "NAME=JSON")],
        summary: "Show the values kept with --as NAME or set with 'vars set NAME=JSON'; use them in later lines as @{NAME} or @{NAME.PATH} (a JMESPath path). "
            + "After 'set', the rest of the line is one JSON value, taken as typed (strings in double quotes).",
        examples: [
            "%globus vars set label=\"nightly\"\n%globus vars set paths=[\"/~/a\", \"/~/b c\"]\n%globus ls SRC:@{paths[0]}",
            "%globus transfer SRC:/~/data DST:/~/data --recursive --as task\n%globus task wait @{task.task_id}",
            "%globus vars"
        ])
    static var needsGlobus: Bool { false }
    static var verbatimVerbs: [String] { ["set"] }

    enum Action {
        /// Every kept value, or the one named.
        case show(String?)
        /// Keep a value typed.
        case set(String, JSON)
    }

    var action: Action

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        if a.positionals.first == "set" {
            // `%globus vars 'set' …` is split into words; only plain `set` takes the line as typed.
            guard let tail = a.tail, a.positionals.count == 1 else { throw Self.usage("write set plainly: %globus vars set NAME=JSON") }
            let (name, value) = try Self.assignment(tail)
            action = .set(name, value)
            return
        }
        guard a.positionals.count <= 1 else { throw Self.usage("give at most one NAME") }
        action = .show(a.positionals.first)
    }

    /// `NAME=JSON` read: a kept value's name, then one JSON value (spaces around either are allowed).
    static func assignment(_ text: String) throws(MagicError) -> (String, JSON) {
        let example = "for example %globus vars set label=\"nightly\""
        guard let eq = text.unicodeScalars.firstIndex(of: "=") else {
            throw usage("set takes NAME=JSON, \(example)")
        }
        let name = String(text.unicodeScalars[..<eq]).trimmed
        let json = String(text.unicodeScalars[text.unicodeScalars.index(after: eq)...]).trimmed
        guard isValidName(name) else { throw usage("set: '\(name)' is not a valid name (\(KeptValues.nameRule))") }
        guard !json.isEmpty else { throw usage("set \(name): give a JSON value after '=', \(example)") }
        let value: JSON
        do { value = try JSON.parse(json) } catch {
            let shown = json.unicodeScalars.count > 60 ? String(String.UnicodeScalarView(json.unicodeScalars.prefix(60))) + "…" : json
            throw usage("set \(name): \(shown) is not JSON (\(error.description)); strings go in double quotes, \(example)")
        }
        if let big = inexactInteger(in: json) {
            throw usage("set \(name): \(big) is beyond the 64-bit integers kept exactly (it would become \(JSON.double(Double(big) ?? 0).serialized)); write it as a string")
        }
        return (name, value)
    }

    /// The first integer written in a (valid) JSON text that does not fit in 64 bits: the parser
    /// would keep it as a float, changed.
    static func inexactInteger(in json: String) -> String? {
        var inString = false, escaped = false
        var token = ""
        for c in json.unicodeScalars + [" "] {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c == "-" || c == "+" || c == "." || c == "e" || c == "E" || ("0"..."9").contains(c) {
                token.unicodeScalars.append(c)
                continue
            }
            if !token.isEmpty, !token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), Int(token) == nil { return token }
            token = ""
            inString = c == "\""
        }
        return nil
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        switch action {
        case .set(let name, let value):
            try g.session.kept.keep(name, value, secrets: g.session.secretMask(), from: .typed)
            let text = value.serialized
            g.output.stream(.stdout, "\(name) = \(text.count > 200 ? String(text.prefix(200)) + "…" : text)\n")
            return nil
        case .show(let name):
            return try show(name, g.session.kept)
        }
    }

    func show(_ name: String?, _ kept: KeptValues) throws(MagicError) -> MimeBundle {
        if let name {
            guard let v = kept[name] else { throw Self.usage("nothing is kept as '\(name)'; kept: \(kept.order.isEmpty ? "none" : kept.order.joined(separator: ", "))") }
            return Rendering.bundle(for: v, format: .json)
        }
        if kept.order.isEmpty {
            return MimeBundle(text: "Nothing is kept yet. Add --as NAME to a command (ls, transfer, task, call, …) to keep its result, or set one with %globus vars set NAME=JSON.")
        }
        let rows: [[String]] = kept.order.map { n in
            let v = kept[n]!
            let summary = v["DATA_TYPE"]?.string ?? (v.array.map { "\($0.count) items" } ?? (v.object.map { "\($0.count) keys" } ?? v.serialized))
            return ["@{\(n)}", String(summary.prefix(60))]
        }
        var b = MimeBundle(text: Rendering.columns(["Name", "What"], rows))
        var o = JSONObject()
        for n in kept.order { o[n] = kept[n]! }
        b["application/json"] = .object(o)
        return b
    }

    static func completePositional(_ positionals: [String], prefix: String) -> [String] {
        positionals.isEmpty && "set".hasPrefix(prefix) ? ["set"] : []
    }
}
