import GlobusSDK
import JSON
import JupyterKernel

/// `%globus whoami`: who is logged in (and, with `--linked-identities`, every linked identity).
struct WhoamiCommand: GlobusSubcommand {
    static let linkedIdentities = Flag("--linked-identities", help: "list every linked identity")
    static let declaration = CommandDeclaration(
        name: "whoami", summary: "Show who is logged in.",
        options: [linkedIdentities], positionals: [], examples: ["%globus whoami", "%globus whoami --linked-identities"])

    var linked: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        linked = a[Self.linkedIdentities]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        guard !app.isClientApp else {
            return MimeBundle(text: "Service account: client \(app.clientID) (GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET)")
        }
        // Globus Auth lists linked identities only to tokens with view_identity_set (as the
        // Globus CLI asks for it); a token without it logs in for it first.
        let info = try g.userinfo(app, scopes: linked ? [AuthClient.scopes.viewIdentitySet] : [])
        if linked {
            let ids = info["identity_set"]?.array ?? []
            var b = Rendering.bundle(for: ["identity_set": .array(ids)], format: .auto)
            b["text/plain"] = .string(ids.compactMap { $0["username"]?.string }.joined(separator: "\n"))
            return b
        }
        var lines = [info["preferred_username"]?.string ?? "?"]
        if let n = info["name"]?.string { lines.append("Name:  \(n)") }
        if let i = info["sub"]?.string { lines.append("ID:    \(i)") }
        if let e = info["email"]?.string { lines.append("Email: \(e)") }
        var b = MimeBundle(text: lines.joined(separator: "\n"))
        b["application/json"] = info
        return b
    }
}
