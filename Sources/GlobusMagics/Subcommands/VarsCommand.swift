import JSON
import JupyterKernel

/// `%globus vars [NAME]`: the results kept with `--as NAME`.
struct VarsCommand: GlobusSubcommand {
    static let declaration = SubcommandDeclaration(
        name: "vars", usage: "%globus vars [NAME]",
        summary: "Show the results kept with --as NAME; use them in later lines as @{NAME} or @{NAME.PATH} (a JMESPath path).",
        examples: ["%globus transfer SRC:/~/data DST:/~/data --recursive --as task", "%globus vars", "%globus task wait @{task.task_id}"])
    static var needsGlobus: Bool { false }

    var name: String?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard a.positionals.count <= 1 else { throw Self.usage("give at most one NAME") }
        name = a.positionals.first
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let kept = g.session.kept
        if let name {
            guard let v = kept[name] else { throw Self.usage("nothing is kept as '\(name)'; kept: \(kept.order.isEmpty ? "none" : kept.order.joined(separator: ", "))") }
            return Rendering.bundle(for: v, format: .json)
        }
        if kept.order.isEmpty { return MimeBundle(text: "Nothing is kept yet. Add --as NAME to a command (ls, transfer, task, call, …) to keep its result.") }
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
}
