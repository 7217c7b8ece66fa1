import Escaping
import JSON
import JupyterKernel

/// The kernel's language: `%`-commands, one per line, with help, completion and inspection.
public final class GlobusInterpreter: Interpreter, @unchecked Sendable {
    /// This kernel's version.
    public static var version: String { KernelVersion.current }

    /// The commands, made on first use (the first cell, completion or inspection), from the shell
    /// thread: a `kernel_info_reply` does not need them, and their declarations' first use costs
    /// the runtime's generic-type and conformance lookups.
    private(set) lazy var registry: MagicRegistry = MagicRegistry.standard(globus: globus)
    /// The kernel's environment variables (`%env`, `$NAME`, and what the Globus settings are made from).
    let environment: KernelEnvironment
    /// The kernel's Globus state (its secrets are masked in every output).
    let globus: GlobusSession

    /// An interpreter for a kernel started with `settings` (a program makes them from its
    /// process's variables, `KernelSettings(variables: processVariables())`; tests from their own).
    public init(settings: KernelSettings) {
        environment = KernelEnvironment(settings)
        globus = GlobusSession(environment: environment)
    }

    public var info: KernelInfo {
        KernelInfo(
            implementation: "globus-kernel", implementationVersion: GlobusInterpreter.version,
            languageName: "globus", languageVersion: GlobusInterpreter.version,
            mimetype: "text/x-globus", fileExtension: ".globus", pygmentsLexer: "bash", codemirrorMode: "shell",
            banner: "Globus kernel \(GlobusInterpreter.version) - type %help for the commands",
            helpLinks: [
                (text: "Globus kernel commands", url: "https://docs.globus.org/api/"),
                (text: "Globus documentation", url: "https://docs.globus.org"),
                (text: "Globus SDK (Python) documentation", url: "https://globus-sdk-python.readthedocs.io")
            ])
    }

    // MARK: execute

    public func execute(_ code: String, context: ExecutionContext, output unguarded: OutputSink) -> ExecutionOutcome {
        let output = OutputGuard(unguarded) { [globus] in globus.secretMask() }
        let commands = CellParser.commands(code, takenAsTyped: takesEndAsTyped)
        var payload: [JSON] = []
        for (i, command) in commands.enumerated() {
            if output.isInterrupted { return .error(.interrupted) }
            let session = makeSession(output: output, context: context)
            do {
                switch command.kind {
                case .help(let level):
                    payload.append(["source": "page", "data": help(for: command.line, level: level).json, "start": 0])
                case .run:
                    if let value = try run(command, session: session) {
                        if i == commands.count - 1 { output.result(value) } else { output.display(value) }
                    }
                }
            } catch {
                // An error message may quote the command's words after `$NAME` expansion: the
                // values of secret-looking variables never reach it.
                return .error(output.cleaned(error.executionError.masking(environment.secretValues())))
            }
        }
        return .ok(payload: payload)
    }

    func makeSession(output: OutputSink, context: ExecutionContext) -> MagicSession {
        MagicSession(output: output, context: context, registry: registry, environment: environment) { [unowned self] line throws(MagicError) in
            let nested = MagicSession(output: output, context: context, registry: self.registry, environment: self.environment) { _ throws(MagicError) in nil }
            return try self.run(Command(line: line), session: nested)
        }
    }

    /// Runs one command line.
    func run(_ command: Command, session: MagicSession) throws(MagicError) -> MimeBundle? {
        let (name, rest) = splitName(command.line)
        guard command.line.hasPrefix("%"), !name.isEmpty else {
            throw .usage("'\(command.line.prefix(60))' is not a command. The kernel understands %commands, one per line: \(knownList()). Type %help for details.", command: nil)
        }
        guard let magic = registry[name] else {
            throw .usage("unknown command '%\(name)'. Known commands: \(knownList()). Type %help for details.", command: nil)
        }
        if command.body != nil && !(magic is CellMagic) {
            throw .usage("%%\(name) is not a cell command; use %\(name) on a line of its own", command: name)
        }
        var words: [String]
        let tail: String?
        if let verbatim = magic.verbatimTail(of: rest) {
            (words, tail) = verbatim
        } else {
            do { words = try ShellWords.split(rest, environment: { session.environment[$0] }) } catch {
                throw .usage("\(name): \(describe(error))", command: name)
            }
            tail = nil
        }
        let args = try magic.arguments.parse(words, command: name)
        let call = Invocation(magic: name, words: words, arguments: args, body: command.body, tail: tail, source: command.line)
        return try magic.run(call, in: session)
    }

    /// Whether the command on `line` takes the end of it as typed (`%globus vars set NAME=JSON`).
    func takesEndAsTyped(_ line: String) -> Bool {
        let (name, rest) = splitName(line)
        return line.hasPrefix("%") && registry[name]?.verbatimTail(of: rest) != nil
    }

    func knownList() -> String { registry.all.map { "%" + $0.name }.joined(separator: ", ") }

    /// Splits `%name rest` into the bare name and the rest of the line.
    func splitName(_ line: String) -> (String, String) {
        let body = line.drop { $0 == "%" }
        let name = body.prefix { !$0.isWhitespace }
        return (String(name), String(body.dropFirst(name.count)))
    }

    func describe(_ f: ShellWords.Failure) -> String {
        switch f {
        case .unterminatedQuote(let q): "unterminated \(q) quote"
        case .unterminatedBrace: "unterminated ${…}"
        case .trailingBackslash: "trailing backslash"
        }
    }

    /// The pager text for `NAME?`.
    func help(for topic: String, level: Int) -> MimeBundle {
        let (name, _) = splitName(topic)
        if let m = registry[name] { return HelpPages.bundle(title: "%" + m.name, text: m.helpText) }
        return HelpPages.overview(registry)
    }

    // MARK: complete, inspect, is_complete

    public func complete(_ code: String, cursor: Int) -> Completion {
        let scalars = Array(code.unicodeScalars)
        let lineStart = scalars[..<cursor].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let line = String(String.UnicodeScalarView(scalars[lineStart..<cursor]))
        // The word being typed starts after the last space outside quotes ('Tutorial Collection 1':/~/ is one word).
        var tokenStart = line.unicodeScalars.startIndex
        var quote: Unicode.Scalar?
        for i in line.unicodeScalars.indices {
            let c = line.unicodeScalars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == " " || c == "\t" {
                tokenStart = line.unicodeScalars.index(after: i)
            }
        }
        let prefix = String(line.unicodeScalars[tokenStart...])
        let start = cursor - prefix.unicodeScalars.count
        let before = (try? ShellWords.split(String(line.unicodeScalars[..<tokenStart]), environment: { _ in nil })) ?? []
        var matches: [String] = []
        if before.isEmpty {
            if prefix.hasPrefix("%%") {
                matches = registry.all.filter { $0 is CellMagic }.map { "%%" + $0.name }
            } else {
                matches = registry.all.map { "%" + $0.name }
            }
            matches = matches.filter { $0.hasPrefix(prefix.isEmpty ? "%" : prefix) }
        } else if let magic = registry[String(before[0].drop { $0 == "%" })] {
            let session = MagicSession(
                output: NullOutput(), context: ExecutionContext(executionCount: 0, allowStdin: false),
                registry: registry, environment: environment
            ) { _ throws(MagicError) in nil }
            matches = magic.complete(Array(before.dropFirst()), prefix: prefix, session: session)
        }
        // Candidates can be names a service wrote (collections, folders): one that holds a
        // control character would act on a terminal, or insert what it does not show.
        matches.removeAll { $0.unicodeScalars.contains(where: Terminal.needsEscape) }
        return Completion(matches: matches, start: start, end: cursor)
    }

    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> Inspection? {
        let scalars = Array(code.unicodeScalars)
        let lineStart = scalars[..<cursor].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = scalars[cursor...].firstIndex(of: "\n") ?? scalars.count
        let line = String(String.UnicodeScalarView(scalars[lineStart..<lineEnd])).trimmed
        let (name, _) = splitName(line)
        guard line.hasPrefix("%"), let magic = registry[name] else {
            return line.isEmpty ? Inspection(data: HelpPages.overview(registry)) : nil
        }
        return Inspection(data: HelpPages.bundle(title: "%" + magic.name, text: magic.helpText))
    }

    public func isComplete(_ code: String) -> Completeness {
        let text = code.trimmed
        if text.isEmpty { return .complete }
        if code.hasSuffix("\\") || code.hasSuffix("\\\n") { return .incomplete(indent: "") }
        if text.hasPrefix("%%%") { return .invalid }
        if text.hasPrefix("%%") {
            let body = code.split(separator: "\n", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            return bracketsOpen(body) ? .incomplete(indent: "  ") : .complete
        }
        // Quotes count on lines read as shell words, not on lines taken as typed (`vars set`).
        let shellLines = code.split(separator: "\n", omittingEmptySubsequences: false).filter { !takesEndAsTyped(String($0).trimmed) }
        if ShellWords.needsMore(shellLines.joined(separator: "\n")) { return .incomplete(indent: "") }
        for command in CellParser.commands(code, takenAsTyped: takesEndAsTyped) {
            if case .help = command.kind { continue }
            let (name, _) = splitName(command.line)
            if !command.line.hasPrefix("%") || registry[name] == nil { return .invalid }
        }
        return .complete
    }

    /// Whether a JSON-ish body has an unclosed `{`/`[` or string.
    func bracketsOpen(_ body: String) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for c in body.unicodeScalars {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            default: break
            }
        }
        return depth > 0 || inString
    }

    public func interrupt() {
        // Long operations poll `OutputSink.isInterrupted`; nothing else to do here.
    }

    /// Stops demo mode's own simulator and removes the demo's tokens before the kernel ends.
    public func shutdown() {
        globus.demo.releaseAtExit()
    }
}

/// An output sink that drops everything (completion runs commands' completers with it).
final class NullOutput: OutputSink {
    func stream(_ name: StreamName, _ text: String) {}
    func display(_ data: MimeBundle, metadata: JSON, displayID: String?) {}
    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String) {}
    func result(_ data: MimeBundle, metadata: JSON) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(InputError) -> String { throw .notAllowed }
    func flush() {}
    var isInterrupted: Bool { false }
    var interruptionCheck: @Sendable () -> Bool { { false } }
}
