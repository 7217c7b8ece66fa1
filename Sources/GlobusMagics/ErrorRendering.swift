import GlobusSDK
import JupyterKernel

/// Why a command failed, by kind. Every kind is rendered in one place, `executionError`, with
/// its own name and, where one exists, the command that fixes it.
enum MagicError: Error {
    /// Wrong usage; the message says what is wrong, `command` names the help to read.
    case usage(String, command: String?)
    /// A setting is invalid or missing; `fix` is what to run or set.
    case configuration(String, fix: String?)
    /// A Globus failure (API, network, login required, Auth, token storage), from the SDK, with
    /// advice for where it happened in place of (or after) the usual advice.
    case globus(GlobusError, advice: Advice = .usual)
    /// A service answered, but not with what the command needs (an endpoint without a GCS manager).
    case unexpectedAnswer(String)
    /// A login waits for its code (`%globus login` without stdin) and this needs it finished.
    case loginWaiting(LoginRequired)
    /// The kernel itself failed (a program it needs is missing or did not start).
    case `internal`(String)
    /// The user interrupted.
    case interrupted
    /// The user interrupted something that is now part done: what happened, and what to do.
    case interruptedPartway(String, then: [String])
    /// A wait ended before the thing did; `again` waits again.
    case timedOut(String, again: String)
    /// Input was needed and the frontend cannot give it (`allow_stdin` is false): what needed
    /// it and what to do instead.
    case stdinNotAllowed(String, instead: String)
    /// Input was asked for and none came.
    case noInput(String)
    /// A name has no value (`%env NAME` for an unset variable), with how to set it.
    case notSet(String, fix: String)
    /// A JMESPath expression failed on the result.
    case jmespath(String)
    /// Something would have shown, kept or sent one of the kernel's tokens or secrets; nothing was.
    case secret(String, remedy: String)

    /// Advice on a Globus failure for the command it happened in.
    enum Advice {
        /// The usual advice for the failure.
        case usual
        /// These lines in place of the usual advice (kept: the first two lines, the failure).
        case instead([String])
        /// These lines after the usual advice.
        case also([String])
    }

    /// The error as the user sees it.
    var executionError: ExecutionError {
        switch self {
        case .usage(let message, let command):
            let hint = command.map { "See '%help \($0)' for usage." } ?? "Type %help to see what the kernel understands."
            return ExecutionError(ename: "UsageError", evalue: message, traceback: ["UsageError: \(message)", hint])
        case .configuration(let message, let fix):
            return ErrorRendering.configuration(message, fix: fix)
        case .globus(let e, let advice):
            var x = ErrorRendering.globus(e)
            switch advice {
            case .usual: break
            case .instead(let lines): x.traceback = Array(x.traceback.prefix(2)) + lines
            case .also(let lines): x.traceback += lines
            }
            return x
        case .unexpectedAnswer(let message):
            return ExecutionError(ename: "GlobusAPIError", evalue: message, traceback: ["GlobusAPIError: \(message)"])
        case .loginWaiting(let need):
            return ExecutionError(
                ename: "LoginRequired", evalue: "\(need.description): finish signing in first",
                traceback: [
                    "LoginRequired: \(need.description)",
                    "Open the sign-in link shown above, copy the Authorization Code, then run:",
                    "  %globus login --code PASTE_CODE_HERE",
                    "and run this cell again."
                ])
        case .internal(let message):
            return ExecutionError(
                ename: "InternalError", evalue: message,
                traceback: [
                    "InternalError: \(message)",
                    "This is a problem of the kernel or its installation, not of your command. Reinstall the kernel (make kernelspec), or report it."
                ])
        case .interrupted: return .interrupted
        case .interruptedPartway(let message, let then):
            return ExecutionError(ename: "KeyboardInterrupt", evalue: message, traceback: ["KeyboardInterrupt: \(message)"] + then)
        case .timedOut(let message, let again):
            return ExecutionError(ename: "TimeoutError", evalue: message, traceback: ["TimeoutError: \(message)", "It goes on at Globus. Wait again with:", "  \(again)"])
        case .stdinNotAllowed(let what, let instead):
            return ExecutionError(
                ename: "StdinNotAllowed", evalue: "this frontend cannot answer input requests",
                traceback: ["StdinNotAllowed: \(what) needs a frontend that allows input (this run set allow_stdin=false).", instead])
        case .noInput(let message):
            return ExecutionError(ename: "EOFError", evalue: message)
        case .notSet(let message, let fix):
            return ExecutionError(ename: "KeyError", evalue: message, traceback: ["KeyError: \(message)", fix])
        case .jmespath(let message):
            return ExecutionError(ename: "JMESPathError", evalue: message)
        case .secret(let message, let remedy):
            return ExecutionError(ename: "SecretError", evalue: message, traceback: ["SecretError: \(message)", remedy])
        }
    }
}

/// How Globus failures and configuration errors read: a name, a one-line value, and a short
/// traceback with the request and the exact command that fixes it. Never a token.
enum ErrorRendering {
    /// A configuration error with the command or setting that fixes it.
    static func configuration(_ message: String, fix: String?) -> ExecutionError {
        ExecutionError(
            ename: "ConfigurationError", evalue: message,
            traceback: ["ConfigurationError: \(message)"] + (fix.map { ["Fix it with:", "  " + $0] } ?? []))
    }

    /// A Globus failure as the Jupyter error the user sees: a name, a one-line value, and a short
    /// traceback with the request and the exact command that fixes it. Never a token.
    static func globus(_ e: GlobusError) -> ExecutionError {
        switch e {
        case .api(let a):
            var tb = ["GlobusAPIError: \(summary(a))", "  request:    \(a.method) \(a.url)"]
            if let id = a.requestID { tb.append("  request id: \(id)") }
            if let m = a.message { tb.append("  message:    \(m)") }
            tb += remedy(for: a)
            return ExecutionError(ename: "GlobusAPIError", evalue: summary(a), traceback: tb)
        case .network(let n):
            let advice =
                switch n.kind {
                case .tls:
                    "Set GLOBUS_SDK_VERIFY_SSL to the CA bundle that signed this server's certificate in the environment Jupyter starts the kernel with (for example GLOBUS_SDK_VERIFY_SSL=/path/to/ca.pem before starting Jupyter), then restart the kernel."
                case .redirectRefused: "The service sent the request elsewhere; call the new address's service directly, without -L."
                case .tooLarge: "The answer is larger than the kernel takes in one piece. Ask for less (a filter, a smaller limit), or page through it with --paginate."
                default: "Check the network connection (and GLOBUS_SDK_SERVICE_URL_* if set), then run the cell again."
                }
            return ExecutionError(
                ename: "NetworkError", evalue: "\(n.kind.rawValue) on \(n.method) \(n.url)",
                traceback: ["NetworkError: \(n.kind.rawValue) on \(n.method) \(n.url)", "  \(n.detail)", advice])
        case .cancelled:
            return .interrupted
        case .loginRequired(let l):
            if case .codeRejected = l.reason {
                let again = l.authorizationParameters.map(loginCommand) ?? "%globus login"
                return ExecutionError(
                    ename: "LoginError", evalue: l.description,
                    traceback: [
                        "LoginError: \(l.description).", "Nothing was changed. Get a new code by signing in again:", "  " + again
                    ])
            }
            var tb = ["LoginRequired: \(l.description)"]
            switch l.reason {
            case .identityChanged:
                tb.append("You logged in as someone else than the stored tokens belong to. To switch accounts, run:")
                tb.append("  %globus logout")
                tb.append("and then %globus login again.")
            default:
                tb.append("Log in (again) with:")
                tb.append("  " + loginCommand(for: l.authorizationParameters))
            }
            return ExecutionError(ename: "LoginRequired", evalue: l.description, traceback: tb)
        case .usage(let m):
            return ExecutionError(ename: "UsageError", evalue: m, traceback: ["UsageError: \(m)"])
        case .configuration(let m):
            return configuration(m, fix: configurationFix(m))
        case .auth(let m):
            return ExecutionError(
                ename: "AuthError", evalue: m,
                traceback: [
                    "AuthError: \(m)", "Globus Auth answered in a way the login protocol does not allow. Try again with:", "  %globus login --force"
                ])
        case .storage(let m):
            return ExecutionError(ename: "TokenStorageError", evalue: m, traceback: ["TokenStorageError: \(m)"])
        case .idToken(let m):
            return ExecutionError(ename: "IDTokenError", evalue: m, traceback: ["IDTokenError: \(m)", "Try %globus login --force."])
        }
    }

    /// How to change a variable a cell cannot change: a restart with it set.
    static func restartFix(_ name: String) -> String {
        "set \(name) in the environment Jupyter starts the kernel with (before starting Jupyter, or in the kernelspec's \"env\"), then restart the kernel"
    }

    /// The command that fixes a configuration error naming a variable: `%env NAME=…`, or, for
    /// a secret without its client id, setting the id; for a variable a cell cannot change
    /// (`KernelEnvironment.decidesWhereTokensGo`), a restart with it set.
    static func configurationFix(_ message: String) -> String? {
        guard let r = message.firstRange(of: "GLOBUS_") else { return nil }
        let name = String(message[r.lowerBound...].prefix { $0.isUppercase || $0 == "_" || $0.isNumber })
        if name == "GLOBUS_CLIENT_SECRET" { return "%env GLOBUS_CLIENT_ID=YOUR_CLIENT_ID   (or %env --unset GLOBUS_CLIENT_SECRET)" }
        if KernelEnvironment.decidesWhereTokensGo(name) { return restartFix(name) }
        return "%env \(name)=VALUE   (or %env --unset \(name) for the default)"
    }

    static func summary(_ a: GlobusAPIError) -> String {
        "\(a.httpStatus) \(a.code ?? "Error"): \(a.message ?? (a.json == nil ? String(a.text.prefix(120)) : "(no message)"))"
    }

    /// The exact command that satisfies an authorization requirement.
    static func loginCommand(for p: AuthorizationParameters?) -> String {
        var words = ["%globus", "login"]
        guard let p else { return "%globus login --force" }
        for s in p.requiredScopes ?? [] { words += ["--scope", ShellWords.quote(s)] }
        for d in p.sessionRequiredSingleDomain ?? [] { words += ["--session-domain", ShellWords.quote(d)] }
        for i in p.sessionRequiredIdentities ?? [] { words += ["--session-identity", ShellWords.quote(i)] }
        for pol in p.sessionRequiredPolicies ?? [] { words += ["--session-policy", ShellWords.quote(pol)] }
        if p.sessionRequiredMFA == true { words.append("--mfa") }
        if p.prompt == "login" { words.append("--prompt-login") }
        if words.count == 2 { words.append("--force") }
        return words.joined(separator: " ")
    }

    static func remedy(for a: GlobusAPIError) -> [String] {
        if let gare = a.gare {
            let p = gare.authorizationParameters
            let why =
                p.hasSessionRequirements
                ? "This resource requires you to re-authenticate\(p.sessionMessage.map { ": " + $0 } ?? ".")"
                : (a.message == "Missing required data_access consent"
                    ? "The collection you are trying to access data on requires you to grant consent for this kernel to access it."
                    : "The resource you are trying to access requires you to consent to additional access.")
            return ["", why, "Run:", "  " + loginCommand(for: p)]
        }
        if a.httpStatus == 401 {
            return ["", "Your login is missing, expired or was revoked. Run:", "  %globus login --force"]
        }
        return []
    }
}
