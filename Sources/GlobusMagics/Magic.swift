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
    var usage: String { declaration.usage(command: "%" + name) }
    /// Options and flags.
    var arguments: ArgumentSpec { declaration.arguments }
    /// The full help text: examples, usage, summary, options, notes.
    var helpText: String { declaration.helpText(command: "%" + name) }

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

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
