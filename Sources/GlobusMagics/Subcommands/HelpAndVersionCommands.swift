import GlobusSDK
import JupyterKernel

/// `%globus help [SUBCOMMAND]`.
struct GlobusHelpCommand: GlobusSubcommand {
    static let declaration = CommandDeclaration(
        name: "help", usage: "%globus help [SUBCOMMAND]", summary: "Show the subcommands, or one subcommand's usage.",
        examples: ["%globus help", "%globus help call"])
    static var needsGlobus: Bool { false }

    var topic: (any GlobusSubcommand.Type)?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard let name = a.positionals.first else { return }
        guard let sub = GlobusSubcommands.named(name) else {
            throw Self.usage("no subcommand '\(name)'; subcommands: \(GlobusSubcommands.names.joined(separator: ", "))")
        }
        topic = sub
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] {
        pos.isEmpty ? GlobusSubcommands.names.filter { $0.hasPrefix(prefix) } : []
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        if let topic { return HelpMagic.bundle(title: "%globus \(topic.declaration.name)", text: topic.helpText) }
        return HelpMagic.bundle(title: "%globus", text: GlobusMagic.overview)
    }
}

/// `%globus version`.
struct VersionCommand: GlobusSubcommand {
    static let declaration = CommandDeclaration(
        name: "version", usage: "%globus version", summary: "Show the versions of the kernel, the SDK and the libraries.",
        examples: ["%globus version", "%globus help"])
    static var needsGlobus: Bool { false }

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {}

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        MimeBundle(
            text: "globus-kernel \(GlobusInterpreter.version)\nGlobus SDK for Swift \(SDKInfo.version) (token files compatible with globus-sdk \(SDKInfo.pythonCompatibleVersion))")
    }
}
