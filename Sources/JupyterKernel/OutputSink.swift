import JSON

/// Where a running cell sends its output. The kernel implements it per request, so every
/// message it publishes carries the right parent. Used only from the shell thread.
public protocol OutputSink: AnyObject {
    /// Appends text to stdout or stderr. Consecutive writes are coalesced into one message.
    func stream(_ name: StreamName, _ text: String)
    /// Publishes `display_data`; with a `displayID` the output can later be updated in place.
    func display(_ data: MimeBundle, metadata: JSON, displayID: String?)
    /// Replaces every output shown with `displayID` (`update_display_data`).
    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String)
    /// Publishes the cell's `execute_result` (shown as `Out[n]`).
    func result(_ data: MimeBundle, metadata: JSON)
    /// Clears the cell's output, now or (with `wait`) when the next output arrives.
    func clearOutput(wait: Bool)
    /// Asks the user for a line of input through the frontend (`input_request`). Throws
    /// `InputError` when the frontend cannot answer, the user interrupted, or sent EOF.
    func input(prompt: String, password: Bool) throws(InputError) -> String
    /// Sends buffered stream text now (before a long wait, so the user sees it).
    func flush()
    /// True once the user asked to interrupt the running cell.
    var isInterrupted: Bool { get }
    /// The same check as a sendable closure, for work that polls it from elsewhere (HTTP calls).
    var interruptionCheck: @Sendable () -> Bool { get }
}

extension OutputSink {
    public func display(_ data: MimeBundle) { display(data, metadata: [:], displayID: nil) }
    public func result(_ data: MimeBundle) { result(data, metadata: [:]) }
}

/// The two output streams.
public enum StreamName: String, Sendable { case stdout, stderr }

/// Why `input(prompt:password:)` returned no value.
public enum InputError: Error, Sendable, Equatable {
    /// The request said `allow_stdin: false` (nbclient, papermill, some VS Code modes).
    case notAllowed
    /// The user interrupted while the kernel waited.
    case interrupted
    /// The frontend sent end-of-file (`\u{4}`).
    case endOfFile
}
