import Support
import GlobusSDK
import JSON
import JupyterKernel

/// One `%globus` subcommand: its declaration (name, usage, summary, typed options, examples),
/// from which parsing, help and completion are made, and its typed arguments and run.
protocol GlobusSubcommand {
    static var declaration: CommandDeclaration { get }
    /// Whether `%%globus NAME` takes the rest of the cell as its body.
    static var takesCellBody: Bool { get }
    /// Whether it needs the Globus settings (false for help, version and demo: they run even
    /// when a setting is broken, and start no demo).
    static var needsGlobus: Bool { get }
    /// Whether its JSON result can be kept with `--as NAME`.
    static var keepsResult: Bool { get }
    /// Whether a result with both HTML and JSON is shown as the JSON tree (`call`), or as its
    /// HTML (the verbs' tables and progress bars; JupyterLab prefers the JSON tree when both are
    /// there, so the JSON is then kept for `--as` but not sent).
    static var showsJSONTree: Bool { get }
    /// The typed arguments from the parsed words (and the cell body, when it takes one).
    init(_ arguments: ParsedArguments, body: String?) throws(MagicError)
    func run(_ globus: GlobusContext) throws(MagicError) -> MimeBundle?
    /// Candidates for the next positional argument after `positionals`, where the declaration
    /// offers none (a declared collection path or choice completes by itself).
    static func completePositional(_ positionals: [String], prefix: String) -> [String]
    /// How a kept value's text is written into the positional that follows `before` (as it is,
    /// by default; `call` writes it into its PATH as one path segment).
    static func keptValueEncoding(positionalAfter before: [String]) -> (String) -> String
    /// First positionals after which the rest of the line is taken as typed, not split into
    /// words (`vars set NAME=JSON`): the command reads it from `ParsedArguments.tail`.
    static var verbatimVerbs: [String] { get }
}

extension GlobusSubcommand {
    static var takesCellBody: Bool { false }
    static var needsGlobus: Bool { true }
    static var keepsResult: Bool { false }
    static var showsJSONTree: Bool { false }
    static func completePositional(_ positionals: [String], prefix: String) -> [String] { [] }
    static func keptValueEncoding(positionalAfter before: [String]) -> (String) -> String { { $0 } }
    static var verbatimVerbs: [String] { [] }
    /// The name used in messages, e.g. `globus login`.
    static var commandName: String { "globus " + declaration.name }
    /// `text` when it is a Globus id (a UUID), else a usage error naming `what` it should be.
    static func id(_ text: String, _ what: String) throws(MagicError) -> String {
        guard GlobusID(argument: text) != nil else { throw usage(GlobusID.refusal(text, what)) }
        return text
    }

    /// A listing's items (under `key`) as a table, or `empty` when there are none; the JSON is kept.
    static func listing(_ doc: JSON, key: String, empty: String) -> MimeBundle {
        guard let items = doc[key]?.array, !items.isEmpty else { return MimeBundle(text: empty).adding(json: doc) }
        return Rendering.bundle(for: [key: .array(items)], format: .table).adding(json: doc)
    }

    /// Its help text.
    static var helpText: String { declaration.helpText(command: "%" + commandName, keepsResult: keepsResult) }
    /// Its usage line.
    static var usageLine: String { declaration.usage(command: "%" + commandName, keepsResult: keepsResult) }
    /// A usage error of this subcommand.
    static func usage(_ message: String) -> MagicError { .usage("\(commandName): \(message)", command: "globus \(declaration.name)") }
}

/// What a subcommand runs with: the kernel's Globus session and the running cell.
struct GlobusContext {
    let session: GlobusSession
    let cell: MagicSession
    /// The secret gate every request of this command's clients passes (see `clientOptions`).
    let gate: ClientGate

    init(session: GlobusSession, cell: MagicSession) {
        self.session = session
        self.cell = cell
        gate = ClientGate(session)
    }

    var output: OutputSink { cell.output }
    var isCancelled: @Sendable () -> Bool { cell.isCancelled }

    /// Runs an SDK operation, mapping its failure to the error the user sees: a request the
    /// secret gate refused is a `SecretError`; while a login waits for its code (no stdin), a
    /// login requirement says how to finish it.
    func sdk<T>(_ body: () throws(GlobusError) -> T) throws(MagicError) -> T {
        do { return try body() } catch {
            if let refused = gate.refusal(behind: error) { throw refused }
            if case .loginRequired(let need) = error, session.pending != nil, need.reason != .identityChanged {
                throw .loginWaiting(need)
            }
            if case .cancelled = error { throw .interrupted }
            throw .globus(error)
        }
    }

    /// The app for the current settings.
    func app() throws(MagicError) -> GlobusApp { try sdk { () throws(GlobusError) in try session.app() } }
}
