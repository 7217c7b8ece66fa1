import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
import Glibc
#endif

/// `%globus session show`: the identities in the login session, when each authenticated, and
/// whether with multi-factor authentication (Auth's token introspection with `session_info`,
/// as `globus session show`). Never a token.
struct SessionCommand: GlobusSubcommand {
    static let declaration = SubcommandDeclaration(
        name: "session", usage: "%globus session show  [--as NAME]",
        summary: "Show the identities in your login session: when each authenticated, and whether with MFA.",
        examples: ["%globus session show", "%globus login --session-identity alice@anl.gov"])
    static var keepsResult: Bool { true }

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard a.positionals == ["show"] else { throw Self.usage("expected: %globus session show") }
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] { pos.isEmpty && "show".hasPrefix(prefix) ? ["show"] : [] }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        guard !app.isClientApp else { return MimeBundle(text: "A service account has no login session (client \(app.clientID)).") }
        _ = try g.userinfo(app)   // logs in first when needed
        let info = try g.sdk { () throws(GlobusError) -> JSON in
            let bearer = try app.authorizer(for: "auth.globus.org", isCancelled: g.isCancelled).authorization() ?? ""
            return try app.authClient.introspect(String(bearer.dropFirst("Bearer ".count)), include: "session_info", isCancelled: g.isCancelled)
        }
        let auths = info["session_info"]?["authentications"]?.object ?? JSONObject()
        var names: [String: String] = [:]
        if !auths.isEmpty {
            var lookup = ServiceRequest(service: .auth, method: "GET", path: "/v2/api/identities")
            lookup.query = [("ids", auths.keys.joined(separator: ","))]
            for i in try g.json(app, lookup)["identities"]?.array ?? [] {
                if let id = i["id"]?.string, let u = i["username"]?.string { names[id] = u }
            }
        }
        let rows: [[String]] = auths.keys.map { id in
            let a = auths[id]!
            let mfa = (a["amr"]?.array ?? []).contains("mfa") || a["acr"]?.string == "mfa"
            return [names[id] ?? id, id, a["auth_time"]?.int.map(Self.time) ?? "?", mfa ? "yes" : "no"]
        }
        var doc = JSONObject()
        doc["username"] = info["username"] ?? .null
        doc["session_id"] = info["session_info"]?["session_id"] ?? .null
        doc["authentications"] = .array(rows.map { ["username": .string($0[0]), "id": .string($0[1]), "auth_time": .string($0[2]), "mfa": .bool($0[3] == "yes")] })
        let header = "Logged in as \(info["username"]?.string ?? "?")"
        var b = MimeBundle(text: rows.isEmpty ? header + "\n(no authentications in this session)"
                                             : header + "\n" + Rendering.columns(["Identity", "ID", "Authenticated", "MFA"], rows))
        b["application/json"] = .object(doc)
        return b
    }

    /// An epoch time as UTC `YYYY-MM-DD HH:MM:SS`.
    static func time(_ t: Int) -> String {
        var tt = time_t(t)
        var tm = tm()
        gmtime_r(&tt, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday)) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) UTC"
    }
}
