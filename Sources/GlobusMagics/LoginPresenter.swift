import GlobusSDK
import JSON
import JupyterKernel

/// How a login looks in a notebook: the link, the hidden prompt for the code, the confirmation;
/// or, without stdin, the link and the command that finishes it; or, in unattended demo mode,
/// the simulator's approval as an injected login flow.
extension GlobusContext {
    /// Logs in, mapping failures to what the user sees. Returns false when the login waits for
    /// `%globus login --code`.
    @discardableResult
    func runLogin(_ app: GlobusApp, parameters: AuthorizationParameters?, extraScopes: [Scope] = []) throws(MagicError) -> Bool {
        do { return try login(app, parameters: parameters, extraScopes: extraScopes) } catch {
            if case .cancelled = error { throw .interrupted }
            throw .globus(error)
        }
    }

    /// The login itself, keeping the SDK's error types (so a call's login handler can pass them on).
    func login(_ app: GlobusApp, parameters: AuthorizationParameters?, extraScopes: [Scope] = []) throws(GlobusError) -> Bool {
        let pending = try app.startLogin(parameters: parameters, extraScopes: extraScopes)
        let displayID = "globus-login-\(cell.context.executionCount)-\(monotonicNanoseconds())"
        let url = pending.authorizeURL
        let link = "<a href=\"\(escapeHTML(url))\" target=\"_blank\" rel=\"noopener\">Sign in with Globus</a>"
        let banner = demoBanner()
        if let flow = session.automaticLogin(app), let who = session.demo?.autoApprove {
            let claims = try app.finishLogin(pending, code: try flow.obtainCode(authorizeURL: url), isCancelled: isCancelled)
            var b = loggedIn(claims)
            b["text/plain"] = .string(banner + "Demo: the simulator approved the sign-in as \(who).\n" + (b["text/plain"]?.string ?? ""))
            output.display(b)
            return true
        }
        if cell.context.allowStdin {
            var prompt = MimeBundle(text: banner + PasteCodeLoginFlow.terminalText(url).trimmed + "\n")
            prompt["text/html"] = .string(htmlBanner() + "<p><b>\(link)</b> (opens Globus in a new tab), then paste the Authorization Code below.</p><p><small>\(escapeHTML(url))</small></p>")
            output.display(prompt, metadata: [:], displayID: displayID)
            let code: String
            // Hidden input: the code is a short-lived credential and must not be saved in the notebook.
            do { code = try output.input(prompt: PasteCodeLoginFlow.prompt, password: true) } catch {
                switch error {
                case .interrupted: throw .cancelled
                case .endOfFile: throw .usage("No Authorization Code was entered. Run %globus login to try again.")
                case .notAllowed: return twoStep(pending, displayID: displayID, link: link)
                }
            }
            guard !code.trimmed.isEmpty else { throw .usage("No Authorization Code was entered. Run %globus login to try again.") }
            let who = try app.finishLogin(pending, code: code, isCancelled: isCancelled)
            output.updateDisplay(loggedIn(who), metadata: [:], displayID: displayID)
            return true
        }
        return twoStep(pending, displayID: displayID, link: link)
    }

    func twoStep(_ pending: PendingLogin, displayID: String, link: String) -> Bool {
        session.pending = pending
        let url = pending.authorizeURL
        var b = MimeBundle(text: demoBanner() + "Please authenticate with Globus here:\n\(url)\n\nThen finish the login by running, in a new cell:\n%globus login --code PASTE_CODE_HERE\n")
        b["text/html"] = .string(htmlBanner() + "<p><b>\(link)</b>, copy the Authorization Code, then run in a new cell:</p><pre>%globus login --code PASTE_CODE_HERE</pre><p><small>\(escapeHTML(url))</small></p>")
        output.display(b, metadata: [:], displayID: displayID)
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
        session.localAuthURL().map { "[Globus Simulator at \($0) - not the real Globus]\n" } ?? ""
    }

    func htmlBanner() -> String {
        let t = demoBanner()
        return t.isEmpty ? "" : "<p style=\"background:#ffb81c;padding:.2em .5em\"><b>\(escapeHTML(t.trimmed))</b></p>"
    }

    /// The login to run when a call finds tokens missing or a requirement unmet.
    func loginHandler(_ app: GlobusApp) -> (LoginRequired) throws(GlobusError) -> Void {
        { need throws(GlobusError) in
            if app.isClientApp { try app.clientCredentialsLogin(isCancelled: isCancelled); return }
            if case .identityChanged = need.reason { throw .loginRequired(need) }
            output.stream(.stderr, "\(need.description); logging in.\n")
            if try !login(app, parameters: need.authorizationParameters) { throw .loginRequired(need) }
        }
    }

    /// Calls a service with the app's tokens, logging in when needed.
    func call(_ app: GlobusApp, _ request: ServiceRequest, resourceServer: String? = nil, redrive: Bool? = nil) throws(MagicError) -> HTTPResponse {
        try sdk { () throws(GlobusError) in
            try app.call(request, resourceServer: resourceServer, onLoginRequired: loginHandler(app), redrive: redrive, isCancelled: isCancelled)
        }
    }

    /// Who is logged in (Auth's userinfo).
    func userinfo(_ app: GlobusApp) throws(MagicError) -> JSON {
        let answer = try call(app, ServiceRequest(service: .auth, method: "GET", path: "/v2/oauth2/userinfo"))
        guard let doc = try? JSON.parse(answer.body) else {
            throw .failed(ExecutionError(ename: "GlobusAPIError", evalue: "userinfo did not answer JSON"))
        }
        return doc
    }
}
