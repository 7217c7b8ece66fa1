import Escaping
import JSON
import JupyterKernel

/// `%help`: what the kernel understands, or one command's usage.
struct HelpMagic: Magic {
    static let topic = Positional<String>("COMMAND").optional()
    let declaration = CommandDeclaration(
        name: "help", summary: "Show the commands, or the usage of one command.", positionals: [Self.topic], examples: ["%help", "%help echo"],
        notes: "Also: put ? after a command (%echo?) for its help in the pager, or press Shift-Tab on it.")

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let registry = session.registry
        if let topic = call.arguments[Self.topic] {
            let bare = String(topic.drop { $0 == "%" })
            guard let m = registry[bare] else {
                throw .usage("help: no command named '\(topic)'; try %lsmagic", command: nil)
            }
            session.output.display(HelpPages.bundle(title: "%\(m.name)", text: m.helpText))
            return nil
        }
        session.output.display(HelpPages.overview(registry))
        return nil
    }

    func completePositional(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        args.isEmpty ? session.registry.all.map(\.name).filter { $0.hasPrefix(prefix) } : []
    }
}
