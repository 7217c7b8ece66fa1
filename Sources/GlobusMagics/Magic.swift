import GlobusSDK
import JSON
import JupyterKernel

/// One `%name` command of the kernel's language, declared as a `%globus` subcommand is: its
/// `CommandDeclaration` gives its name, parsing, help and completion.
protocol Magic: Sendable {
    /// Its name, usage, summary, typed options, examples and notes.
    var declaration: CommandDeclaration { get }
    /// Runs the command. A returned bundle is the command's value (`Out[n]` when last).
    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle?
    /// Candidate words for a positional argument (after `args`) starting with `prefix`.
    func completePositional(_ args: [String], prefix: String, session: MagicSession) -> [String]
    /// Candidate words for the word being typed after `args` (options, option values, positionals).
    func complete(_ args: [String], prefix: String, session: MagicSession) -> [String]
    /// For a line (what follows the magic's name) whose end this magic takes as typed
    /// (`%globus vars set NAME=JSON`): its leading words and that raw end; nil for any other line,
    /// which is split into shell words.
    func verbatimTail(of line: String) -> (words: [String], tail: String)?
}

extension Magic {
    func verbatimTail(of line: String) -> (words: [String], tail: String)? { nil }
    func completePositional(_ args: [String], prefix: String, session: MagicSession) -> [String] { [] }

    func complete(_ args: [String], prefix: String, session: MagicSession) -> [String] {
        arguments.complete(args, prefix: prefix) { completePositional($0, prefix: prefix, session: session) }
    }

    /// The name without `%`.
    var name: String { declaration.name }
    /// One line for `%lsmagic` and `%help`.
    var summary: String { declaration.summary }
    /// The synopsis, e.g. `%echo [--stderr] TEXT…`.
    var usage: String { declaration.usage }
    /// Options and flags.
    var arguments: ArgumentSpec { declaration.arguments }
    /// The full help text: examples, usage, summary, options, notes.
    var helpText: String { declaration.helpText() }

    /// A usage error of this command.
    func usageError(_ message: String) -> MagicError { .usage("\(name): \(message)", command: name) }
}

/// One parsed command: its words after the magic name and, for `%%` cells, the cell body.
struct Invocation {
    var magic: String
    var words: [String]
    var arguments: ParsedArguments
    var body: String?
    /// The end of the line taken as typed, after `words` (see `Magic.verbatimTail(of:)`).
    var tail: String?
    /// The command line as typed (for messages).
    var source: String
}

/// Why a command failed, by kind; each kind renders with its own name and, where one exists,
/// the command that fixes it.
enum MagicError: Error {
    /// Wrong usage; the message says what is wrong, `command` names the help to read.
    case usage(String, command: String?)
    /// A setting is invalid or missing; `fix` is what to run or set.
    case configuration(String, fix: String?)
    /// A Globus failure (API, network, login required, Auth, token storage), from the SDK.
    case globus(GlobusError)
    /// The kernel itself failed (a program it needs is missing or did not start).
    case `internal`(String)
    /// Any other failure, already phrased as a Jupyter error.
    case failed(ExecutionError)
    /// The user interrupted.
    case interrupted
    /// Something would have shown, kept or sent one of the kernel's tokens or secrets; nothing was.
    case secret(String, remedy: String)

    var executionError: ExecutionError {
        switch self {
        case .usage(let message, let command):
            let hint = command.map { "See '%help \($0)' for usage." } ?? "Type %help to see what the kernel understands."
            return ExecutionError(ename: "UsageError", evalue: message, traceback: ["UsageError: \(message)", hint])
        case .configuration(let message, let fix):
            return ExecutionError(
                ename: "ConfigurationError", evalue: message,
                traceback: ["ConfigurationError: \(message)"] + (fix.map { ["Fix it with:", "  " + $0] } ?? []))
        case .globus(let e): return Rendering.error(e)
        case .internal(let message):
            return ExecutionError(
                ename: "InternalError", evalue: message,
                traceback: [
                    "InternalError: \(message)",
                    "This is a problem of the kernel or its installation, not of your command. Reinstall the kernel (make kernelspec), or report it."
                ])
        case .failed(let e): return e
        case .interrupted: return .interrupted
        case .secret(let message, let remedy):
            return ExecutionError(ename: "SecretError", evalue: message, traceback: ["SecretError: \(message)", remedy])
        }
    }
}

/// What a running command can use: the output sink, the request context and the registry.
final class MagicSession {
    let output: OutputSink
    let context: ExecutionContext
    let registry: MagicRegistry
    /// The kernel's environment variables (`%env`, `$NAME`).
    let environment: KernelEnvironment
    /// Whether the user interrupted, as a sendable check for SDK calls.
    var isCancelled: @Sendable () -> Bool { output.interruptionCheck }
    /// Runs another command line in this session (for `%time`).
    let runLine: (String) throws(MagicError) -> MimeBundle?

    init(
        output: OutputSink, context: ExecutionContext, registry: MagicRegistry, environment: KernelEnvironment,
        runLine: @escaping (String) throws(MagicError) -> MimeBundle?
    ) {
        self.output = output
        self.context = context
        self.registry = registry
        self.environment = environment
        self.runLine = runLine
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
