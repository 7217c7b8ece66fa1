import Support
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%echo`: writes its words to stdout (or stderr).
struct EchoMagic: Magic {
    static let toStderr = Flag("--stderr", help: "write to stderr instead of stdout")
    static let text = Positional<String>("TEXT").anyNumber()
    let declaration = CommandDeclaration(
        name: "echo", summary: "Print text to stdout (or stderr with --stderr).",
        options: [toStderr], positionals: [Self.text],
        examples: ["%echo hello, world", "%echo --stderr \"something went wrong\"", "%echo Using environment $GLOBUS_SDK_ENVIRONMENT"],
        notes: "Words are joined by single spaces. Quotes and $NAME expansion work as in a shell.")

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let text = call.arguments.text(Self.text) + "\n"
        session.output.stream(call.arguments[Self.toStderr] ? .stderr : .stdout, text)
        return nil
    }
}

/// `%clear`: clears the cell's output.
struct ClearMagic: Magic {
    static let wait = Flag("--wait", help: "clear only when new output arrives (no flicker)")
    let declaration = CommandDeclaration(name: "clear", summary: "Clear this cell's output.", options: [wait])

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        session.output.clearOutput(wait: call.arguments[Self.wait])
        return nil
    }
}

/// `%sleep`: waits, and can be interrupted; `--progress` shows a countdown updated in place.
struct SleepMagic: Magic {
    static let progress = Flag("--progress", help: "show a countdown that updates in place")
    static let seconds = Positional<Double>("SECONDS", in: 0...86400)
    let declaration = CommandDeclaration(
        name: "sleep", summary: "Wait for SECONDS (interruptible with the stop button or Ctrl-C).",
        options: [progress], positionals: [Self.seconds], examples: ["%sleep --progress 3"])

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let s = call.arguments[Self.seconds]
        let out = session.output
        out.flush()
        let progressID = call.arguments[Self.progress] ? "sleep-\(session.context.executionCount)-\(monotonicNanoseconds())" : nil
        func show(_ left: Double, first: Bool) {
            guard let id = progressID else { return }
            let b = MimeBundle(text: left > 0 ? "Waiting… \(formatMilliseconds(left * 1000)) left" : "Done waiting \(formatMilliseconds(s * 1000)).")
            if first { out.display(b, metadata: [:], displayID: id) } else { out.updateDisplay(b, metadata: [:], displayID: id) }
        }
        let start = monotonicNanoseconds()
        let end = start + UInt64(s * 1e9)
        show(s, first: true)
        var lastShown = start
        while monotonicNanoseconds() < end {
            if out.isInterrupted { throw .interrupted }
            usleep(5_000)
            let now = monotonicNanoseconds()
            if now - lastShown >= 1_000_000_000 && now < end {
                lastShown = now
                show(Double(end - now) / 1e9, first: false)
            }
        }
        show(0, first: false)
        return nil
    }
}

/// `%time`: runs a command and reports the wall time it took.
struct TimeMagic: Magic {
    let declaration = CommandDeclaration(
        name: "time", synopsis: "COMMAND…", summary: "Run a command and print how long it took.", optionsBeforePositionals: true,
        examples: ["%time %sleep 0.1"])

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let line = call.source.drop { $0 != " " && $0 != "\t" }.drop { $0 == " " || $0 == "\t" }
        guard !line.isEmpty else { throw usageError("give a command to time, e.g. %time %sleep 0.1") }
        let command = line.hasPrefix("%") ? String(line) : "%" + line
        let start = monotonicNanoseconds()
        let value = try session.runLine(command)
        let elapsed = Double(monotonicNanoseconds() - start) / 1e6
        session.output.stream(.stdout, "Wall time: \(formatMilliseconds(elapsed))\n")
        return value
    }
}

/// Formats a duration given in milliseconds: "850 µs", "12.3 ms", "1.25 s".
func formatMilliseconds(_ ms: Double) -> String {
    if ms < 1 { return "\(Int((ms * 1000).rounded())) µs" }
    if ms < 1000 { return "\(formatFixed(ms, digits: ms < 10 ? 2 : 1)) ms" }
    return "\(formatFixed(ms / 1000, digits: 2)) s"
}

/// `%lsmagic`: lists the commands.
struct LsMagic: Magic {
    let declaration = CommandDeclaration(name: "lsmagic", summary: "List the available commands.")

    func run(_ call: Invocation, in session: MagicSession) throws(MagicError) -> MimeBundle? {
        let names = session.registry.all.map { "%" + $0.name }
        let cells = session.registry.all.filter { $0 is CellMagic }.map { "%%" + $0.name }
        var text = "Available line magics:\n" + names.joined(separator: "  ")
        if !cells.isEmpty { text += "\n\nAvailable cell magics:\n" + cells.joined(separator: "  ") }
        var b = MimeBundle(text: text)
        b["application/json"] = ["line": .array(names.map(JSON.string)), "cell": .array(cells.map(JSON.string))]
        return b
    }
}

/// Marks commands that also work as `%%name`, taking the rest of the cell as their body.
protocol CellMagic: Magic {}
