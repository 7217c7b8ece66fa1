import Support
import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%globus session show`: the identities in the login session and when each authenticated.
/// Never a token.
///
/// The kernel signs people in as a native app, and Globus Auth lets only confidential clients
/// introspect tokens (the Globus CLI's `session show` uses its own confidential client). So this
/// reads Auth's userinfo with `view_identity_set`, as Globus serves it: an identity whose
/// `last_authentication` is set is in the session. Whether that authentication used MFA is not
/// told to native apps; the output says so and names the login that requires it.
struct SessionCommand: GlobusSubcommand {
    static let declaration = CommandDeclaration(
        name: "session", verbs: [.init("show")], summary: "Show the identities in your login session and when each authenticated.", positionals: [],
        examples: ["%globus session show", "%globus login --session-identity alice@anl.gov"])
    static var keepsResult: Bool { true }

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
    }

    /// One identity in the session.
    struct Authentication {
        var username: String
        var id: String
        var authTime: Int
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        guard !app.isClientApp else { return MimeBundle(text: "A service account has no login session (client \(app.clientID)).") }
        let (username, auths) = try fromUserinfo(g, app)
        var doc = JSONObject()
        doc["username"] = .string(username)
        doc["authentications"] = .array(auths.map { a in ["username": .string(a.username), "id": .string(a.id), "auth_time": .int(a.authTime)] })
        let header = "Logged in as \(username)"
        let text =
            auths.isEmpty
            ? header + "\n(no identity has authenticated in this session)"
            : header + "\n" + Rendering.columns(["Identity", "ID", "Authenticated"], auths.map { [$0.username, $0.id, Self.time($0.authTime)] })
                + "\nMFA: Globus Auth does not tell native apps whether it was used. To require it: %globus login --mfa --force"
        var b = MimeBundle(text: text)
        b["application/json"] = .object(doc)
        return b
    }

    /// A native app: userinfo's identity set (which needs `view_identity_set`; logs in for it first).
    private func fromUserinfo(_ g: GlobusContext, _ app: GlobusApp) throws(MagicError) -> (String, [Authentication]) {
        let info = try g.userinfo(app, scopes: [AuthClient.scopes.viewIdentitySet])
        let set = info["identity_set"]?.array ?? [info]
        let auths = set.compactMap { i -> Authentication? in
            guard let t = i["last_authentication"]?.int else { return nil }
            return Authentication(username: i["username"]?.string ?? i["preferred_username"]?.string ?? "?", id: i["sub"]?.string ?? "?", authTime: t)
        }
        return (info["preferred_username"]?.string ?? "?", auths.sorted { $0.authTime > $1.authTime })
    }

    /// An epoch time as UTC `YYYY-MM-DD HH:MM:SS`; a time outside the years 0 to 9999 (a
    /// broken or hostile answer) as its number.
    static func time(_ t: Int) -> String {
        UTCTime(secondsSince1970: t).map { $0.formatted(separator: " ") + " UTC" } ?? "\(t) (not a date)"
    }
}
