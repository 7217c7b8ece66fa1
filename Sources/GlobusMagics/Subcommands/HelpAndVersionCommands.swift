import GlobusSDK
import JupyterKernel

/// `%globus help [SUBCOMMAND]`.
struct GlobusHelpCommand: GlobusSubcommand {
    static let subcommand = Positional<String>("SUBCOMMAND").optional()
    static let declaration = CommandDeclaration(
        name: "help", summary: "Show the subcommands, or one subcommand's usage.", positionals: [Self.subcommand],
        examples: ["%globus help", "%globus help call"])
    static var needsGlobus: Bool { false }

    /// The subcommand's help page, or the guide to them all.
    var page: MimeBundle

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard let name = a[Self.subcommand] else {
            page = HelpPages.bundle(title: "%globus", text: HelpPages.globusOverview)
            return
        }
        guard let found = HelpPages.subcommand(name) else {
            throw Self.usage("no subcommand '\(name)'; subcommands: \(HelpPages.subcommandNames.joined(separator: ", "))")
        }
        page = found
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] {
        pos.isEmpty ? HelpPages.subcommandNames.filter { $0.hasPrefix(prefix) } : []
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? { page }
}

/// `%globus version`.
struct VersionCommand: GlobusSubcommand {
    static let declaration = CommandDeclaration(
        name: "version", summary: "Show the versions of the kernel, the SDK and the libraries.",
        positionals: [], examples: ["%globus version", "%globus help"])
    static var needsGlobus: Bool { false }

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {}

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        MimeBundle(
            text: "globus-kernel \(KernelVersion.current)\nGlobus SDK for Swift \(SDKInfo.version) (token files compatible with globus-sdk \(SDKInfo.pythonCompatibleVersion))")
    }
}
