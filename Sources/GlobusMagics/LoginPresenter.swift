import Escaping
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
            switch error {
            case .cancelled:
                throw .interruptedPartway("the login was cancelled; nothing was changed.", then: ["To sign in, run:", "  %globus login"])
            case .network:
                // The generic advice says to run the cell again; for a login, that is the login.
                throw .globus(error, advice: .instead(["Check the network connection, then sign in again:", "  %globus login"]))
            default:
                throw .globus(error)
            }
        }
    }

    /// How many times a person may paste something that is not a code before the login gives up.
    static let codeAttempts = 3

    /// Asks for the Authorization Code until what is pasted can be one: what is safe to strip
    /// (spaces, line breaks, quotes around it) is stripped, the code inside a pasted redirect
    /// link is taken from it, and a pasted sign-in link is answered with where the code is.
    func askForCode() throws(GlobusError) -> String? {
        var prompt = PasteCodeLoginFlow.prompt
        for _ in 0..<Self.codeAttempts {
            let typed: String
            do { typed = try output.input(prompt: prompt, password: true) } catch {
                switch error {
                case .interrupted: throw .cancelled
                case .endOfFile: throw .usage("No Authorization Code was entered. To try again, run: %globus login")
                case .notAllowed: return nil
                }
            }
            switch AuthorizationCodeInput(typed) {
            case .code(let code): return code
            case .empty: prompt = "Nothing was pasted. Paste the Authorization Code Globus showed after you signed in: "
            case .signInLink: prompt = "That is the sign-in link, not the code. Open it, sign in, then paste the Authorization Code Globus shows: "
            }
        }
        throw .usage("No Authorization Code was entered. To try again, run: %globus login")
    }

    /// The login itself, keeping the SDK's error types (so a call's login handler can pass them on).
    func login(_ app: GlobusApp, parameters: AuthorizationParameters?, extraScopes: [Scope] = []) throws(GlobusError) -> Bool {
        let pending = try app.startLogin(parameters: parameters, extraScopes: extraScopes)
        let displayID = "globus-login-\(cell.context.executionCount)-\(monotonicNanoseconds())"
        let url = pending.authorizeURL
        let link = HTML.href(url).map { "<a href=\"\($0)\" target=\"_blank\" rel=\"noopener\">Sign in with Globus</a>" } ?? "Sign in with Globus"
        let banner = demoBanner()
        if let flow = session.demo.automaticLogin(app), let who = session.demo.simulator?.autoApprove {
            let claims = try app.finishLogin(pending, code: try flow.obtainCode(authorizeURL: url), isCancelled: isCancelled)
            var b = loggedIn(claims)
            b["text/plain"] = .string(banner + "Demo: the simulator approved the sign-in as \(who).\n" + (b["text/plain"]?.string ?? ""))
            output.display(b)
            return true
        }
        if cell.context.allowStdin {
            var prompt = MimeBundle(text: banner + PasteCodeLoginFlow.terminalText(url).trimmed + "\n")
            prompt["text/html"] = .string(
                htmlBanner() + "<p><b>\(link)</b> (opens Globus in a new tab), then paste the Authorization Code below.</p><p><small>\(HTML.escape(url))</small></p>")
            output.display(prompt, metadata: [:], displayID: displayID)
            // Hidden input: the code is a short-lived credential and must not be saved in the notebook.
            guard let code = try askForCode() else { return twoStep(pending, displayID: displayID, link: link) }
            let who = try app.finishLogin(pending, code: code, isCancelled: isCancelled)
            // The used link is cleared in place, and the confirmation is a display of its own:
            // frontends that ignore display updates (jupyter console) show it too, and none twice.
            output.updateDisplay(MimeBundle(text: ""), metadata: [:], displayID: displayID)
            output.display(loggedIn(who))
            return true
        }
        return twoStep(pending, displayID: displayID, link: link)
    }

    func twoStep(_ pending: PendingLogin, displayID: String, link: String) -> Bool {
        session.pending = pending
        let url = pending.authorizeURL
        var b = MimeBundle(
            text: demoBanner() + "Please authenticate with Globus here:\n\(url)\n\nThen finish the login by running, in a new cell:\n%globus login --code PASTE_CODE_HERE\n")
        b["text/html"] = .string(
            htmlBanner()
                + "<p><b>\(link)</b>, copy the Authorization Code, then run in a new cell:</p><pre>%globus login --code PASTE_CODE_HERE</pre><p><small>\(HTML.escape(url))</small></p>"
        )
        output.display(b, metadata: [:], displayID: displayID)
        return false
    }

    /// "Logged in as alice@uchicago.edu (Alice Researcher) via University of Chicago".
    func loggedIn(_ who: IdentityClaims) -> MimeBundle {
        let user = who.preferredUsername ?? who.sub
        let text = "Logged in as \(user)" + (who.name.map { " (\($0))" } ?? "") + (who.identityProvider.map { " via \($0)" } ?? "")
        var b = MimeBundle(text: text)
        b["text/html"] = .string("<p><b>\(HTML.escape(text))</b></p>")
        return b
    }

    /// A visible reminder when the kernel talks to a local simulator rather than Globus.
    func demoBanner() -> String {
        session.localAuthURL().map { "[Globus Simulator at \($0) - not the real Globus]\n" } ?? ""
    }

    func htmlBanner() -> String {
        let t = demoBanner()
        return t.isEmpty ? "" : "<p style=\"background:#ffb81c;padding:.2em .5em\"><b>\(HTML.escape(t.trimmed))</b></p>"
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
}

/// What a person pasted at the code prompt.
enum AuthorizationCodeInput: Equatable {
    case code(String)
    case empty
    /// A Globus sign-in (authorize) link, which has no code in it.
    case signInLink

    /// Strips what cannot be part of a code (surrounding spaces, line breaks and quotes) and
    /// takes the code out of a pasted redirect link (`…?code=…`).
    init(_ typed: String) {
        var text = Substring(typed)
        let decoration: Set<Character> = [" ", "\t", "\r", "\n", "\r\n", "\"", "'", "`", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}"]
        while let c = text.first, decoration.contains(c) { text.removeFirst() }
        while let c = text.last, decoration.contains(c) { text.removeLast() }
        if text.isEmpty { self = .empty; return }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            let query = text.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            let code = query.split(separator: "&").first { $0.hasPrefix("code=") }.map { String($0.dropFirst(5)) }
            self = code.map { .code(FormEncoding.unescape($0)) } ?? .signInLink
            return
        }
        self = .code(String(text))
    }
}
