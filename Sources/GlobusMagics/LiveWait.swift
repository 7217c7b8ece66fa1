import JupyterKernel
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Waiting for something at Globus (a task, a flow run) with one display updated in place, until
/// it ends, the timeout passes, or the cell is interrupted (which stops the waiting, never the
/// thing). Between looks it sleeps in short slices, to notice an interrupt: next to no CPU.
struct LiveWait {
    var what: String
    /// The command that waits again, and the one that stops the thing itself.
    var again: String
    var stop: String?
    var timeout: Double?
    var interval: Double

    static let note = "Waiting; interrupt to stop waiting (it goes on at Globus)."

    /// `look` answers the current view and whether it has ended; the last view is the result.
    func run(_ g: GlobusContext, look: () throws(MagicError) -> (MimeBundle, Bool)) throws(MagicError) -> MimeBundle {
        let displayID = "globus-wait-\(monotonicNanoseconds())"
        let start = monotonicNanoseconds()
        var shown = false
        while true {
            let (view, done) = try look()
            if done {
                // The live display gives way to the result (frontends without display updates,
                // such as the console, show the result).
                if shown { g.output.updateDisplay(MimeBundle(text: ""), metadata: [:], displayID: displayID) }
                return view
            }
            if shown {
                g.output.updateDisplay(view, metadata: [:], displayID: displayID)
            } else {
                g.output.display(view, metadata: [:], displayID: displayID)
                shown = true
            }
            let elapsed = Double(monotonicNanoseconds() - start) / 1e9
            if let timeout, elapsed >= timeout {
                throw .timedOut("\(what) has not ended after \(Int(timeout)) s", again: again)
            }
            let until = monotonicNanoseconds() + UInt64(min(interval, timeout.map { max(0.05, $0 - elapsed) } ?? interval) * 1e9)
            while monotonicNanoseconds() < until {
                if g.output.isInterrupted {
                    g.output.stream(
                        .stderr,
                        "Stopped waiting. The \(what) goes on at Globus: \(again) watches it again"
                            + (stop.map { "; \($0) stops it" } ?? "") + ".\n")
                    throw .interrupted
                }
                usleep(100_000)
            }
        }
    }
}
