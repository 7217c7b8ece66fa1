import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The "please stop" flag of the running cell. Set by `interrupt_request` (control thread)
/// or SIGINT (a signal handler); read by the shell thread and by long operations.
public final class Interruption: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// The process-wide flag, also set by SIGINT once `installSignalHandler()` ran.
    public static let shared = Interruption()

    /// Asks the running cell to stop.
    public func request() { flag.store(true, ordering: .releasing) }
    /// Whether a stop was requested since the last `reset()`.
    public var isRequested: Bool { flag.load(ordering: .acquiring) }
    /// Clears the flag (at the start of each cell).
    public func reset() { flag.store(false, ordering: .releasing) }

    /// Routes SIGINT to `Interruption.shared` so that a signal never kills the kernel, and
    /// ignores SIGPIPE (a vanished peer must not end the process).
    public static func installSignalHandler() {
        signal(SIGINT) { _ in Interruption.shared.request() }
        signal(SIGPIPE, SIG_IGN)
    }
}
