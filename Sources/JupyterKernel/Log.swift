import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal leveled logger writing whole lines to stderr, each prefixed with `[label]`.
/// Callers never pass secrets.
///
/// Logging never blocks the kernel: a line is written only when stderr can take it at once
/// (a full pipe nobody drains would otherwise freeze every thread that logs); skipped lines are
/// counted and reported with the next line that gets through.
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case error, warning, info, debug
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// The level a name gives (`error`, `warning`, `info`, `debug`, any case); nil for another name.
        public init?(name: String) {
            switch name.lowercased() {
            case "error": self = .error
            case "warning", "warn": self = .warning
            case "info": self = .info
            case "debug": self = .debug
            default: return nil
            }
        }
    }

    public let level: Level
    public let label: String
    private static let skipped = Atomic<Int>(0)
    /// Lines longer than this are cut, so each write fits in one atomic pipe write.
    static let maxLine = 1000

    public init(level: Level, label: String = "kernel") {
        self.level = level
        self.label = label
    }

    /// The default logger: warnings and errors, labelled `kernel`.
    public static let shared = Log(level: .warning, label: "kernel")

    public func error(_ message: @autoclosure () -> String) { write(.error, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }

    private func write(_ l: Level, _ message: () -> String) {
        guard l <= level else { return }
        var p = pollfd(fd: 2, events: Int16(POLLOUT), revents: 0)
        guard poll(&p, 1, 0) == 1, p.revents & Int16(POLLOUT) != 0 else {
            Log.skipped.add(1, ordering: .relaxed)
            return
        }
        let missed = Log.skipped.exchange(0, ordering: .relaxed)
        var text = "[\(label)] \(l): \(message())"
        if missed > 0 { text += " (\(missed) earlier log lines skipped: stderr was full)" }
        var line = Array(text.utf8.prefix(Log.maxLine))
        line.append(0x0A)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// Lets through the first few occurrences of a recurring event per window, and counts the rest
/// (so a flood of bad messages cannot flood the log).
public final class RateLimiter: Sendable {
    private let state = Locked<(windowStart: UInt64, count: Int, suppressed: Int)>((0, 0, 0))
    let perWindow: Int
    let windowNanoseconds: UInt64

    public init(perWindow: Int = 20, windowSeconds: Double = 60) {
        self.perWindow = perWindow
        windowNanoseconds = UInt64(windowSeconds * 1e9)
    }

    /// Nil when this occurrence should be suppressed; otherwise how many were suppressed before it.
    public func admit() -> Int? {
        let now = monotonicNanoseconds()
        return state.withLock { s in
            if now - s.windowStart >= windowNanoseconds {
                let missed = s.suppressed
                s = (now, 1, 0)
                return missed
            }
            if s.count < perWindow { s.count += 1; return 0 }
            s.suppressed += 1
            return nil
        }
    }
}
