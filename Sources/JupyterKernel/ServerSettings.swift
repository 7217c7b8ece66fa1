/// How a kernel server runs: how much it logs, the largest message part it takes, and the
/// process whose end ends it. A value made once by the program that starts the server (from
/// its environment, its command line, or a test's choice) and passed to `KernelServer`.
public struct ServerSettings: Sendable, Equatable {
    /// The least severe level logged (default `warning`).
    public var logLevel: Log.Level
    /// The label before each log line.
    public var logLabel: String
    /// The largest inbound message part: a larger one disconnects its sender before the kernel
    /// holds it in memory.
    public var maxMessageSize: Int64
    /// The process that started the kernel (Jupyter's `JPY_PARENT_PID`): when it is gone, the
    /// kernel ends. Nil: the kernel does not watch.
    public var parentPID: Int32?

    /// Settings; see the properties.
    public init(logLevel: Log.Level = .warning, logLabel: String = "kernel", maxMessageSize: Int64 = ServerSettings.defaultMaxMessageSize, parentPID: Int32? = nil) {
        self.logLevel = logLevel
        self.logLabel = logLabel
        self.maxMessageSize = maxMessageSize
        self.parentPID = parentPID
    }

    /// The default limit on an inbound message part (64 MiB).
    public static let defaultMaxMessageSize: Int64 = 64 * 1024 * 1024

    /// The logger these settings describe.
    public var log: Log { Log(level: logLevel, label: logLabel) }

    /// Reads a message size limit: bytes, or with a `K`, `M` or `G` suffix (powers of 1024,
    /// `MiB` and `MB` alike); nil when the text is not a positive size.
    public static func parseSize(_ text: String) -> Int64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let units: [String: Int64] = ["": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var suffix = text.dropFirst(digits.count).uppercased()
        for tail in ["IB", "B"] where suffix.hasSuffix(tail) && suffix.count > tail.count { suffix.removeLast(tail.count); break }
        guard let n = Int64(digits), n > 0, let unit = units[suffix], n <= Int64.max / unit else { return nil }
        return n * unit
    }

    /// Reads a parent process id as Jupyter writes it; nil for anything but a process id above 1
    /// (1 is init, which every orphan has: watching it would watch nothing).
    public static func parsePID(_ text: String) -> Int32? {
        guard let pid = Int32(text), pid > 1 else { return nil }
        return pid
    }
}
