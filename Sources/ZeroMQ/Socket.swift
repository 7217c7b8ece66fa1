import CZeroMQ

/// A libzmq socket. libzmq sockets are not thread safe: each one has a single owner thread,
/// which is the only thread that may use it. The `Sendable` conformance exists only so a
/// socket can be handed to its owner thread at start-up.
public final class Socket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// Keeps the context alive until every socket is closed (`zmq_ctx_term` waits for them).
    private let context: Context
    private var closed = false

    init(context: Context, type: SocketType) throws {
        guard let h = zmq_socket(context.handle, type.raw) else {
            throw ZMQError.last("zmq_socket")
        }
        handle = h
        self.context = context
    }

    deinit { close() }

    /// Closes the socket (idempotent).
    public func close() {
        if !closed { closed = true; zmq_close(handle) }
    }

    // MARK: Endpoints

    /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:5555` or `ipc:///tmp/k-1`.
    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
    }

    /// Connects to `endpoint`.
    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    /// The endpoint the socket last bound to (resolves `tcp://127.0.0.1:*` to a port).
    public var lastEndpoint: String {
        var buf = [CChar](repeating: 0, count: 1024)
        var len = buf.count
        zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buf, &len)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Options

    /// Sets an integer option (`ZMQ_LINGER`, `ZMQ_SNDHWM`, …).
    public func set(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    /// Sets a 64-bit integer option (`ZMQ_MAXMSGSIZE`).
    public func set(_ option: Int32, int64 value: Int64) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    /// Sets a byte-string option (`ZMQ_SUBSCRIBE`, `ZMQ_IDENTITY`, CURVE keys, …).
    public func set(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Sets a string option.
    public func set(_ option: Int32, string: String) throws {
        try set(option, bytes: Array(string.utf8))
    }

    /// Linger period in milliseconds for pending messages on close.
    public func setLinger(_ ms: Int32) throws { try set(ZMQ_LINGER, ms) }

    /// Whether a peer that connects with the routing identity of a connected one takes its place
    /// (`ZMQ_ROUTER_HANDOVER`, ROUTER sockets): a client that reconnects keeps its identity.
    public func setRouterHandover(_ on: Bool) throws { try set(ZMQ_ROUTER_HANDOVER, on ? 1 : 0) }

    /// The largest message accepted, in bytes; a peer that sends a larger one is disconnected
    /// (`ZMQ_MAXMSGSIZE`; -1 for no limit).
    public func setMaximumMessageSize(_ bytes: Int64) throws { try set(ZMQ_MAXMSGSIZE, int64: bytes) }

    /// How many outgoing messages may queue before sending blocks or drops (`ZMQ_SNDHWM`; 0 for
    /// no limit).
    public func setSendHighWaterMark(_ messages: Int32) throws { try set(ZMQ_SNDHWM, messages) }

    /// How many incoming messages may queue (`ZMQ_RCVHWM`; 0 for no limit).
    public func setReceiveHighWaterMark(_ messages: Int32) throws { try set(ZMQ_RCVHWM, messages) }

    /// Makes this socket a CURVE server with the given Z85-encoded secret key (40 characters).
    public func makeCurveServer(secretKeyZ85: String) throws {
        try set(ZMQ_CURVE_SERVER, 1)
        try set(ZMQ_CURVE_SECRETKEY, string: secretKeyZ85)
    }

    /// Makes this socket a CURVE client of `serverKeyZ85` using its own key pair.
    public func makeCurveClient(serverKeyZ85: String, publicKeyZ85: String, secretKeyZ85: String) throws {
        try set(ZMQ_CURVE_SERVERKEY, string: serverKeyZ85)
        try set(ZMQ_CURVE_PUBLICKEY, string: publicKeyZ85)
        try set(ZMQ_CURVE_SECRETKEY, string: secretKeyZ85)
    }

    // MARK: Messages

    /// Sends `frames` as one multipart message. Blocks unless `dontWait`.
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws {
        for (i, frame) in frames.enumerated() {
            var flags: Int32 = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let err = ZMQError.last("send")
                if err.code == EINTR { continue }
                throw err
            }
        }
    }

    /// Receives one multipart message. Returns nil when `dontWait` and nothing is queued.
    /// Blocks otherwise; `EINTR` (a signal) is retried.
    public func receive(dontWait: Bool = false) throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var msg = zmq_msg_t()
        zmq_msg_init(&msg)
        defer { zmq_msg_close(&msg) }
        while true {
            let rc = zmq_msg_recv(&msg, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if rc < 0 {
                let err = ZMQError.last("receive")
                if err.code == EINTR { continue }
                if err.code == EAGAIN && frames.isEmpty { return nil }
                throw err
            }
            let size = zmq_msg_size(&msg)
            if size == 0 {
                frames.append([])
            } else {
                let base = zmq_msg_data(&msg)!.assumingMemoryBound(to: UInt8.self)
                frames.append(Array(UnsafeBufferPointer(start: base, count: size)))
            }
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// Waits up to `timeoutMs` (-1: forever) for a message to read. True when one is ready.
    public func waitReadable(timeoutMs: Int) throws -> Bool {
        try poll([self], timeoutMs: timeoutMs).first ?? false
    }
}

/// Polls `sockets` for readability for up to `timeoutMs` (-1: forever); `EINTR` counts as
/// "nothing ready". Returns one flag per socket.
public func poll(_ sockets: [Socket], timeoutMs: Int) throws -> [Bool] {
    var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
    let rc = zmq_poll(&items, Int32(items.count), timeoutMs)
    if rc < 0 {
        let err = ZMQError.last("poll")
        if err.code == EINTR { return Array(repeating: false, count: sockets.count) }
        throw err
    }
    return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
}

/// Runs libzmq's built-in proxy between `frontend` and `backend` until the context ends.
/// With the same socket on both sides (a REP or ROUTER), it echoes: a heartbeat.
public func proxy(frontend: Socket, backend: Socket) {
    zmq_proxy(frontend.handle, backend.handle, nil)
}

/// Generates a CURVE key pair, Z85-encoded (40 characters each).
public func curveKeyPair() throws -> (publicKey: String, secretKey: String) {
    var pub = [CChar](repeating: 0, count: 41)
    var sec = [CChar](repeating: 0, count: 41)
    guard zmq_curve_keypair(&pub, &sec) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
    func str(_ b: [CChar]) -> String {
        String(decoding: b.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return (str(pub), str(sec))
}
