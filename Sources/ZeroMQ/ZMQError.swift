import CZeroMQ

/// An error reported by libzmq, carrying its `errno` and message.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    /// The libzmq error number (`zmq_errno()`).
    public let code: Int32
    /// What was being attempted, e.g. "bind tcp://127.0.0.1:5555".
    public let operation: String

    /// Captures the current `zmq_errno()` for `operation`.
    public static func last(_ operation: String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation)
    }

    /// True when the call was interrupted or would block (`EINTR`, `EAGAIN`).
    public var isRetryable: Bool { code == EINTR || code == EAGAIN }
    /// True when the context was terminated.
    public var isTerminated: Bool { code == ETERM }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }
}
