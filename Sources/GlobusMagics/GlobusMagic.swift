import GlobusSDK
import JSON
import JupyterKernel

/// `%globus SUBCOMMAND …`: log in to Globus and call its APIs.
final class GlobusMagic: CellMagic, @unchecked Sendable {
    let name = "globus"
    let summary = "Log in to Globus and call its APIs (%globus help for the subcommands)."
    let usage = "%globus SUBCOMMAND [ARGS…]"
    let arguments = ArgumentSpec(options: [], optionsBeforePositionals: true)
    let session = GlobusSession()

    struct Subcommand: Sendable {
        var name: String
        var usage: String
        var summary: String
        var spec: ArgumentSpec
        var examples: [String]
        var run: @Sendable (GlobusMagic, Invocation, ParsedArguments, MagicSession) throws(MagicError) -> MimeBundle?
    }

    static let subcommands: [Subcommand] = [
        Subcommand(name: "login", usage: "%globus login [--scope SCOPE]… [--service NAME]… [--force] [--code CODE] [--no-refresh] [--session-domain D] [--session-identity ID] [--mfa] [--prompt-login]",
                   summary: "Sign in to Globus (paste-the-code login; tokens are shared with the Python SDK's UserApp).",
                   spec: ArgumentSpec(options: [
                       .init(names: ["--scope"], takesValue: true, help: "also ask for this scope (repeatable)", valueName: "SCOPE"),
                       .init(names: ["--service"], takesValue: true, help: "also ask for a service's scopes (repeatable)", valueName: "NAME",
                             choices: GlobusService.all.map(\.name) + ["timers"]),
                       .init(names: ["--force"], takesValue: false, help: "log in even if the stored tokens are fine"),
                       .init(names: ["--code"], takesValue: true, help: "finish a login started without input, with the pasted code", valueName: "CODE"),
                       .init(names: ["--no-refresh"], takesValue: false, help: "do not ask for refresh tokens"),
                       .init(names: ["--session-domain"], takesValue: true, help: "require an identity from this domain", valueName: "DOMAIN"),
                       .init(names: ["--session-identity"], takesValue: true, help: "require this identity", valueName: "ID"),
                       .init(names: ["--session-policy"], takesValue: true, help: "require this authentication policy", valueName: "POLICY"),
                       .init(names: ["--mfa"], takesValue: false, help: "require multi-factor authentication"),
                       .init(names: ["--prompt-login"], takesValue: false, help: "make Globus ask for credentials again"),
                   ]),
                   examples: ["%globus login", "%globus login --service timers", "%globus login --code PASTE_CODE_HERE"],
                   run: { m, c, a, s throws(MagicError) in try m.login(c, a, s) }),
        Subcommand(name: "call", usage: "%globus call SERVICE METHOD PATH [-Q k=v]… [-H 'K: V']… [--body TEXT | --body-file F] [--content-type T] [--allow-errors] [--no-retry] [-L] [--jmespath EXPR] [--format F] [--scope SCOPE]",
                   summary: "Call a Globus service API; %%globus call takes the JSON body from the rest of the cell.",
                   spec: ArgumentSpec(options: [
                       .init(names: ["-Q", "--query-param"], takesValue: true, help: "a query parameter (repeatable)", valueName: "KEY=VALUE"),
                       .init(names: ["-H", "--header"], takesValue: true, help: "a header (repeatable)", valueName: "'KEY: VALUE'"),
                       .init(names: ["--body"], takesValue: true, help: "the request body", valueName: "TEXT"),
                       .init(names: ["--body-file"], takesValue: true, help: "read the request body from a file", valueName: "FILE"),
                       .init(names: ["--content-type"], takesValue: true, help: "the body's encoding (default auto)", valueName: "TYPE",
                             choices: ["json", "form", "text", "none", "auto"]),
                       .init(names: ["--allow-errors"], takesValue: false, help: "show 4xx/5xx answers instead of failing"),
                       .init(names: ["--no-retry"], takesValue: false, help: "do not retry on 429/5xx or network errors"),
                       .init(names: ["-L", "--location"], takesValue: false, help: "follow redirects"),
                       .init(names: ["--jmespath", "--jq"], takesValue: true, help: "filter the JSON answer with a JMESPath expression", valueName: "EXPR"),
                       .init(names: ["--format", "-F"], takesValue: true, help: "how to show the answer (default: tree, text and a table for listings)",
                             valueName: "FORMAT", choices: ["json", "table", "text", "raw"]),
                       .init(names: ["--scope"], takesValue: true, help: "a scope this call needs (repeatable; e.g. with data_access)", valueName: "SCOPE"),
                   ]),
                   examples: ["%globus call transfer GET /task_list -Q limit=5", "%globus call groups GET /groups/my_groups --format table",
                              "%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'",
                              "%%globus call transfer POST /operation/endpoint/$COLLECTION/mkdir\n{\"DATA_TYPE\": \"mkdir\", \"path\": \"/~/new\"}"],
                   run: { m, c, a, s throws(MagicError) in try m.callService(c, a, s) }),
        Subcommand(name: "whoami", usage: "%globus whoami [--linked-identities]", summary: "Show who is logged in.",
                   spec: ArgumentSpec(options: [.init(names: ["--linked-identities"], takesValue: false, help: "list every linked identity")]),
                   examples: ["%globus whoami"], run: { m, c, a, s throws(MagicError) in try m.whoami(c, a, s) }),
        Subcommand(name: "tokens", usage: "%globus tokens", summary: "List the stored logins: resource servers, scopes, expiry, refresh (never the tokens).",
                   spec: ArgumentSpec(options: []), examples: ["%globus tokens"], run: { m, c, a, s throws(MagicError) in try m.tokens(c, a, s) }),
        Subcommand(name: "consent", usage: "%globus consent SCOPE…", summary: "Log in again, consenting to more scopes.",
                   spec: ArgumentSpec(options: []), examples: ["%globus consent 'urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/COLLECTION/data_access]'"],
                   run: { m, c, a, s throws(MagicError) in try m.consent(c, a, s) }),
        Subcommand(name: "logout", usage: "%globus logout [--all]", summary: "Revoke and remove every token this kernel's app has stored (all services) and forget the identity, so someone else can log in. --all is accepted and means the same.",
                   spec: ArgumentSpec(options: [.init(names: ["--all"], takesValue: false, help: "kept for compatibility: logout always removes every token of the app")]),
                   examples: ["%globus logout"], run: { m, c, a, s throws(MagicError) in try m.logout(c, a, s) }),
        Subcommand(name: "config", usage: "%globus config [KEY[=VALUE]]",
                   summary: "Show or change the settings: client_id, app_name, environment, storage, token_path, refresh_tokens, auto_relogin.",
                   spec: ArgumentSpec(options: []), examples: ["%globus config", "%globus config auto_relogin=true", "%globus config storage=memory"],
                   run: { m, c, a, s throws(MagicError) in try m.config(c, a, s) }),
        Subcommand(name: "demo", usage: "%globus demo on [--as USERNAME] | off | status",
                   summary: "Offline demo: run against a local Globus Simulator (no account or network needed).",
                   spec: ArgumentSpec(options: [.init(names: ["--as"], takesValue: true,
                                                      help: "approve logins automatically as this simulated person (unattended runs)", valueName: "USERNAME")]),
                   examples: ["%globus demo on", "%globus demo on --as alice@uchicago.edu", "%globus demo off"],
                   run: { m, c, a, s throws(MagicError) in try m.demo(a, s) }),
        Subcommand(name: "help", usage: "%globus help [SUBCOMMAND]", summary: "Show the subcommands, or one subcommand's usage.",
                   spec: ArgumentSpec(options: []), examples: ["%globus help call"], run: { m, c, a, s throws(MagicError) in m.help(a) }),
        Subcommand(name: "version", usage: "%globus version", summary: "Show the versions of the kernel, the SDK and the libraries.",
                   spec: ArgumentSpec(options: []), examples: [], run: { m, c, a, s throws(MagicError) in m.version() }),
    ]

    static func subcommand(_ n: String) -> Subcommand? { subcommands.first { $0.name == n } }

    var details: String {
        "Subcommands:\n" + GlobusMagic.subcommands.map { "  \($0.name.padding(to: 9))\($0.summary)" }.joined(separator: "\n")
            + "\n\nType %globus help SUBCOMMAND for its options and examples."
    }

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        guard let first = call.words.first else { return help(ParsedArguments()) }
        guard let sub = GlobusMagic.subcommand(first) else {
            throw .usage("globus: unknown subcommand '\(first)'. Subcommands: \(GlobusMagic.subcommands.map(\.name).joined(separator: ", ")).", command: "globus")
        }
        if call.body != nil && sub.name != "call" { throw .usage("%%globus works with call only (the cell body is the request body)", command: "globus") }
        let args = try sub.spec.parse(Array(call.words.dropFirst()), command: "globus \(sub.name)")
        if sub.name != "demo" && sub.name != "help" {
            _ = try sdk { () throws(GlobusError) in try self.session.startDemoFromEnvironment() }
            if let banner = self.session.pendingBanner {
                self.session.pendingBanner = nil
                session.output.display(demoBannerBundle(banner))
            }
            if let warning = self.session.insecureTLSWarning() { session.output.stream(.stderr, warning) }
        }
        return try sub.run(self, call, args, session)
    }

    func helpText(_ sub: Subcommand) -> String {
        var lines = ["Usage: \(sub.usage)", "", sub.summary]
        if !sub.spec.options.isEmpty {
            lines += ["", "Options:"] + sub.spec.options.map { o in
                let names = o.names.joined(separator: ", ") + (o.takesValue ? " \(o.valueName)" : "")
                return "  \(names.padding(to: 30))\(o.help)" + (o.choices.isEmpty ? "" : " (\(o.choices.joined(separator: "|")))")
            }
        }
        if !sub.examples.isEmpty { lines += ["", "Examples:"] + sub.examples.map { "  " + $0.replacingAll("\n", with: "\n  ") } }
        return lines.joined(separator: "\n")
    }

    func help(_ a: ParsedArguments) -> MimeBundle? {
        if let n = a.positionals.first, let sub = GlobusMagic.subcommand(n) {
            return HelpMagic.bundle(title: "%globus \(sub.name)", text: helpText(sub))
        }
        return HelpMagic.bundle(title: "%globus", text: helpText)
    }

    func version() -> MimeBundle? {
        let text = "globus-kernel \(GlobusInterpreter.version)\nGlobus SDK for Swift \(SDKInfo.version) (token files compatible with globus-sdk \(SDKInfo.pythonCompatibleVersion))"
        return MimeBundle(text: text)
    }

    // MARK: completion

    static let commonPaths: [String: [String]] = [
        "transfer": ["/task_list", "/endpoint_search", "/endpoint/", "/operation/endpoint/", "/submission_id", "/transfer", "/delete", "/task/"],
        "groups": ["/groups/my_groups", "/groups/"],
        "auth": ["/v2/oauth2/userinfo", "/v2/api/identities", "/v2/api/identities/"],
        "search": ["/v1/index/", "/v1/index_list"],
        "timer": ["/v2/timers"], "timers": ["/v2/timers"],
        "flows": ["/flows", "/runs"],
        "compute": ["/v2/version", "/v3/endpoints"],
    ]

    func complete(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        guard let first = args.first else { return GlobusMagic.subcommands.map(\.name).filter { $0.hasPrefix(prefix) } }
        guard let sub = GlobusMagic.subcommand(first) else { return [] }
        return sub.spec.complete(Array(args.dropFirst()), prefix: prefix) { pos in
            switch sub.name {
            case "call":
                let services = GlobusService.all.map(\.name) + ["timers", "gcs"]
                switch pos.count {
                case 0: return services.filter { $0.hasPrefix(prefix) }
                case 1 where pos[0] == "gcs": return []
                case 1, 2 where pos[0] == "gcs" && pos.count == 2:
                    return ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].filter { $0.hasPrefix(prefix.uppercased()) }
                case 2: return (GlobusMagic.commonPaths[pos[0]] ?? []).filter { $0.hasPrefix(prefix) }
                default: return []
                }
            case "help": return pos.isEmpty ? GlobusMagic.subcommands.map(\.name).filter { $0.hasPrefix(prefix) } : []
            case "config": return pos.isEmpty ? GlobusMagic.configKeys.filter { $0.hasPrefix(prefix) } : []
            case "demo": return pos.isEmpty ? ["on", "off", "status"].filter { $0.hasPrefix(prefix) } : []
            default: return []
            }
        }
    }

    static let configKeys = ["client_id", "app_name", "environment", "storage", "token_path", "refresh_tokens", "auto_relogin"]
}

extension GlobusMagic {
    func demoBannerBundle(_ text: String) -> MimeBundle {
        var b = MimeBundle(text: "[" + text + "]")
        b["text/html"] = .string("<p style=\"background:#ffb81c;padding:.3em .6em\"><b>\(escapeHTML(text))</b></p>")
        return b
    }

    func demo(_ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        switch a.positionals.first ?? "status" {
        case "on":
            try sdk { () throws(GlobusError) in try session.startDemo(autoApprove: a.value("--as")) }
            session.pendingBanner = nil
            s.output.display(demoBannerBundle(session.demo!.banner))
            return nil
        case "off":
            guard session.demo != nil else { s.output.stream(.stdout, "Demo mode is off.\n"); return nil }
            session.stopDemo()
            s.output.stream(.stdout, "Demo mode is off: the simulator stopped; the kernel talks to \((try? GlobusEnvironment.current())?.baseURL("auth") ?? "Globus") again.\n")
            return nil
        case "status":
            return MimeBundle(text: session.demo?.banner ?? "Demo mode is off.")
        default:
            throw .usage("globus demo: expected on, off or status", command: "globus")
        }
    }
}
