import JSON

/// A language for the kernel: it runs cells and answers completion, inspection and
/// is-complete questions. It never sees ZeroMQ or wire messages; the kernel calls it on the
/// shell thread, except `interrupt()`, which comes from the control thread (or a signal).
public protocol Interpreter: AnyObject, Sendable {
    /// What `kernel_info_reply` says about the language and the implementation.
    var info: KernelInfo { get }

    /// Runs one cell, sending its output through `output`.
    func execute(_ code: String, context: ExecutionContext, output: OutputSink) -> ExecutionOutcome

    /// Completions at `cursor` (a Unicode scalar offset, already clamped).
    func complete(_ code: String, cursor: Int) -> Completion

    /// Help for the word at `cursor`.
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> Inspection?

    /// Whether `code` is ready to run.
    func isComplete(_ code: String) -> Completeness

    /// Asks a running `execute` to stop soon. Called from another thread.
    func interrupt()

    /// Releases what the interpreter holds outside the process (child processes, temporary
    /// files) just before the kernel's process ends: after a `shutdown_request` was answered, or
    /// when the parent process is gone. Called once, from the thread that ends the process,
    /// possibly while a cell still runs. The default does nothing.
    func shutdown()
}

extension Interpreter {
    public func shutdown() {}
}

/// What the kernel tells the interpreter about the request being executed.
public struct ExecutionContext: Sendable {
    /// The execution count for this cell (shown as `In [n]`).
    public var executionCount: Int
    /// Whether the frontend can answer `input_request` (false under nbclient/papermill).
    public var allowStdin: Bool
    /// Silent requests publish nothing.
    public var silent: Bool
    /// Whether the cell goes into history.
    public var storeHistory: Bool

    public init(executionCount: Int, allowStdin: Bool, silent: Bool = false, storeHistory: Bool = true) {
        self.executionCount = executionCount
        self.allowStdin = allowStdin
        self.silent = silent
        self.storeHistory = storeHistory
    }
}

/// How a cell ended.
public enum ExecutionOutcome: Sendable, Equatable {
    /// Success, with optional payloads (`page`, `set_next_input`, …).
    case ok(payload: [JSON] = [])
    /// Failure: published as an `error` message and an error reply.
    case error(ExecutionError)
}

/// A cell's failure as Jupyter shows it: a name, a value and readable traceback lines.
public struct ExecutionError: Error, Sendable, Equatable {
    public var ename: String
    public var evalue: String
    public var traceback: [String]

    public init(ename: String, evalue: String, traceback: [String]? = nil) {
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback ?? ["\(ename): \(evalue)"]
    }

    /// The error a cell ends with when it was interrupted.
    public static let interrupted = ExecutionError(
        ename: "KeyboardInterrupt", evalue: "Interrupted",
        traceback: ["KeyboardInterrupt: interrupted by the user"])
}

/// A completion reply: matches replacing the code between `start` and `end` (scalar offsets).
public struct Completion: Sendable, Equatable {
    public var matches: [String]
    public var start: Int
    public var end: Int
    /// Optional per-match types for JupyterLab (`_jupyter_types_experimental`).
    public var types: [String]?

    public init(matches: [String], start: Int, end: Int, types: [String]? = nil) {
        self.matches = matches
        self.start = start
        self.end = end
        self.types = types
    }
}

/// Help found for the code under the cursor.
public struct Inspection: Sendable, Equatable {
    public var data: MimeBundle
    public init(data: MimeBundle) { self.data = data }
}

/// The answer to `is_complete_request`.
public enum Completeness: Sendable, Equatable {
    case complete
    case incomplete(indent: String)
    case invalid
    case unknown
}

/// A MIME bundle: the representations of one output, keyed by MIME type.
public struct MimeBundle: Sendable, Equatable {
    public var items: JSONObject

    public init() { items = JSONObject() }

    /// A bundle with just `text/plain`.
    public init(text: String) {
        items = JSONObject()
        items["text/plain"] = .string(text)
    }

    public subscript(mime: String) -> JSON? {
        get { items[mime] }
        set { items[mime] = newValue }
    }

    public var json: JSON { .object(items) }
}

/// Describes the implementation and language for `kernel_info_reply`.
public struct KernelInfo: Sendable {
    public var implementation: String
    public var implementationVersion: String
    public var languageName: String
    public var languageVersion: String
    public var mimetype: String
    public var fileExtension: String
    public var pygmentsLexer: String
    public var codemirrorMode: String
    public var banner: String
    public var helpLinks: [(text: String, url: String)]

    public init(
        implementation: String, implementationVersion: String, languageName: String,
        languageVersion: String, mimetype: String, fileExtension: String, pygmentsLexer: String,
        codemirrorMode: String, banner: String, helpLinks: [(text: String, url: String)]
    ) {
        self.implementation = implementation
        self.implementationVersion = implementationVersion
        self.languageName = languageName
        self.languageVersion = languageVersion
        self.mimetype = mimetype
        self.fileExtension = fileExtension
        self.pygmentsLexer = pygmentsLexer
        self.codemirrorMode = codemirrorMode
        self.banner = banner
        self.helpLinks = helpLinks
    }
}
