import GlobusSDK
import JSON
import JupyterKernel

/// `%env`: reads and sets the kernel's environment variables (so a notebook can set
/// `GLOBUS_SDK_ENVIRONMENT` and friends; the Globus settings are remade from them). Values of
/// secret-looking names are never shown.
struct EnvMagic: Magic {
    static let ask = Flag("--ask", help: "ask for the value (hidden input)")
    static let unset = Flag("--unset", help: "remove the variable")
    let declaration = CommandDeclaration(
        name: "env", synopsis: "[NAME[=VALUE] | NAME VALUE]", summary: "Show or set environment variables of the kernel.",
        options: [ask, unset],
        examples: ["%env GLOBUS_SDK_ENVIRONMENT=preview", "%env GLOBUS_CLIENT_SECRET --ask", "%env GLOBUS_SDK_ENVIRONMENT"],
        notes: """
            With no argument, lists the variables. `%env NAME` shows one value; `%env NAME=VALUE` sets it.
            `%env NAME --ask` asks for the value with a password prompt, so it never lands in the notebook.
            Values of names that look secret (SECRET, TOKEN, PASSWORD, KEY, CREDENTIAL) are never shown.
            What decides where your tokens are sent (GLOBUS_SDK_SERVICE_URL_*, GLOBUS_SDK_VERIFY_SSL, the
            proxy variables) is read when the kernel starts: set it before starting Jupyter.
            """)

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let args = call.arguments
        let out = session.output
        let env = session.environment
        if args.positionals.isEmpty {
            guard !args[Self.ask] && !args[Self.unset] else { throw usageError("name the variable") }
            return listing(env)
        }
        var name = args.positionals[0]
        var value: String?
        if let eq = name.firstIndex(of: "=") {
            value = String(name[name.index(after: eq)...])
            name = String(name[..<eq])
            if args.positionals.count > 1 { value! += " " + args.positionals.dropFirst().joined(separator: " ") }
        } else if args.positionals.count > 1 {
            value = args.positionals.dropFirst().joined(separator: " ")
        }
        guard isValidName(name) else { throw usageError("'\(name)' is not a valid variable name") }
        if KernelEnvironment.decidesWhereTokensGo(name) && (args[Self.unset] || args[Self.ask] || value.map { $0 != env.atStart[name] } == true) {
            let message =
                "env: \(name) decides where this kernel sends your Globus tokens, or whom it trusts to receive them, so it is read when the kernel starts and a cell cannot change it (a notebook could otherwise send your tokens to a host of its choosing)"
            throw .configuration(message, fix: ErrorRendering.restartFix(name))
        }
        if args[Self.unset] {
            env.set(name, nil)
            out.stream(.stdout, "env: \(name) unset\n")
            return nil
        }
        if args[Self.ask] {
            guard value == nil else { throw usageError("--ask takes no value") }
            do {
                value = try out.input(prompt: "Value for \(name): ", password: true)
            } catch {
                switch error {
                case .notAllowed:
                    throw .stdinNotAllowed("%env \(name) --ask", instead: "Set the variable in the kernel's environment instead, e.g. before starting Jupyter.")
                case .interrupted: throw .interrupted
                case .endOfFile: throw .noInput("no value was entered")
                }
            }
            env.set(name, value!)
            out.stream(.stdout, "env: \(name) set (value hidden)\n")
            return nil
        }
        if let value {
            // Masked when the name looks secret or the value came from a secret (`X=$SECRET`).
            let shown = looksSecret(name) || env.secretValues().contains { value.contains($0) } ? "<hidden>" : value
            env.set(name, value)
            out.stream(.stdout, "env: \(name)=\(shown)\n")
            warnIfInvalid(name, env, out)
            return nil
        }
        guard let v = env[name] else {
            throw .notSet("environment variable \(name) is not set", fix: "Set it with %env \(name)=VALUE")
        }
        return MimeBundle(text: looksSecret(name) ? "<hidden: \(name) is set>" : v)
    }

    /// A Globus setting is checked as soon as it is set: a bad value is named now, not at the
    /// next Globus command.
    func warnIfInvalid(_ name: String, _ env: KernelEnvironment, _ out: OutputSink) {
        guard Settings.reads(name) else { return }
        do { _ = try Settings(variables: env.forSettings) } catch {
            out.stream(.stderr, "Warning: \(error.description) %globus commands will fail until it is fixed.\n")
        }
    }

    func completePositional(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        guard args.isEmpty else { return [] }
        return session.environment.variables.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }

    func listing(_ env: KernelEnvironment) -> MimeBundle {
        var lines: [String] = []
        var obj = JSONObject()
        for (name, value) in env.variables.sorted(by: { $0.key < $1.key }) {
            let v = looksSecret(name) ? "<hidden>" : value
            lines.append("\(name)=\(v)")
            obj[name] = .string(v)
        }
        var b = MimeBundle(text: lines.joined(separator: "\n"))
        b["application/json"] = .object(obj)
        return b
    }
}

extension ExecutionError {
    /// This error with every occurrence of the given values replaced by `<hidden>`.
    func masking(_ values: [String]) -> ExecutionError {
        guard !values.isEmpty else { return self }
        func mask(_ s: String) -> String { values.reduce(s) { $0.replacingAll($1, with: "<hidden>") } }
        return ExecutionError(ename: ename, evalue: mask(evalue), traceback: traceback.map(mask))
    }
}

func isValidName(_ name: String) -> Bool {
    guard let f = name.unicodeScalars.first, ShellWords.isNameStart(f) else { return false }
    return name.unicodeScalars.allSatisfy(ShellWords.isNameChar)
}
