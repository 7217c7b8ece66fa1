import Support
import Escaping
import GlobusSDK
import JupyterKernel

/// The live line of a download or upload (`get`, `put`): bytes so far, rate and time left, in
/// one display updated in place at most `updatesPerSecond` times a second, which gives way to
/// the result at the end. The SDK calls `report` on the thread that sends, which is the cell's
/// shell thread (the SDK blocks the caller), the only thread that uses the cell's output: so
/// the class is `@unchecked Sendable`, as `ShellThreadLogin` is.
final class LiveProgress: @unchecked Sendable {
    static let updatesPerSecond = 4.0

    let output: OutputSink
    /// What moves, e.g. "Downloading /~/big.dat to big.dat".
    let what: String
    let displayID = "globus-progress-\(monotonicNanoseconds())"
    let start = monotonicNanoseconds()
    private var lastShown: UInt64?
    private(set) var last = TransferProgress(bytes: 0, total: nil)

    init(_ output: OutputSink, what: String) {
        self.output = output
        self.what = what
    }

    /// The handler to give the SDK.
    var handler: ProgressHandler { { [self] p in report(p) } }

    func report(_ p: TransferProgress) {
        last = p
        // A file that arrives in one piece needs no live line.
        if lastShown == nil && p.total == p.bytes { return }
        let now = monotonicNanoseconds()
        if let shown = lastShown, Double(now - shown) < 1e9 / Self.updatesPerSecond { return }
        let view = bundle(p, elapsed: Double(now - start) / 1e9)
        if lastShown == nil { output.display(view, metadata: [:], displayID: displayID) } else { output.updateDisplay(view, metadata: [:], displayID: displayID) }
        lastShown = now
    }

    /// Clears the live line (the result, or the error, says how it ended).
    func finish() {
        if lastShown != nil { output.updateDisplay(MimeBundle(text: ""), metadata: [:], displayID: displayID) }
    }

    /// Seconds since the start.
    var elapsed: Double { Double(monotonicNanoseconds() - start) / 1e9 }

    /// "12.0 MB of 200 MB (6%), 4.1 MB/s, 43 s left".
    static func line(_ p: TransferProgress, elapsed: Double) -> String {
        var parts = [formatBytes(Int(p.bytes)) + (p.total.map { " of \(formatBytes(Int($0)))" + ($0 > 0 ? " (\(Int(min(1, Double(p.bytes) / Double($0)) * 100))%)" : "") } ?? "")]
        let rate = elapsed > 0 ? Double(p.bytes) / elapsed : 0
        if rate > 0 {
            parts.append("\(formatBytes(rate < 9e18 ? Int(rate) : .max))/s")
            if let total = p.total, total > p.bytes { parts.append(formatSeconds(Double(total - p.bytes) / rate) + " left") }
        }
        return parts.joined(separator: ", ")
    }

    func bundle(_ p: TransferProgress, elapsed: Double) -> MimeBundle {
        let text = "\(what): \(Self.line(p, elapsed: elapsed)) (interrupt to stop)"
        var b = MimeBundle(text: text)
        let fraction = p.total.map { $0 > 0 ? Double(p.bytes) / Double($0) : 1 }
        b["text/html"] = .string(
            "<div><progress " + (fraction.map { "value=\"\(formatFixed($0, digits: 2))\" " } ?? "")
                + "max=\"1\" style=\"width:20em\"></progress> <code>\(HTML.escape(text))</code></div>")
        return b
    }
}

/// A duration for people: 43 s, 5 min 12 s, 2 h 3 min.
func formatSeconds(_ s: Double) -> String {
    if !(s >= 1) { return "under 1 s" }
    // Past a century (a size from a server that no rate will reach) it is said, not counted.
    if s > 3_155_760_000 { return "more than 100 years" }
    let n = Int(s.rounded(.up))
    if n < 60 { return "\(n) s" }
    if n < 3600 { return "\(n / 60) min \(n % 60) s" }
    return "\(n / 3600) h \(n % 3600 / 60) min"
}
