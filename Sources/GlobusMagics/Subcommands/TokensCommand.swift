import Escaping
import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%globus tokens`: what is stored, never the tokens themselves.
struct TokensCommand: GlobusSubcommand {
    static let full = Flag("--full", help: "show the scopes whole (they are shortened to fit by default)")
    static let declaration = CommandDeclaration(
        name: "tokens", summary: "List the stored logins: resource servers, scopes, expiry, refresh (never the tokens).", options: [full], positionals: [],
        examples: ["%globus tokens", "%globus tokens --full"])

    var full: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        full = a[Self.full]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        let stored = try g.sdk { () throws(GlobusError) in try app.storage.all() }
        let location = app.storage.location
        if stored.isEmpty { return MimeBundle(text: "No stored tokens (\(location)). Run %globus login.") }
        // Compact: one line per resource server; long scope strings are shortened (with a
        // visible mark and the full value in the HTML tooltip).
        let rows = Self.rows(stored, now: Int(time(nil)))
        let headers = ["resource server", "scopes", "expires", "refresh"]
        let cells = rows.map { r in
            [Rendering.cell(r["resource_server"]), Rendering.cell(r["scopes"]), Rendering.cell(r["expires"]), r["refresh_token"] == true ? "yes" : "no"]
        }
        let note = "Scopes ending in … are shortened; %globus tokens --full shows them whole."
        let identities = Set(rows.compactMap { $0["identity_id"]?.string }).sorted()
        let head = "Token store: \(location)" + (identities.isEmpty ? "" : "\nIdentity: " + identities.joined(separator: ", "))
        var b = MimeBundle(text: head + "\n" + Rendering.asciiTable(headers, cells, width: full ? Int.max : Rendering.textCellWidth, note: note))
        b["text/html"] = .string(
            "<p>Token store: <code>\(HTML.escape(location))</code>"
                + (identities.isEmpty ? "" : "<br>Identity: <code>\(HTML.escape(identities.joined(separator: ", ")))</code>") + "</p>"
                + Rendering.htmlTable(
                    headers, cells, width: full ? Int.max : Rendering.textCellWidth,
                    note: "Hover over a shortened scope to see it whole, or run %globus tokens --full."))
        return b
    }

    /// One row per resource server: scopes, time left, refresh, identity.
    static func rows(_ stored: [String: TokenData], now: Int) -> [JSON] {
        stored.keys.sorted().map { rs in
            let t = stored[rs]!
            let left = t.expiresAtSeconds - now
            return [
                "resource_server": .string(rs), "scopes": .string(t.scope), "expires": .string(left <= 0 ? "expired" : "in " + duration(left)),
                "expires_at": .int(t.expiresAtSeconds), "refresh_token": .bool(t.refreshToken != nil),
                "identity_id": t.identityID.map(JSON.string) ?? .null
            ]
        }
    }

    static func duration(_ s: Int) -> String {
        s >= 7200 ? "\(s / 3600) h" : s >= 120 ? "\(s / 60) min" : "\(s) s"
    }
}
