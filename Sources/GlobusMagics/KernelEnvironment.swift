import Support
import GlobusSDK

/// The kernel's environment variables: a copy of the process's, taken once at start and changed
/// only by `%env`. `$NAME` expansion reads it, the Globus settings are made from it, and programs
/// the kernel starts get it; the process environment itself is never changed (no `setenv`).
final class KernelEnvironment: Sendable {
    private let state: Locked<(variables: [String: String], generation: Int, secrets: Set<String>)>
    /// The kernel's settings as it started, which `%env` cannot change.
    let settings: KernelSettings

    init(_ settings: KernelSettings) {
        let variables = settings.variables
        state = Locked((variables, 0, Set(variables.compactMap { KernelEnvironment.secret($0.key, $0.value) })))
        self.settings = settings
    }

    /// The variables as the kernel started with them. What a shared hub decides about a person
    /// (who they are, their home, the class simulator's file, the temporary folder) is read from
    /// these, never from the live variables.
    var atStart: [String: String] { settings.variables }

    /// Whether the kernel was started by JupyterHub for a person (`JUPYTERHUB_USER` was set at
    /// start): files and identities then follow the stricter rules of a shared hub.
    var underHub: Bool { settings.hub != nil }

    /// The settings that decide demo mode, the class simulator and the person: under a hub, as the
    /// kernel started (a person there must not change them); elsewhere, made from the live
    /// variables, as `%env` has left them (the server's part stays as it started).
    var decided: KernelSettings {
        guard !underHub else { return settings }
        return KernelSettings(variables: variables, server: settings.server)
    }

    /// Whether `name` decides where the kernel sends tokens, or whom it trusts to receive them:
    /// a service's address (`GLOBUS_SDK_SERVICE_URL_*`), the certificates it checks
    /// (`GLOBUS_SDK_VERIFY_SSL`), a proxy. These are read as the kernel started; `%env` cannot
    /// change them, or a notebook's cell could send the stored tokens (and refresh tokens, and
    /// any `--body-file`) to a host of its choosing.
    static func decidesWhereTokensGo(_ name: String) -> Bool {
        name == "GLOBUS_SDK_VERIFY_SSL" || name.hasPrefix("GLOBUS_SDK_SERVICE_URL_") || Settings.proxyVariables.contains(name)
    }

    /// The variables the Globus settings are made from: the live ones, but those that decide
    /// where tokens go as the kernel started.
    var forSettings: [String: String] {
        var v = variables.filter { !KernelEnvironment.decidesWhereTokensGo($0.key) }
        for (name, value) in atStart where KernelEnvironment.decidesWhereTokensGo(name) { v[name] = value }
        return v
    }

    /// One variable's value.
    subscript(name: String) -> String? { state.withLock { $0.variables[name] } }

    /// Every variable.
    var variables: [String: String] { state.withLock { $0.variables } }

    /// Counts changes (so that what is made from the variables is remade only after one).
    var generation: Int { state.withLock { $0.generation } }

    /// Sets (or, with nil, removes) a variable.
    func set(_ name: String, _ value: String?) {
        state.withLock {
            $0.variables[name] = value
            $0.generation += 1
            if let value, let secret = KernelEnvironment.secret(name, value), $0.secrets.count < KernelEnvironment.maximumSecrets {
                $0.secrets.insert(secret)
            }
        }
    }

    /// The variables a person on a hub must not change for the programs the kernel starts
    /// (where they keep files, who they are).
    static let hubDecided = ["HOME", "TMPDIR", "TMP", "TEMP", "JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL"]

    /// `NAME=VALUE` strings for a child process: the live variables, but on a hub those of
    /// `hubDecided` as the kernel started with them.
    func childEnvironment(adding extra: [String: String] = [:]) -> [String] {
        var v = variables
        if underHub { for name in KernelEnvironment.hubDecided { v[name] = atStart[name] } }
        return v.merging(extra) { _, new in new }.map { "\($0.key)=\($0.value)" }
    }

    /// The values secret-looking variables have held since the kernel started (4 characters or
    /// more: shorter ones would mask ordinary words). The set only grows: a value copied to an
    /// ordinary name (`%env COPY=$JUPYTERHUB_API_TOKEN`) stays a secret after the original is
    /// unset or changed.
    func secretValues() -> [String] { state.withLock { Array($0.secrets) } }

    /// How many values are remembered as secrets at most (one more per `%env` of a secret-looking
    /// name; those of the start are always among them).
    static let maximumSecrets = 10_000

    /// `value` when `name` looks secret and `value` is long enough to be told from ordinary words.
    private static func secret(_ name: String, _ value: String) -> String? {
        looksSecret(name) && value.count >= 4 ? value : nil
    }
}

/// Whether a variable name suggests its value is a secret.
///
/// Compared byte by byte on the name's ASCII-uppercased UTF-8: it runs on every variable at start,
/// and `String.contains(_:)` (from the string-processing library) costs some 25,000 instructions a
/// call, a quarter of the kernel's start-up in all.
func looksSecret(_ name: String) -> Bool {
    let n = Array(name.utf8.lazy.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 })
    return secretWords.contains { word in n.count >= word.count && (0...(n.count - word.count)).contains { n[$0..<$0 + word.count].elementsEqual(word) } }
        || n.elementsEqual("KEY".utf8) || n.ends(with: Array("_KEY".utf8)) || n.starts(with: "KEY_".utf8)
}

/// The words that make a variable's name look secret, as UTF-8.
private let secretWords: [[UInt8]] = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "APIKEY", "API_KEY"].map { Array($0.utf8) }

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix) }
}
