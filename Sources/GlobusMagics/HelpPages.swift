import Escaping
import JSON
import JupyterKernel

/// The kernel's help pages: the first steps a newcomer takes, the overview of every command
/// (`%help`), `%globus`'s guide, and one command's help as text, Markdown and HTML.
enum HelpPages {
    /// Every `%globus` subcommand with its summary, one a line.
    static var subcommandList: String {
        "Subcommands:\n" + GlobusSubcommands.all.map { "  \($0.declaration.name.padding(to: 9))\($0.declaration.summary)" }.joined(separator: "\n")
            + "\n\nType %globus help SUBCOMMAND for its options and examples."
    }

    /// The names of the `%globus` subcommands, in the order help lists them.
    static var subcommandNames: [String] { GlobusSubcommands.names }

    /// One `%globus` subcommand's help page, if there is a subcommand of that name.
    static func subcommand(_ name: String) -> MimeBundle? {
        GlobusSubcommands.named(name).map { bundle(title: "%globus \($0.declaration.name)", text: $0.helpText) }
    }

    /// The first steps, one cell each, as a newcomer would take them (`%globus` alone, `%globus
    /// help`, and the top of `%help`).
    static let firstSteps: [(String, String)] = [
        ("%globus login", "sign in: open the link, paste the code back"),
        ("%globus whoami", "who you are signed in as"),
        ("%globus collection search tutorial", "find collections by name"),
        ("%globus ls 'Globus Tutorial Collection 1':/~/", "list a collection's files"),
        ("%globus transfer 'Globus Tutorial Collection 1':/~/file1.txt 'Globus Tutorial Collection 2':/~/file1.txt --as t", "copy a file (kept as t)"),
        ("%globus task wait @{t.task_id}", "watch it move, live"),
        ("%globus call transfer GET /task_list --format table", "any Globus API call")
    ]

    /// A short guide that starts with examples: first steps, demo mode, then every subcommand.
    static var globusOverview: String {
        "Start here (one cell each):\n" + firstSteps.map { "  \($0.0)\n      \($0.1)" }.joined(separator: "\n")
            + "\n\nNo Globus login at hand? %globus demo on runs these against an offline Globus on this machine.\n\n"
            + subcommandList
    }

    /// The overview of every command, as text, Markdown and HTML.
    static func overview(_ registry: MagicRegistry) -> MimeBundle {
        let rows = registry.all.map { ("%" + $0.name, $0.usage, $0.summary) }
        var text =
            "Start here (one cell each):\n" + firstSteps.map { "  \($0.0)\n      \($0.1)" }.joined(separator: "\n")
            + "\n\nThe Globus kernel runs one command per line:\n\n"
        for r in rows { text += "  \(r.1.padding(to: 34))\(r.2)\n" }
        text += "\nType %help COMMAND, or COMMAND? (for example %echo?), for details."
        var md =
            "**Start here** (one cell each):\n\n" + firstSteps.map { "- `\($0.0)`: \($0.1)" }.joined(separator: "\n")
            + "\n\n**The Globus kernel** runs one command per line.\n\n| Command | What it does |\n|---|---|\n"
        for r in rows { md += "| `\(r.1)` | \(r.2) |\n" }
        md += "\nType `%help COMMAND`, or `COMMAND?`, for details."
        var html =
            "<p><b>Start here</b> (one cell each):</p><ul>"
            + firstSteps.map { "<li><code>\(HTML.escape($0.0))</code>: \(HTML.escape($0.1))</li>" }.joined() + "</ul>"
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
