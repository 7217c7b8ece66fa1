import GlobusSDK
import JSON
import JupyterKernel

/// `%globus config [KEY[=VALUE]]`: show or change the kernel's Globus choices. Each key is one
/// entry of `ConfigCommand.keys` (its name, how it is shown, how it is set): adding a key is
/// adding an entry.
struct ConfigCommand: GlobusSubcommand {
    /// One setting `%globus config` shows and changes.
    struct Key: Sendable {
        var name: String
        var help: String
        /// Its value in force.
        var show: @Sendable (Settings, GlobusSession.Choices) -> String
        /// Records a new value (empty: back to the default).
        var set: @Sendable (inout GlobusSession.Choices, String) throws(MagicError) -> Void
    }

    static let keys: [Key] = [
        Key(
            name: "client_id", help: "the Globus Auth client (GLOBUS_CLIENT_ID; default: the tutorial client)",
            show: { s, _ in (s.clientID ?? "") + (s.isClientApp ? " (service account)" : "") },
            set: { c, v throws(MagicError) in c.clientID = v.isEmpty ? nil : v }),
        Key(
            name: "app_name", help: "the app name, part of the token file's path (GLOBUS_APP_NAME)",
            show: { s, _ in s.appName ?? "" }, set: { c, v throws(MagicError) in c.appName = v.isEmpty ? nil : v }),
        Key(
            name: "environment", help: "production, preview, sandbox, … (GLOBUS_SDK_ENVIRONMENT)",
            show: { s, _ in s.environment.name },
            set: { c, v throws(MagicError) in
                guard v.isEmpty || GlobusEnvironment.known.contains(v) else {
                    throw usage("environment must be one of \(GlobusEnvironment.known.joined(separator: ", "))")
                }
                c.environment = v.isEmpty ? nil : v
            }),
        Key(
            name: "storage", help: "json (shared with the Python SDK), sqlite or memory",
            show: { s, _ in s.storage.rawValue },
            set: { c, v throws(MagicError) in
                guard let kind = v.isEmpty ? .json : TokenStorageKind(rawValue: v) else { throw usage("storage must be json, sqlite or memory") }
                c.storage = kind
            }),
        Key(
            name: "token_path", help: "the token file (default: the Python SDK's UserApp path)",
            show: { s, _ in s.tokenPath ?? "" }, set: { c, v throws(MagicError) in c.tokenPath = v.isEmpty ? nil : v }),
        Key(
            name: "refresh_tokens", help: "ask for refresh tokens at login (true/false)",
            show: { s, _ in String(s.refreshTokens) }, set: { c, v throws(MagicError) in c.refreshTokens = try bool(v, "refresh_tokens", default: true) }),
        Key(
            name: "auto_relogin", help: "log in again and retry when a service asks for more consent (true/false)",
            show: { _, c in String(c.autoRelogin) }, set: { c, v throws(MagicError) in c.autoRelogin = try bool(v, "auto_relogin", default: false) })
    ]

    static func key(_ name: String) -> Key? { keys.first { $0.name == name } }
    static var keyNames: [String] { keys.map(\.name) }

    static let setting = Positional<String>("KEY[=VALUE]").optional()
    static let declaration = CommandDeclaration(
        name: "config", summary: "Show or change the settings: \(keyNames.joined(separator: ", ")). KEY= (empty) goes back to the default.", positionals: [Self.setting],
        examples: ["%globus config", "%globus config auto_relogin=true", "%globus config storage=memory"])

    enum Action { case showAll, show(Key), set(Key, String) }
    var action: Action

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        guard let arg = a[Self.setting] else { action = .showAll; return }
        let name = arg.firstIndex(of: "=").map { String(arg[..<$0]) } ?? arg
        guard let key = Self.key(name) else { throw Self.usage("unknown key '\(name)'; keys: \(Self.keyNames.joined(separator: ", "))") }
        action = arg.firstIndex(of: "=").map { .set(key, String(arg[arg.index(after: $0)...])) } ?? .show(key)
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] {
        pos.isEmpty ? keyNames.filter { $0.hasPrefix(prefix) } : []
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        switch action {
        case .set(let key, let value):
            var choices = g.session.choices
            try key.set(&choices, value)
            g.session.choices = choices
            return nil
        case .show(let key):
            let s = try g.sdk { () throws(GlobusError) in try g.session.settings() }
            return MimeBundle(text: key.show(s, g.session.choices))
        case .showAll:
            let s = try g.sdk { () throws(GlobusError) in try g.session.settings() }
            var values = JSONObject()
            for key in Self.keys { values[key.name] = .string(key.show(s, g.session.choices)) }
            var b = MimeBundle(text: Self.keys.map { "\($0.name.padding(to: 15))\(values[$0.name]?.string ?? "")" }.joined(separator: "\n"))
            b["application/json"] = .object(values)
            return b
        }
    }

    static func bool(_ value: String, _ key: String, default d: Bool) throws(MagicError) -> Bool {
        switch value.lowercased() {
        case "": return d
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw usage("\(key) takes true or false")
        }
    }
}
