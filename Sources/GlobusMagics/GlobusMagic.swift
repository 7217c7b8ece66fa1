import GlobusSDK
import JSON
import JupyterKernel

/// `%globus SUBCOMMAND …`: log in to Globus and call its APIs. Each subcommand is its own type
/// (`GlobusSubcommands.all`); this magic parses its words, runs it, and completes and explains
/// it from the same declarations.
final class GlobusMagic: CellMagic, @unchecked Sendable {
    let declaration = CommandDeclaration(
        name: "globus", synopsis: "SUBCOMMAND [ARGS…]", summary: "Log in to Globus and call its APIs (%globus help for the subcommands).",
        optionsBeforePositionals: true, notes: HelpPages.subcommandList)
    let session: GlobusSession

    init(session: GlobusSession) {
        self.session = session
    }

    func run(_ call: Invocation, in cell: MagicSession) throws(MagicError) -> MimeBundle? {
        guard let first = call.words.first else { return HelpPages.bundle(title: "%globus", text: HelpPages.globusOverview) }
        guard let sub = GlobusSubcommands.named(first) else {
            throw .usage("globus: unknown subcommand '\(first)'. Subcommands: \(GlobusSubcommands.names.joined(separator: ", ")).", command: "globus")
        }
        if call.body != nil && !sub.takesCellBody {
            throw .usage("%%globus works with call only (the cell body is the request body)", command: "globus")
        }
        var words = Array(call.words.dropFirst())
        let keepAs = sub.keepsResult ? try GlobusMagic.takeKeepName(&words, command: sub.commandName) : nil
        // Kept values go into positionals and option values once the words are parsed: a
        // value that reads like an option (`--body-file=…`) stays a value. A cell body is the
        // command's to fill in, as a document (JSON) or word by word (transfer batches).
        let kept = session.kept
        let grammar = call.body == nil ? sub.declaration.arguments : sub.declaration.cellArguments
        var args = try grammar.parse(words, command: sub.commandName) { (word, slot) throws(MagicError) in
            switch slot {
            case .option(let o): return o.expandsKeptValues ? try kept.expand(word) : word
            case .positional(let before): return try kept.expand(word, encode: sub.keptValueEncoding(positionalAfter: before))
            }
        }
        args.kept = kept
        args.tail = call.tail
        let command = try sub.init(args, body: call.body)
        let g = GlobusContext(session: session, cell: cell)
        if sub.needsGlobus {
            try g.sdk { () throws(GlobusError) in try session.demo.startFromEnvironment() }
            if let banner = session.demo.pendingBanner {
                session.demo.pendingBanner = nil
                cell.output.display(DemoCommand.banner(banner))
            }
            if let warning = session.insecureTLSWarning() { cell.output.stream(.stderr, warning) }
        }
        var result = try command.run(g)
        let keepable = result?["application/json"] ?? result?[Rendering.keptOnly]
        result?[Rendering.keptOnly] = nil
        if let keepAs {
            guard let value = keepable else { throw .usage("\(sub.commandName): there is no result to keep as \(keepAs)", command: sub.commandName) }
            try session.kept.keep(keepAs, value, secrets: session.secretMask())
            cell.output.stream(.stdout, "Kept as \(keepAs): use @{\(keepAs)} or @{\(keepAs).PATH} in later lines (%globus vars lists them).\n")
        }
        if !sub.showsJSONTree, result?["text/html"] != nil { result?["application/json"] = nil }
        return result
    }

    /// The subcommands' verbs that take the rest of the line as typed (`vars set NAME=JSON`).
    func verbatimTail(of line: String) -> (words: [String], tail: String)? {
        for sub in GlobusSubcommands.all {
            for verb in sub.verbatimVerbs {
                let lead = VerbatimTail(lead: [sub.declaration.name, verb])
                if let tail = lead.tail(of: line) { return (lead.lead, tail) }
            }
        }
        return nil
    }

    /// Removes `--as NAME` (or `--as=NAME`) from the words, returning the name.
    static func takeKeepName(_ words: inout [String], command: String) throws(MagicError) -> String? {
        var name: String?
        var i = 0
        while i < words.count {
            if words[i] == "--" { break }
            if words[i] == "--as" {
                guard i + 1 < words.count else { throw .usage("\(command): --as needs a name", command: command) }
                name = words[i + 1]
                words.removeSubrange(i...(i + 1))
            } else if words[i].hasPrefix("--as=") {
                name = String(words[i].dropFirst(5))
                words.remove(at: i)
            } else {
                i += 1
            }
        }
        return name
    }

    func complete(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        if prefix.hasPrefix("@{") { return self.session.kept.order.map { "@{" + $0 + "}" }.filter { $0.hasPrefix(prefix) } }
        guard let first = args.first else { return GlobusSubcommands.names.filter { $0.hasPrefix(prefix) } }
        guard let sub = GlobusSubcommands.named(first) else { return [] }
        if args.last == "--as" && sub.keepsResult { return [] }
        let seen = self.session.seen
        let names = sub.declaration.arguments.complete(Array(args.dropFirst()), prefix: prefix, collectionPaths: seen.complete) { positionals in
            sub.completePositional(positionals, prefix: prefix)
        }
        return sub.keepsResult && "--as".hasPrefix(prefix) && prefix.hasPrefix("-") ? names + ["--as"] : names
    }
}
