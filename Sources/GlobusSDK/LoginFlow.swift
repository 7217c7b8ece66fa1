/// How a person gets from an authorize URL to a code. The paste-code flow takes "show this URL"
/// and "ask for the code" from its caller: a graphical frontend shows a link and an input box;
/// a terminal prints and reads stdin.
public protocol LoginFlow {
    /// Shows `authorizeURL` and returns the authorization code the person pasted.
    func obtainCode(authorizeURL: String) throws(GlobusError) -> String
}

/// The paste-the-code flow, with the caller's ways to show and to ask.
public struct PasteCodeLoginFlow: LoginFlow {
    let show: (String) -> Void
    let ask: () throws(GlobusError) -> String

    /// A flow that shows the sign-in text with `show` and reads the code with `ask`.
    public init(show: @escaping (String) -> Void, ask: @escaping () throws(GlobusError) -> String) {
        self.show = show
        self.ask = ask
    }

    /// Shows the link, then asks for the code.
    public func obtainCode(authorizeURL: String) throws(GlobusError) -> String {
        show(authorizeURL)
        let code = try ask().trimmingCharacters(" \t\r\n")
        guard !code.isEmpty else { throw .usage("No authorization code was entered.") }
        return code
    }

    /// The Python SDK's terminal text before the prompt.
    public static func terminalText(_ url: String) -> String {
        let rule = String(repeating: "-", count: 37)
        return "\nPlease authenticate with Globus here:\n\(rule)\n\(url)\n\(rule)\n\n"
    }

    /// The prompt for the code.
    public static let prompt = "Enter the resulting Authorization Code here: "
}

/// A login started but not finished: the two-step form for frontends that cannot ask for input
/// (start → show the URL; later, finish with the pasted code).
public struct PendingLogin: Sendable {
    /// The sign-in link to show.
    public let authorizeURL: String
    let pkce: PKCE?
    let redirectURI: String
    /// The scopes asked for.
    public let scopes: [Scope]
    /// The session requirements asked for.
    public let parameters: AuthorizationParameters?
}
