import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// The output sink of one `execute_request`: publishes on IOPub with the request as parent,
/// coalesces stream text, and routes `input` through the stdin channel.
final class RequestOutput: OutputSink {
    let request: Request
    let io: ChannelIO
    let count: Int
    let silent: Bool
    let interruption: Interruption
    /// The `text/plain` of the `execute_result`, kept for history.
    private(set) var resultText: String?

    private var pendingName: StreamName?
    private var pendingText = ""
    private var pendingSince: UInt64 = 0

    /// Buffered stream text is sent once it is this old or this large.
    static let coalesceNanoseconds: UInt64 = 50_000_000
    static let coalesceBytes = 256 * 1024

    init(request: Request, io: ChannelIO, count: Int, silent: Bool, interruption: Interruption) {
        self.request = request
        self.io = io
        self.count = count
        self.silent = silent
        self.interruption = interruption
    }

    var isInterrupted: Bool { interruption.isRequested }
    var interruptionCheck: @Sendable () -> Bool { { [interruption] in interruption.isRequested } }

    func stream(_ name: StreamName, _ text: String) {
        guard !silent, !text.isEmpty else { return }
        if pendingName != name { flush() }
        if pendingName == nil { pendingName = name; pendingSince = monotonicNanoseconds() }
        pendingText += text
        if pendingText.utf8.count >= RequestOutput.coalesceBytes
            || monotonicNanoseconds() - pendingSince >= RequestOutput.coalesceNanoseconds
        {
            flush()
        }
    }

    func flush() {
        guard let name = pendingName else { return }
        io.publish("stream", content: ["name": .string(name.rawValue), "text": .string(pendingText)], parent: request)
        pendingName = nil
        pendingText = ""
    }

    func display(_ data: MimeBundle, metadata: JSON, displayID: String?) {
        guard !silent else { return }
        flush()
        var content: JSON = ["data": data.json, "metadata": metadata]
        if let displayID { content.setMember("transient", ["display_id": .string(displayID)]) }
        io.publish("display_data", content: content, parent: request)
    }

    func updateDisplay(_ data: MimeBundle, metadata: JSON, displayID: String) {
        guard !silent else { return }
        flush()
        io.publish(
            "update_display_data",
            content: [
                "data": data.json, "metadata": metadata,
                "transient": ["display_id": .string(displayID)]
            ], parent: request)
    }

    func result(_ data: MimeBundle, metadata: JSON) {
        guard !silent else { return }
        flush()
        resultText = data["text/plain"]?.string
        io.publish(
            "execute_result",
            content: [
                "execution_count": .int(count), "data": data.json,
                "metadata": metadata
            ], parent: request)
    }

    func clearOutput(wait: Bool) {
        guard !silent else { return }
        flush()
        io.publish("clear_output", content: ["wait": .bool(wait)], parent: request)
    }

    func input(prompt: String, password: Bool) throws(InputError) -> String {
        guard request.content["allow_stdin"]?.bool ?? false else { throw .notAllowed }
        flush()
        return try io.input(prompt: prompt, password: password, parent: request, interruption: interruption)
    }
}

/// Nanoseconds on the monotonic clock.
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
