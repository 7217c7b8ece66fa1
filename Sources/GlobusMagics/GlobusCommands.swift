import GlobusSDK
import JSON
import JMESPath
import JupyterKernel

#if canImport(Glibc)
import Glibc
#endif

extension GlobusMagic {
    /// Runs an SDK operation, mapping its failure to the error the user sees. While a login waits
    /// for its code (no stdin), a login requirement says how to finish it.
    func sdk<T>(_ body: () throws(GlobusError) -> T) throws(MagicError) -> T {
        do { return try body() } catch {
            if case .loginRequired(let need) = error, session.pending != nil, need.reason != .identityChanged {
                throw .failed(ExecutionError(ename: "LoginRequired", evalue: "\(need.description): finish signing in first", traceback: [
                    "LoginRequired: \(need.description)",
                    "Open the sign-in link shown above, copy the Authorization Code, then run:",
                    "  %globus login --code PASTE_CODE_HERE",
                    "and run this cell again.",
                ]))
            }
            throw .failed(Rendering.error(error))
        }
    }

    // MARK: login

    func login(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        guard a.positionals.isEmpty else { throw .usage("globus login: unexpected argument '\(a.positionals[0])'", command: "globus") }
        if a.flag("--no-refresh") { session.settings.refreshTokens = false }
        let app = try sdk { () throws(GlobusError) in try session.app() }
        if app.isClientApp {
            try sdk { () throws(GlobusError) in try app.clientCredentialsLogin(isCancelled: s.isCancelled) }
            s.output.stream(.stdout, "This kernel runs as a service account (client \(app.clientID), from GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET): no browser login is needed.\nGot tokens for: \(try sdk { () throws(GlobusError) in try app.config.storage.all().keys.sorted().joined(separator: ", ") }).\n")
            return nil
        }
        if let code = a.value("--code") {
            guard let pending = session.pending else {
                throw .usage("globus login --code: no login is waiting for a code. Run %globus login first, open the link, then paste the code here.", command: "globus")
            }
            let who = try sdk { () throws(GlobusError) in try app.finishLogin(pending, code: code, isCancelled: s.isCancelled) }
            session.pending = nil
            s.output.display(loggedIn(who))
            return nil
        }
        var extra: [Scope] = []
        for text in a.all("--scope") {
            do { extra += try ScopeParser.parse(text) } catch { throw .usage("globus login: invalid scope '\(text)': \(error)", command: "globus") }
        }
        for n in a.all("--service") {
            guard let svc = GlobusService.named(n) else { throw .usage("globus login: unknown service '\(n)'", command: "globus") }
            extra += svc.defaultScopes.compactMap { try? Scope.parse($0) }
        }
        for scope in extra { if let rs = Scopes.resourceServer(of: scope.name) { app.addScopeRequirements(rs, [scope]) } }
        var params = AuthorizationParameters()
        if !a.all("--session-domain").isEmpty { params.sessionRequiredSingleDomain = a.all("--session-domain") }
        if !a.all("--session-identity").isEmpty { params.sessionRequiredIdentities = a.all("--session-identity") }
        if !a.all("--session-policy").isEmpty { params.sessionRequiredPolicies = a.all("--session-policy") }
        if a.flag("--mfa") { params.sessionRequiredMFA = true }
        if a.flag("--prompt-login") { params.prompt = "login" }
        let hasParams = params != AuthorizationParameters()
        let needed = try sdk { () throws(GlobusError) in try app.loginRequired() }
        if !needed && !a.flag("--force") && !hasParams && extra.isEmpty {
            let who = (try? whoamiDocument(app, s)).flatMap { $0["preferred_username"]?.string }
            s.output.stream(.stdout, "Already logged in\(who.map { " as " + $0 } ?? "") with the needed scopes. Use %globus login --force to log in again.\n")
            return nil
        }
        try runLogin(app, parameters: hasParams ? params : nil, extraScopes: extra, s)
        return nil
    }

    /// Logs in: with stdin, shows the link and asks for the code, then replaces the prompt with
    /// who logged in; without stdin, shows the link and the exact command that finishes it.
    /// Returns false when the login waits for `%globus login --code`.
    @discardableResult
    func runLogin(_ app: GlobusApp, parameters: AuthorizationParameters?, extraScopes: [Scope] = [], _ s: MagicSession) throws(MagicError) -> Bool {
        do { return try login(app, parameters: parameters, extraScopes: extraScopes, s) } catch {
            if case .cancelled = error { throw .interrupted }
            throw .failed(Rendering.error(error))
        }
    }

    /// The login itself, keeping the SDK's error types (so a call's login handler can pass them on).
    func login(_ app: GlobusApp, parameters: AuthorizationParameters?, extraScopes: [Scope] = [], _ s: MagicSession) throws(GlobusError) -> Bool {
        let pending = try app.startLogin(parameters: parameters, extraScopes: extraScopes)
        let displayID = "globus-login-\(s.context.executionCount)-\(monotonicNanoseconds())"
        let url = pending.authorizeURL
        let link = "<a href=\"\(escapeHTML(url))\" target=\"_blank\" rel=\"noopener\">Sign in with Globus</a>"
        let banner = demoBanner()
        if let who = session.demo?.autoApprove {
            // Demo mode for unattended runs: the simulator approves as `who`, as a person would by clicking.
            let answer = try app.http.perform(HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")]), isCancelled: s.isCancelled)
            guard let code = (try? JSON.parse(answer.body))?["code"]?.string else { throw .usage("demo mode: the simulator did not approve the login") }
            let claims = try app.finishLogin(pending, code: code, isCancelled: s.isCancelled)
            var b = loggedIn(claims)
            b["text/plain"] = .string(banner + "Demo: the simulator approved the sign-in as \(who).\n" + (b["text/plain"]?.string ?? ""))
            s.output.display(b)
            return true
        }
        if s.context.allowStdin {
            var prompt = MimeBundle(text: banner + PasteCodeLoginFlow.terminalText(url).trimmed + "\n")
            prompt["text/html"] = .string(htmlBanner() + "<p><b>\(link)</b> (opens Globus in a new tab), then paste the Authorization Code below.</p><p><small>\(escapeHTML(url))</small></p>")
            s.output.display(prompt, metadata: [:], displayID: displayID)
            let code: String
            // Hidden input: the code is a short-lived credential and must not be saved in the notebook.
            do { code = try s.output.input(prompt: PasteCodeLoginFlow.prompt, password: true) } catch {
                switch error {
                case .interrupted: throw .cancelled
                case .endOfFile: throw .usage("No Authorization Code was entered. Run %globus login to try again.")
                case .notAllowed: return twoStep(pending, displayID: displayID, link: link, s)
                }
            }
            guard !code.trimmed.isEmpty else { throw .usage("No Authorization Code was entered. Run %globus login to try again.") }
            let who = try app.finishLogin(pending, code: code, isCancelled: s.isCancelled)
            s.output.updateDisplay(loggedIn(who), metadata: [:], displayID: displayID)
            return true
        }
        return twoStep(pending, displayID: displayID, link: link, s)
    }

    func twoStep(_ pending: PendingLogin, displayID: String, link: String, _ s: MagicSession) -> Bool {
        session.pending = pending
        let url = pending.authorizeURL
        var b = MimeBundle(text: demoBanner() + "Please authenticate with Globus here:\n\(url)\n\nThen finish the login by running, in a new cell:\n%globus login --code PASTE_CODE_HERE\n")
        b["text/html"] = .string(htmlBanner() + "<p><b>\(link)</b>, copy the Authorization Code, then run in a new cell:</p><pre>%globus login --code PASTE_CODE_HERE</pre><p><small>\(escapeHTML(url))</small></p>")
        s.output.display(b, metadata: [:], displayID: displayID)
        return false
    }

    func loggedIn(_ who: IdentityClaims) -> MimeBundle {
        let user = who.preferredUsername ?? who.sub
        let text = "Logged in as \(user)" + (who.name.map { " (\($0))" } ?? "")
        var b = MimeBundle(text: text)
        b["text/html"] = .string("<p><b>\(escapeHTML(text))</b></p>")
        return b
    }

    /// A visible reminder when the kernel talks to a local simulator rather than Globus.
    func demoBanner() -> String {
        let auth = (try? GlobusEnvironment.current())?.baseURL("auth") ?? ""
        let local = ["http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost"].contains { auth.hasPrefix($0) }
        return local ? "[Globus Simulator at \(auth) - not the real Globus]\n" : ""
    }

    func htmlBanner() -> String {
        let t = demoBanner()
        return t.isEmpty ? "" : "<p style=\"background:#ffb81c;padding:.2em .5em\"><b>\(escapeHTML(t.trimmed))</b></p>"
    }

    /// The login to run when a call finds tokens missing or a requirement unmet.
    func loginHandler(_ app: GlobusApp, _ s: MagicSession) -> (LoginRequired) throws(GlobusError) -> Void {
        { need throws(GlobusError) in
            if app.isClientApp { try app.clientCredentialsLogin(isCancelled: s.isCancelled); return }
            if case .identityChanged = need.reason { throw .loginRequired(need) }
            s.output.stream(.stderr, "\(need.description); logging in.\n")
            if try !self.login(app, parameters: need.authorizationParameters, s) { throw .loginRequired(need) }
        }
    }

    // MARK: call

    static let methods = ["HEAD", "GET", "PUT", "POST", "PATCH", "DELETE"]

    func callService(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        var pos = a.positionals
        guard !pos.isEmpty else { throw .usage("globus call: name a service: \(GlobusService.all.map(\.name).joined(separator: ", ")), gcs ENDPOINT_ID", command: "globus") }
        let serviceName = pos.removeFirst()
        let app = try sdk { () throws(GlobusError) in try session.app() }
        var service: GlobusService
        var baseURL: String?
        var resourceServer: String?
        if serviceName == "gcs" {
            guard pos.count >= 3 else { throw .usage("globus call gcs ENDPOINT_ID METHOD PATH", command: "globus") }
            let endpoint = pos.removeFirst()
            let answer = try sdk { () throws(GlobusError) in
                try app.call(ServiceRequest(service: .transfer, method: "GET", path: "/endpoint/\(endpoint)"),
                             onLoginRequired: loginHandler(app, s), isCancelled: s.isCancelled)
            }
            guard let manager = (try? JSON.parse(answer.body))?["gcs_manager_url"]?.string else {
                throw .failed(ExecutionError(ename: "GlobusAPIError", evalue: "endpoint \(endpoint) has no GCS manager URL",
                                             traceback: ["GlobusAPIError: endpoint \(endpoint) has no GCS manager URL (is it a Globus Connect Server v5 endpoint?)"]))
            }
            service = GlobusService(name: "gcs", resourceServer: endpoint, defaultScopes: ["urn:globus:auth:scope:\(endpoint):manage_collections"],
                                    pathPrefix: nil, exemptPrefixes: [])
            baseURL = manager
            resourceServer = endpoint
        } else {
            guard let svc = GlobusService.named(serviceName) else {
                throw .usage("globus call: unknown service '\(serviceName)'; use one of \(GlobusService.all.map(\.name).joined(separator: ", ")), gcs", command: "globus")
            }
            service = svc
        }
        guard pos.count == 2 else { throw .usage("globus call: expected SERVICE METHOD PATH, e.g. %globus call transfer GET /task_list", command: "globus") }
        if service == .flows, let flow = Scopes.flowActedOn(path: pos[1]) {
            // Running a flow acts as the flow: its own scope, its own token (as SpecificFlowClient).
            resourceServer = flow
            app.addScopeRequirements(flow, [Scope(Scopes.flowUser(flow))])
        }
        let method = pos[0].uppercased()
        guard GlobusMagic.methods.contains(method) else {
            throw .usage("globus call: unknown method '\(pos[0])'; use one of \(GlobusMagic.methods.joined(separator: ", "))", command: "globus")
        }
        var req = ServiceRequest(service: service, method: method, path: pos[1])
        req.baseURL = baseURL
        for q in a.all("-Q") {
            guard let eq = q.firstIndex(of: "=") else { throw .usage("globus call: invalid query param '\(q)' (expected KEY=VALUE)", command: "globus") }
            req.query.append((String(q[..<eq]), String(q[q.index(after: eq)...])))
        }
        for h in a.all("-H") {
            guard let colon = h.firstIndex(of: ":") else { throw .usage("globus call: invalid header param '\(h)' (expected 'KEY: VALUE')", command: "globus") }
            var value = h[h.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            req.headers.append((String(h[..<colon]), String(value)))
        }
        var body: String?
        if a.value("--body") != nil && a.value("--body-file") != nil { throw .usage("globus call: --body and --body-file are mutually exclusive", command: "globus") }
        if let b = a.value("--body") { body = b }
        if let f = a.value("--body-file") {
            guard let bytes = readFile(f) else { throw .usage("globus call: cannot read --body-file '\(f)': \(String(cString: strerror(errno)))", command: "globus") }
            body = String(decoding: bytes, as: UTF8.self)
        }
        if let cellBody = call.body {
            guard body == nil else { throw .usage("globus call: the %%globus cell body is the request body; do not also give --body", command: "globus") }
            body = cellBody.trimmed.isEmpty ? nil : cellBody
        }
        if let body {
            req.body = Array(body.utf8)
            let type = a.value("--content-type") ?? "auto"
            let header: String? = switch type {
            case "json": "application/json"
            case "form": "application/x-www-form-urlencoded"
            case "text": "text/plain"
            case "none": nil
            default: (try? JSON.parse(body)) != nil ? "application/json" : (!body.trimmed.contains("\n") && body.contains("=") ? "application/x-www-form-urlencoded" : nil)
            }
            if let header, !req.headers.contains(where: { $0.0.lowercased() == "content-type" }) { req.headers.append(("Content-Type", header)) }
        }
        if a.flag("--no-retry") { req.retry = .none }
        req.followRedirects = a.flag("-L") || a.flag("--location")
        req.allowErrors = a.flag("--allow-errors")
        for text in a.all("--scope") {
            do {
                for scope in try ScopeParser.parse(text) { app.addScopeRequirements(Scopes.resourceServer(of: scope.name) ?? (resourceServer ?? service.resourceServer), [scope]) }
            } catch { throw .usage("globus call: invalid scope '\(text)': \(error)", command: "globus") }
        }
        let expr = try a.value("--jmespath").map { (text: String) throws(MagicError) -> JMESPathExpression in
            do { return try JMESPathExpression(text) } catch { throw .usage("globus call: invalid --jmespath expression: \(error)", command: "globus") }
        }
        let response = try sdk { () throws(GlobusError) in
            try app.call(req, resourceServer: resourceServer, onLoginRequired: loginHandler(app, s), redrive: session.settings.autoRelogin,
                         isCancelled: s.isCancelled)
        }
        if response.status >= 400 { s.output.stream(.stderr, "HTTP \(response.status)\n") }
        let format = a.value("--format").flatMap(OutputFormat.init(rawValue:)) ?? .auto
        if format == .raw { return MimeBundle(text: response.text) }
        guard !response.body.isEmpty else { return MimeBundle(text: "(HTTP \(response.status), no content)") }
        guard var doc = try? JSON.parse(response.body) else {
            if expr != nil { throw .usage("globus call: --jmespath needs a JSON answer, got \(response.header("content-type") ?? "no content type")", command: "globus") }
            return MimeBundle(text: response.text)
        }
        if let expr {
            do { doc = try expr.search(doc) } catch { throw .failed(ExecutionError(ename: "JMESPathError", evalue: "\(error)")) }
        }
        return Rendering.bundle(for: doc, format: format, rawBody: expr == nil ? response.text : nil)
    }

    // MARK: whoami, tokens, consent, logout, config

    func whoamiDocument(_ app: GlobusApp, _ s: MagicSession) throws(MagicError) -> JSON {
        let answer = try sdk { () throws(GlobusError) in
            try app.call(ServiceRequest(service: .auth, method: "GET", path: "/v2/oauth2/userinfo"),
                         onLoginRequired: loginHandler(app, s), isCancelled: s.isCancelled)
        }
        guard let doc = try? JSON.parse(answer.body) else {
            throw .failed(ExecutionError(ename: "GlobusAPIError", evalue: "userinfo did not answer JSON"))
        }
        return doc
    }

    func whoami(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        let app = try sdk { () throws(GlobusError) in try session.app() }
        guard !app.isClientApp else {
            return MimeBundle(text: "Service account: client \(app.clientID) (GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET)")
        }
        if a.flag("--linked-identities") {
            // Globus Auth lists linked identities only to tokens with view_identity_set (as the
            // Globus CLI asks for it); a token without it logs in for it first.
            app.addScopeRequirements("auth.globus.org", [Scope(Scopes.authViewIdentitySet)])
        }
        let info = try whoamiDocument(app, s)
        if a.flag("--linked-identities") {
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

    func tokens(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        let app = try sdk { () throws(GlobusError) in try session.app() }
        let stored = try sdk { () throws(GlobusError) in try app.config.storage.all() }
        let now = Int(time(nil))
        let rows: [JSON] = stored.keys.sorted().map { rs in
            let t = stored[rs]!
            let left = t.expiresAtSeconds - now
            return ["resource_server": .string(rs), "scopes": .string(t.scope), "expires": .string(left <= 0 ? "expired" : "in " + duration(left)),
                    "expires_at": .int(t.expiresAtSeconds), "refresh_token": .bool(t.refreshToken != nil),
                    "identity_id": t.identityID.map(JSON.string) ?? .null]
        }
        let location = app.config.storage.location
        if rows.isEmpty { return MimeBundle(text: "No stored tokens (\(location)). Run %globus login.") }
        var b = Rendering.bundle(for: ["tokens": .array(rows)], format: .table)
        b["text/plain"] = .string("Token store: \(location)\n" + (Rendering.asciiTable(["tokens": .array(rows)]) ?? ""))
        b["text/html"] = .string("<p>Token store: <code>\(escapeHTML(location))</code></p>" + (b["text/html"]?.string ?? ""))
        return b
    }

    func duration(_ s: Int) -> String {
        s >= 7200 ? "\(s / 3600) h" : s >= 120 ? "\(s / 60) min" : "\(s) s"
    }

    func consent(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        guard !a.positionals.isEmpty else { throw .usage("globus consent: give one or more scopes", command: "globus") }
        let scopes = a.positionals.map { $0.hasPrefix("'") && $0.hasSuffix("'") && $0.count > 1 ? String($0.dropFirst().dropLast()) : $0 }
        var extra: [Scope] = []
        for text in scopes {
            do { extra += try ScopeParser.parse(text) } catch { throw .usage("globus consent: invalid scope '\(text)': \(error)", command: "globus") }
        }
        let app = try sdk { () throws(GlobusError) in try session.app() }
        for scope in extra { if let rs = Scopes.resourceServer(of: scope.name) { app.addScopeRequirements(rs, [scope]) } }
        try runLogin(app, parameters: AuthorizationParameters(requiredScopes: scopes), s)
        return nil
    }

    func logout(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        let app = try sdk { () throws(GlobusError) in try session.app() }
        // Every token of the app's namespace, not only this session's services: a token left
        // behind would keep the person logged in for the next one (as a sweep in the Python SDK).
        let removed: [String]
        do { removed = try app.logout(sweep: true, isCancelled: s.isCancelled) } catch {
            session.pending = nil
            if case .cancelled = error { throw .failed(ExecutionError(ename: "KeyboardInterrupt", evalue: "logout interrupted: the tokens were removed from this computer, but not all were revoked at Globus", traceback: ["KeyboardInterrupt: logout interrupted: the tokens were removed from this computer, but not all were revoked at Globus (they expire on their own)"])) }
            throw .failed(Rendering.error(error))
        }
        session.pending = nil
        s.output.stream(.stdout, removed.isEmpty ? "Nothing to log out of.\n" : "Logged out: revoked and removed the tokens for \(removed.joined(separator: ", ")).\n")
        return nil
    }

    func config(_ call: Invocation, _ a: ParsedArguments, _ s: MagicSession) throws(MagicError) -> MimeBundle? {
        if let arg = a.positionals.first {
            if let eq = arg.firstIndex(of: "=") {
                try setConfig(String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
            } else {
                guard GlobusMagic.configKeys.contains(arg) else { throw .usage("globus config: unknown key '\(arg)'; keys: \(GlobusMagic.configKeys.joined(separator: ", "))", command: "globus") }
                return MimeBundle(text: configValues()[arg]?.string ?? "")
            }
        }
        let values = configValues()
        var b = MimeBundle(text: GlobusMagic.configKeys.map { "\($0.padding(to: 15))\(values[$0]?.string ?? "")" }.joined(separator: "\n"))
        b["application/json"] = .object(values)
        return b
    }

    func configValues() -> JSONObject {
        var o = JSONObject()
        let env = (try? GlobusEnvironment.current())?.name ?? (environmentValue("GLOBUS_SDK_ENVIRONMENT") ?? "production")
        o["client_id"] = .string(session.clientID + (session.isClientApp ? " (service account)" : ""))
        o["app_name"] = .string(session.appName)
        o["environment"] = .string(env)
        o["storage"] = .string(session.settings.storage)
        o["token_path"] = .string((try? session.tokenPath(GlobusEnvironment(name: env))) ?? "?")
        o["refresh_tokens"] = .string(String(session.settings.refreshTokens))
        o["auto_relogin"] = .string(String(session.settings.autoRelogin))
        return o
    }

    func setConfig(_ key: String, _ value: String) throws(MagicError) {
        func bool() throws(MagicError) -> Bool {
            switch value.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw .usage("globus config: \(key) takes true or false", command: "globus")
            }
        }
        switch key {
        case "client_id": session.settings.clientID = value.isEmpty ? nil : value
        case "app_name": session.settings.appName = value.isEmpty ? nil : value
        case "environment":
            guard GlobusEnvironment.known.contains(value) else { throw .usage("globus config: environment must be one of \(GlobusEnvironment.known.joined(separator: ", "))", command: "globus") }
            setenv("GLOBUS_SDK_ENVIRONMENT", value, 1)
        case "storage":
            guard ["json", "sqlite", "memory"].contains(value) else { throw .usage("globus config: storage must be json, sqlite or memory", command: "globus") }
            session.settings.storage = value
        case "token_path": session.settings.tokenPath = value.isEmpty ? nil : value
        case "refresh_tokens": session.settings.refreshTokens = try bool()
        case "auto_relogin": session.settings.autoRelogin = try bool()
        default: throw .usage("globus config: unknown key '\(key)'; keys: \(GlobusMagic.configKeys.joined(separator: ", "))", command: "globus")
        }
    }
}
