import Crypto
import FoundationEssentials
import JSON
import _CryptoExtras

#if canImport(Glibc)
    import Glibc
#endif

/// The remote-kernel launcher protocol of Jupyter Enterprise Gateway (payload version 1, as in
/// Enterprise Gateway 3.3.0), for a kernel the gateway starts on another host.
///
/// The gateway starts the launcher with four values: the kernel's id, a *response address*
/// (`ip:port`, where the gateway waits for the kernel's connection information), its *public key*
/// (an RSA public key, base64 DER without PEM armour) and a *port range* (`lower..upper`, or
/// `0..0` for any port). The launcher
/// 1. picks the five kernel ports and a *communication port* within the range
///    (``GatewayLauncher/PortRange``, ``GatewayLauncher/bindListener(in:retries:)``);
/// 2. composes the connection information with its process id and group and the communication
///    port (``GatewayLauncher/connectionJSON(ports:key:kernelID:commPort:)``);
/// 3. encrypts it as the gateway expects: a fresh 16-byte AES key encrypts the JSON
///    (AES-128-ECB, PKCS#7 padding) and the gateway's RSA key encrypts the AES key (PKCS#1 v1.5);
///    both go base64 into `{"version": 1, "key": …, "conn_info": …}`, which is itself sent
///    base64-encoded (``GatewayLauncher/PublicKey/seal(_:)``);
/// 4. sends that to the response address and closes the connection (``GatewayLauncher/send(_:to:)``);
/// 5. listens on the communication port for the gateway's requests, one JSON object per
///    connection: `{"signum": N}` (0 is a liveness poll) and `{"shutdown": 1}`
///    (``GatewayLauncher/CommListener``).
///
/// This type knows nothing of what the kernel does; the executable runs the kernel in the same
/// process, so a signal the gateway asks for reaches the kernel itself.
public enum GatewayLauncher {
    /// The payload version this launcher writes.
    public static let payloadVersion = 1

    /// A problem with the launcher's arguments or its conversation with the gateway, phrased
    /// for one line on stderr. Never holds key material or connection secrets.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The ports the gateway allows (`--port-range lower..upper`); `0..0` (or no range) means any free port.
    public struct PortRange: Sendable, Equatable {
        public let lower: Int
        public let upper: Int

        /// Any free port (the system picks).
        public static let any = PortRange(uncheckedLower: 0, upper: 0)

        private init(uncheckedLower lower: Int, upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        /// Parses `lower..upper`. A range other than `0..0` must lie within 1...65535 and span at
        /// least `minimumSize` ports (the gateway passes its minimum as `EG_MIN_PORT_RANGE_SIZE`,
        /// 1000 by default). An empty or missing text is ``any``.
        public init(parsing text: String?, minimumSize: Int = 1000) throws(Failure) {
            guard let text, !text.isEmpty else { self = .any; return }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].isEmpty, let lower = Int(parts[0]), let upper = Int(parts[2]) else {
                throw Failure("port range '\(text)' is not of the form LOWER..UPPER (two port numbers, e.g. 40000..41000)")
            }
            if lower == 0 && upper == 0 { self = .any; return }
            guard (1...65535).contains(lower), (1...65535).contains(upper), lower <= upper else {
                throw Failure("port range '\(text)' must have 1 <= LOWER <= UPPER <= 65535 (or be 0..0 for any port)")
            }
            guard upper - lower >= minimumSize else {
                throw Failure("port range '\(text)' spans \(upper - lower) ports; it must span at least \(minimumSize) (EG_MIN_PORT_RANGE_SIZE)")
            }
            self.init(uncheckedLower: lower, upper: upper)
        }

        /// Whether `port` is allowed by this range.
        public func contains(_ port: Int) -> Bool {
            self == .any ? (1...65535).contains(port) : (lower...upper).contains(port)
        }

        /// A port to try: 0 (the system picks) for ``any``, else a random port in the range.
        func candidate() -> Int { self == .any ? 0 : Int.random(in: lower...upper) }
    }

    /// Where the gateway waits for the connection information: `ip:port`.
    public struct ResponseAddress: Sendable, Equatable {
        public let host: String
        public let port: Int

        /// Parses `ip:port` (an IPv4 address, as the gateway sends).
        public init(parsing text: String) throws(Failure) {
            guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
                let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw Failure("response address '\(text)' is not of the form IP:PORT")
            }
            let host = String(text[..<colon])
            var addr = in_addr()
            guard inet_pton(AF_INET, host, &addr) == 1 else {
                throw Failure("response address '\(text)' does not start with an IPv4 address")
            }
            self.host = host
            self.port = port
        }
    }

    /// The gateway's RSA public key, as `--public-key` gives it (base64 of the DER
    /// SubjectPublicKeyInfo; PEM armour and line breaks are tolerated).
    public struct PublicKey {
        private let key: _RSA.Encryption.PublicKey

        /// Parses the key. The gateway makes 1024-bit keys, so keys of 1024 bits or more are accepted.
        public init(base64 text: String) throws(Failure) {
            let body =
                text
                .replacing("-----BEGIN PUBLIC KEY-----", with: "")
                .replacing("-----END PUBLIC KEY-----", with: "")
                .filter { !$0.isWhitespace }
            guard !body.isEmpty else { throw Failure("the public key is empty") }
            guard let der = Data(base64Encoded: body) else {
                throw Failure("the public key is not base64 (expected the gateway's RSA public key, base64 DER)")
            }
            do {
                key = try _RSA.Encryption.PublicKey(unsafeDERRepresentation: der)
            } catch {
                throw Failure("the public key is not an RSA public key of 1024 bits or more (\(error))")
            }
        }

        /// Encrypts `plaintext` (the connection JSON) as a version-1 payload, ready to send:
        /// base64 of `{"version": 1, "key": base64(RSA-PKCS1v1.5(aesKey)), "conn_info": base64(AES-ECB(pkcs7(plaintext)))}`.
        public func seal(_ plaintext: [UInt8]) throws(Failure) -> [UInt8] {
            let aesKey = SymmetricKey(size: .bits128)
            var padded = plaintext
            let pad = 16 - plaintext.count % 16
            padded += [UInt8](repeating: UInt8(pad), count: pad)
            do {
                // ECB: each 16-byte block through the AES permutation on its own (the gateway's choice).
                var block = [UInt8](repeating: 0, count: 16)
                for start in stride(from: 0, to: padded.count, by: 16) {
                    block.replaceSubrange(0..<16, with: padded[start..<start + 16])
                    try AES.permute(&block, key: aesKey)
                    padded.replaceSubrange(start..<start + 16, with: block)
                }
                let wrappedKey = try aesKey.withUnsafeBytes { raw in
                    try key.encrypt(Data(raw), padding: ._WEAK_AND_INSECURE_PKCS_V1_5)
                }
                let payload: JSON = [
                    "version": .int(GatewayLauncher.payloadVersion),
                    "key": .string(wrappedKey.base64EncodedString()),
                    "conn_info": .string(Data(padded).base64EncodedString())
                ]
                return Array(Data(payload.serialized.utf8).base64EncodedString().utf8)
            } catch {
                throw Failure("cannot encrypt the connection information (\(error))")
            }
        }
    }

    /// A listening TCP socket on 0.0.0.0 and its port.
    public struct Listener: Sendable {
        public let fd: Int32
        public let port: Int
    }

    /// Binds a TCP socket on 0.0.0.0 to a port in `range` (trying `retries` + 1 random
    /// candidates) and listens on it.
    public static func bindListener(in range: PortRange, retries: Int = 5) throws(Failure) -> Listener {
        for _ in 0...max(0, retries) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw Failure("cannot make a socket: \(String(cString: strerror(errno)))") }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(range.candidate()).bigEndian)
            addr.sin_addr.s_addr = INADDR_ANY
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 && listen(fd, 16) == 0 {
                var out = sockaddr_in()
                var len = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &out) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
                }
                return Listener(fd: fd, port: Int(UInt16(bigEndian: out.sin_port)))
            }
            close(fd)
        }
        throw Failure("no free port in \(range.lower)..\(range.upper) after \(max(0, retries) + 1) tries (EG_MAX_PORT_RANGE_RETRIES)")
    }

    /// Picks `count` distinct free ports in `range`: each is bound until all are chosen, then
    /// released for the kernel to bind.
    public static func pickPorts(_ count: Int, in range: PortRange, retries: Int = 5) throws(Failure) -> [Int] {
        var held: [Listener] = []
        defer { for l in held { close(l.fd) } }
        for _ in 0..<count { held.append(try bindListener(in: range, retries: retries)) }
        return held.map(\.port)
    }

    /// The connection information the gateway expects: the five ports, `ip` 0.0.0.0, the
    /// signing key, this process's id and group, the communication port and the kernel id.
    public static func connectionJSON(ports: [Int], key: String, kernelID: String, commPort: Int) -> JSON {
        precondition(ports.count == 5)
        return [
            "shell_port": .int(ports[0]), "iopub_port": .int(ports[1]), "stdin_port": .int(ports[2]),
            "hb_port": .int(ports[3]), "control_port": .int(ports[4]),
            "ip": "0.0.0.0", "key": .string(key), "transport": "tcp", "signature_scheme": "hmac-sha256",
            "kernel_name": "", "pid": .int(Int(getpid())), "pgid": .int(Int(getpgid(0))),
            "comm_port": .int(commPort), "kernel_id": .string(kernelID)
        ]
    }

    /// Connects to the response address (waiting at most `timeout` seconds), sends `payload`
    /// and closes the connection.
    public static func send(_ payload: [UInt8], to address: ResponseAddress, timeout: Int = 30) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("cannot make a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(address.port).bigEndian)
        inet_pton(AF_INET, address.host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            throw Failure("cannot reach the gateway's response address \(address.host):\(address.port): \(String(cString: strerror(errno)))")
        }
        var off = 0
        while off < payload.count {
            let n = payload[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot send the connection information to \(address.host):\(address.port): \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// A request from the gateway on the communication port.
    public enum Request: Sendable, Equatable {
        /// Send this signal to the kernel (0: is the kernel alive?).
        case signal(Int32)
        /// Stop listening: the kernel is being shut down.
        case shutdown

        /// The requests in one message (`{"signum": 2}`, `{"shutdown": 1}`, or both); none for
        /// anything else.
        public static func parse(_ text: String) -> [Request] {
            guard let doc = try? JSON.parse(text), case .object = doc else { return [] }
            var out: [Request] = []
            if let n = doc["signum"]?.int ?? doc["signum"]?.string.flatMap({ Int($0) }), (0...64).contains(n) {
                out.append(.signal(Int32(n)))
            }
            if let s = doc["shutdown"], s.int.map({ $0 != 0 }) ?? s.bool ?? false {
                out.append(.shutdown)
            }
            return out
        }
    }

    /// Serves the communication port on a thread of its own: each connection carries one JSON
    /// request, read to its end; `handle` runs for each request on that thread. After
    /// ``Request/shutdown`` the listener stops (closes its socket).
    public static func serve(_ listener: Listener, handle: @escaping @Sendable (Request) -> Void) {
        spawnThread(name: "gateway-comm") {
            while true {
                let conn = accept(listener.fd, nil, nil)
                if conn < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                _ = fcntl(conn, F_SETFD, FD_CLOEXEC)
                var tv = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                var data: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 1024)
                while data.count < 65536 {
                    let n = chunk.withUnsafeMutableBytes { recv(conn, $0.baseAddress, $0.count, 0) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    data += chunk[0..<n]
                }
                close(conn)
                var stop = false
                for request in Request.parse(String(decoding: data, as: UTF8.self)) {
                    handle(request)
                    if request == .shutdown { stop = true }
                }
                if stop {
                    close(listener.fd)
                    return
                }
            }
        }
    }
}
