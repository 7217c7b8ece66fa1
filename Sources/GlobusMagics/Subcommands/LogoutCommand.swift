import GlobusSDK
import JupyterKernel

/// `%globus logout`: revoke and remove every token of the app, and forget the identity.
struct LogoutCommand: GlobusSubcommand {
    static let all = Flag("--all", help: "kept for compatibility: logout always removes every token of the app")
    static let declaration = CommandDeclaration(
        name: "logout",
        summary:
            "Revoke and remove every token this kernel's app has stored (all services) and forget the identity, so someone else can log in. --all is accepted and means the same.",
        options: [all], positionals: [], examples: ["%globus logout", "%globus logout\n%globus login"])

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        // Every token of the app's namespace, not only this session's services: a token left
        // behind would keep the person logged in for the next one (as a sweep in the Python SDK).
        let removed: [String]
        defer { g.session.pending = nil }
        do { removed = try app.logout(sweep: true, isCancelled: g.isCancelled) } catch {
            if case .cancelled = error {
                throw .interruptedPartway(
                    "logout interrupted: the tokens were removed from this computer, but not all were revoked at Globus",
                    then: ["They expire on their own."])
            }
            throw .globus(error)
        }
        g.output.stream(.stdout, removed.isEmpty ? "Nothing to log out of.\n" : "Logged out: revoked and removed the tokens for \(removed.joined(separator: ", ")).\n")
        return nil
    }
}
