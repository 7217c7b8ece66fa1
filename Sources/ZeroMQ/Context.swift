import CZeroMQ

/// A libzmq context. Sockets are created from it; it is safe to share between threads.
public final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context with libzmq's defaults (one I/O thread).
    public init() throws {
        guard let h = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        handle = h
    }

    /// Creates a socket of `type` owned by the calling thread.
    public func socket(_ type: SocketType) throws -> Socket {
        try Socket(context: self, type: type)
    }

    /// Shuts the context down: blocking calls in every socket return `ETERM`.
    public func shutdown() { zmq_ctx_shutdown(handle) }

    deinit { zmq_ctx_term(handle) }

    /// The libzmq version as (major, minor, patch).
    public static var version: (Int, Int, Int) {
        var a: Int32 = 0, b: Int32 = 0, c: Int32 = 0
        zmq_version(&a, &b, &c)
        return (Int(a), Int(b), Int(c))
    }

    /// Whether libzmq was built with CURVE security.
    public static var hasCurve: Bool { zmq_has("curve") != 0 }
}

/// Socket types used by the kernel and its tests.
public enum SocketType: Sendable {
    case router, dealer, pub, sub, xpub, rep, req, push, pull, pair

    var raw: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .xpub: ZMQ_XPUB
        case .rep: ZMQ_REP
        case .req: ZMQ_REQ
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .pair: ZMQ_PAIR
        }
    }
}
