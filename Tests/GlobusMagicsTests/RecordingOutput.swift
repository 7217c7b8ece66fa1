import JSON
import Synchronization
import JupyterKernel
import Testing
@testable import GlobusMagics
import GlobusSDK

/// Records what a cell sends, like a frontend would see it.
final class RecordingOutput: OutputSink, @unchecked Sendable {
    var stdout = "", stderr = ""
    var displays: [MimeBundle] = []
    var updates: [String] = []
    var results: [MimeBundle] = []
    var clears = 0
    var answers: [String] = []
    var prompts: [(String, Bool)] = []
    var allowInput = true
    /// Set from any thread (a test interrupts a running cell).
    var interrupted: Bool {
        get { interruptFlag.withLock { $0 } }
        set { interruptFlag.withLock { $0 = newValue } }
    }
    private let interruptFlag = Mutex(false)
    /// Answers input requests when set (after `answers` runs out): what a person would type.
    var person: ((RecordingOutput) -> String)?

    func stream(_ name: StreamName, _ text: String) { if name == .stdout { stdout += text } else { stderr += text } }
    func display(_ data: MimeBundle, metadata: JSON, displayID: String?) { displays.append(data) }
    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String) { updates.append(displayID); updated.append(data) }
    var updated: [MimeBundle] = []

    /// Everything a person reads: streams and the text of displays, updates and results.
    var text: String {
        ([stdout, stderr] + (displays + updated + results).compactMap { $0["text/plain"]?.string }).joined(separator: "\n")
    }

    /// The last sign-in link shown.
    var signInURL: String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).last { $0.hasPrefix("http") && $0.contains("/authorize?") }.map(String.init)
    }
    func result(_ data: MimeBundle, metadata: JSON) { results.append(data) }
    func clearOutput(wait: Bool) { clears += 1 }
    /// An answer that stands for the person pressing Ctrl-C at the prompt.
    static let ctrlC = "\u{3}"

    func input(prompt: String, password: Bool) throws(InputError) -> String {
        guard allowInput else { throw .notAllowed }
        prompts.append((prompt, password))
        if answers.first == Self.ctrlC { answers.removeFirst(); throw .interrupted }
        if answers.isEmpty, let person { return person(self) }
        guard !answers.isEmpty else { throw .endOfFile }
        return answers.removeFirst()
    }
    func flush() {}
    var isInterrupted: Bool { interrupted }
    /// Whether the SDK's calls see `interrupted` too (as a kernel's do), not only the command's
    /// own checks between calls.
    var interruptsCalls = false
    /// What the SDK polls to end a call early (the class is `@unchecked Sendable`).
    var interruptionCheck: @Sendable () -> Bool {
        guard interruptsCalls else { return { false } }
        return { [self] in self.interrupted }
    }
}
