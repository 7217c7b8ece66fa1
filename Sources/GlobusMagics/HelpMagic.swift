import Escaping
import JSON
import JupyterKernel

/// `%help`: what the kernel understands, or one command's usage.
struct HelpMagic: Magic {
    let declaration = CommandDeclaration(
        name: "help", usage: "%help [COMMAND]", summary: "Show the commands, or the usage of one command.", examples: ["%help", "%help echo"],
        notes: "Also: put ? after a command (%echo?) for its help in the pager, or press Shift-Tab on it.")

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let registry = session.registry
        if let topic = call.arguments.positionals.first {
            let bare = String(topic.drop { $0 == "%" })
            guard let m = registry[bare] else {
                throw .usage("help: no command named '\(topic)'; try %lsmagic", command: nil)
            }
            session.output.display(HelpMagic.bundle(title: "%\(m.name)", text: m.helpText))
            return nil
        }
        session.output.display(HelpMagic.overview(registry))
        return nil
    }

    func completePositional(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        args.isEmpty ? session.registry.all.map(\.name).filter { $0.hasPrefix(prefix) } : []
    }

    /// The overview of every command, as text, Markdown and HTML.
    static func overview(_ registry: MagicRegistry) -> MimeBundle {
        let rows = registry.all.map { ("%" + $0.name, $0.usage, $0.summary) }
        var text =
            "Start here (one cell each):\n" + GlobusMagic.firstSteps.map { "  \($0.0)\n      \($0.1)" }.joined(separator: "\n")
            + "\n\nThe Globus kernel runs one command per line:\n\n"
        for r in rows { text += "  \(r.1.padding(to: 34))\(r.2)\n" }
        text += "\nType %help COMMAND, or COMMAND? (for example %echo?), for details."
        var md =
            "**Start here** (one cell each):\n\n" + GlobusMagic.firstSteps.map { "- `\($0.0)`: \($0.1)" }.joined(separator: "\n")
            + "\n\n**The Globus kernel** runs one command per line.\n\n| Command | What it does |\n|---|---|\n"
        for r in rows { md += "| `\(r.1)` | \(r.2) |\n" }
        md += "\nType `%help COMMAND`, or `COMMAND?`, for details."
        var html =
            "<p><b>Start here</b> (one cell each):</p><ul>"
            + GlobusMagic.firstSteps.map { "<li><code>\(HTML.escape($0.0))</code>: \(HTML.escape($0.1))</li>" }.joined() + "</ul>"
            + "<p><b>The Globus kernel</b> runs one command per line.</p><table><thead><tr><th>Command</th><th>What it does</th></tr></thead><tbody>"
        for r in rows { html += "<tr><td><code>\(HTML.escape(r.1))</code></td><td>\(HTML.escape(r.2))</td></tr>" }
        html += "</tbody></table><p>Type <code>%help COMMAND</code>, or <code>COMMAND?</code>, for details.</p>"
        var b = MimeBundle(text: text)
        b["text/markdown"] = .string(md)
        b["text/html"] = .string(html)
        return b
    }

    /// One command's help as text, Markdown and HTML.
    static func bundle(title: String, text: String) -> MimeBundle {
        var b = MimeBundle(text: text)
        b["text/markdown"] = .string("### \(title)\n\n```\n\(text)\n```")
        b["text/html"] = .string("<h4>\(HTML.escape(title))</h4><pre>\(HTML.escape(text))</pre>")
        return b
    }
}
