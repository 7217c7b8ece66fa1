import GlobusSDK
import JSON
import JupyterKernel

/// `%globus SUBCOMMAND …`: log in to Globus and call its APIs. Each subcommand is its own type
/// (`GlobusSubcommands.all`); this magic parses its words, runs it, and completes and explains
/// it from the same declarations.
final class GlobusMagic: CellMagic, @unchecked Sendable {
    let name = "globus"
    let summary = "Log in to Globus and call its APIs (%globus help for the subcommands)."
    let usage = "%globus SUBCOMMAND [ARGS…]"
    let arguments = ArgumentSpec(options: [], optionsBeforePositionals: true)
    let session: GlobusSession

    init(session: GlobusSession) {
        self.session = session
    }

    var details: String { GlobusMagic.subcommandList }

    static var subcommandList: String {
        "Subcommands:\n" + GlobusSubcommands.all.map { "  \($0.declaration.name.padding(to: 9))\($0.declaration.summary)" }.joined(separator: "\n")
            + "\n\nType %globus help SUBCOMMAND for its options and examples."
    }

    /// `%globus help` without a topic.
    static var overview: String {
        "Usage: %globus SUBCOMMAND [ARGS…]\n\nLog in to Globus and call its APIs.\n\n" + subcommandList
    }

    func run(_ call: Invocation, in cell: MagicSession) throws(MagicError) -> MimeBundle? {
        guard let first = call.words.first else { return HelpMagic.bundle(title: "%globus", text: GlobusMagic.overview) }
        guard let sub = GlobusSubcommands.named(first) else {
            throw .usage("globus: unknown subcommand '\(first)'. Subcommands: \(GlobusSubcommands.names.joined(separator: ", ")).", command: "globus")
        }
        if call.body != nil && !sub.takesCellBody {
            throw .usage("%%globus works with call only (the cell body is the request body)", command: "globus")
        }
        let args = try sub.declaration.arguments.parse(Array(call.words.dropFirst()), command: sub.commandName)
        let command = try sub.init(args, body: call.body)
        let g = GlobusContext(session: session, cell: cell)
        if sub.needsGlobus {
            try g.sdk { () throws(GlobusError) in try session.startDemoFromEnvironment() }
            if let banner = session.pendingBanner {
                session.pendingBanner = nil
                cell.output.display(DemoCommand.banner(banner))
            }
            if let warning = session.insecureTLSWarning() { cell.output.stream(.stderr, warning) }
        }
        return try command.run(g)
    }

    func complete(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        guard let first = args.first else { return GlobusSubcommands.names.filter { $0.hasPrefix(prefix) } }
        guard let sub = GlobusSubcommands.named(first) else { return [] }
        return sub.declaration.arguments.complete(Array(args.dropFirst()), prefix: prefix) { sub.completePositional($0, prefix: prefix) }
    }
}
