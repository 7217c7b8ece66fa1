import Escaping
import JSON
import JupyterKernel

/// Every output of a cell passes through here on its way to the frontend, whatever command
/// made it. Text a terminal shows (`text/plain`, stream text, prompts) has its control
/// characters made visible, so a file named `"\u{1b}]0;title\u{7}"` cannot retitle or clear
/// `jupyter console`'s screen; and every secret the kernel holds is masked by value in every
/// part of the output (text, HTML, Markdown, JSON).
final class OutputGuard: OutputSink {
    let inner: OutputSink
    /// The secrets to mask, looked up at each output (a login in the cell adds new ones).
    let secrets: () -> SecretMask

    init(_ inner: OutputSink, secrets: @escaping () -> SecretMask) {
        self.inner = inner
        self.secrets = secrets
    }

    func stream(_ name: StreamName, _ text: String) { inner.stream(name, secrets().masked(Terminal.visible(text))) }

    func display(_ data: MimeBundle, metadata: JSON, displayID: String?) {
        inner.display(cleaned(data), metadata: metadata, displayID: displayID)
    }

    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String) {
        inner.updateDisplay(cleaned(data), metadata: metadata, displayID: displayID)
    }

    func result(_ data: MimeBundle, metadata: JSON) { inner.result(cleaned(data), metadata: metadata) }
    func clearOutput(wait: Bool) { inner.clearOutput(wait: wait) }

    func input(prompt: String, password: Bool) throws(InputError) -> String {
        try inner.input(prompt: secrets().masked(Terminal.visible(prompt)), password: password)
    }

    func flush() { inner.flush() }
    var isInterrupted: Bool { inner.isInterrupted }
    var interruptionCheck: @Sendable () -> Bool { inner.interruptionCheck }

    /// A bundle made safe: its text for a terminal, and its secrets masked in its text and JSON.
    /// Markup that holds a secret is dropped rather than masked (see `SecretMask.holdsInMarkup`);
    /// the masked `text/plain` stands in for it.
    func cleaned(_ data: MimeBundle) -> MimeBundle {
        let mask = secrets()
        var out = data
        for (type, value) in data.items {
            switch (type, value) {
            case ("text/plain", .string(let s)): out[type] = .string(mask.masked(Terminal.visible(s)))
            case (_, .string(let s)) where !OutputGuard.isJSON(type): if mask.holdsInMarkup(s) { out[type] = nil }
            default: out[type] = mask.masked(value)
            }
        }
        if out["text/plain"] == nil, data["text/plain"] == nil, out.items.count < data.items.count {
            out["text/plain"] = .string(SecretMask.replacement)
        }
        return out
    }

    /// Whether a MIME type's value is JSON data (masked by value) rather than text or markup.
    static func isJSON(_ type: String) -> Bool { type == "application/json" || type.hasSuffix("+json") }

    /// An error made safe the same way (its traceback is printed to the terminal as it is).
    func cleaned(_ error: ExecutionError) -> ExecutionError {
        let mask = secrets()
        func clean(_ s: String) -> String { mask.masked(Terminal.visible(s)) }
        return ExecutionError(ename: clean(error.ename), evalue: clean(error.evalue), traceback: error.traceback.map(clean))
    }
}
