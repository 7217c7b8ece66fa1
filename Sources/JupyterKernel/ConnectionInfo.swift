import JSON
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// The contents of a Jupyter connection file: where to bind the five sockets and how to sign.
public struct ConnectionInfo: Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String
    public var kernelName: String?
    /// Z85 CURVE keys (jupyter_client ≥ 8.9 with `transport_encryption`).
    public var curvePublicKey: String?
    public var curveSecretKey: String?

    /// A problem with a connection file, phrased for a one-line message on stderr.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Parses connection-file JSON, ignoring unknown keys.
    public init(json text: String) throws(Invalid) {
        let doc: JSON
        do { doc = try JSON.parse(text) } catch { throw Invalid(description: "connection file is not valid JSON (\(error))") }
        guard case .object = doc else { throw Invalid(description: "connection file must hold a JSON object") }
        if doc["registration_ip"] != nil {
            throw Invalid(description: "registration files (protocol 5.6 handshake) are not supported; pass a connection file")
        }
        func port(_ name: String) throws(Invalid) -> Int {
            guard let p = doc[name]?.int, (1...65535).contains(p) else {
                throw Invalid(description: "connection file needs '\(name)' as a port number (1-65535)")
            }
            return p
        }
        transport = doc["transport"]?.string ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw Invalid(description: "unsupported transport '\(transport)' (expected tcp or ipc)")
        }
        ip = doc["ip"]?.string ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        hbPort = try port("hb_port")
        key = doc["key"]?.string ?? ""
        signatureScheme = doc["signature_scheme"]?.string ?? "hmac-sha256"
        if !key.isEmpty && signatureScheme != "hmac-sha256" {
            throw Invalid(description: "unsupported signature_scheme '\(signatureScheme)' (only hmac-sha256 is supported)")
        }
        kernelName = doc["kernel_name"]?.string
        curvePublicKey = doc["curve_publickey"]?.string
        curveSecretKey = doc["curve_secretkey"]?.string
        if let s = curveSecretKey, s.utf8.count != 40 {
            throw Invalid(description: "curve_secretkey must be a 40-character Z85 string")
        }
    }

    /// Reads and parses the connection file at `path`.
    public init(path: String) throws(Invalid) {
        guard let text = readWholeFile(path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Invalid(description: "cannot read connection file '\(path)': \(String(cString: strerror(errno)))")
        }
        try self.init(json: text)
    }

    /// The endpoint for a port: `tcp://ip:port` or `ipc://ip-port`.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
