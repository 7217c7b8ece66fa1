#if canImport(Glibc)
import Glibc
#endif

/// A minimal leveled logger writing whole lines to stderr. Level from `GLOBUS_KERNEL_LOG`
/// (`error`, `warning`, `info`, `debug`; default `warning`). Callers never pass secrets.
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case error, warning, info, debug
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public let level: Level

    public init(level: Level) { self.level = level }

    /// The logger configured from the environment.
    public static let shared: Log = {
        switch getenv("GLOBUS_KERNEL_LOG").map({ String(cString: $0).lowercased() }) {
        case "error": Log(level: .error)
        case "info": Log(level: .info)
        case "debug": Log(level: .debug)
        default: Log(level: .warning)
        }
    }()

    public func error(_ message: @autoclosure () -> String) { write(.error, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }

    private func write(_ l: Level, _ message: () -> String) {
        guard l <= level else { return }
        let line = Array("[globus-kernel] \(l): \(message())\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
