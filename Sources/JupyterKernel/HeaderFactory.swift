import Support
import JSON
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Makes message headers: a fresh `msg_id` for every message, the kernel's session id,
/// the current time in ISO 8601, and protocol version 5.3.
public final class HeaderFactory: Sendable {
    /// The protocol version put in every header and in `kernel_info_reply`.
    public static let protocolVersion = "5.3"

    public let session: String
    public let username: String
    private let counter = Atomic<Int>(0)
    private let prefix: [UInt8]

    public init(session: String = HeaderFactory.randomID(), username: String = "kernel") {
        self.session = session
        self.username = username
        var p: [UInt8] = Array("{\"msg_id\":\"".utf8) + Array(session.utf8) + Array("_\(getpid())_".utf8)
        p.reserveCapacity(p.count + 8)
        prefix = p
    }

    /// A header for a new message of `msgType`, as JSON bytes.
    public func make(_ msgType: String) -> [UInt8] {
        let n = counter.add(1, ordering: .relaxed).newValue
        var out = prefix
        out.reserveCapacity(prefix.count + 160)
        out.append(contentsOf: String(n).utf8)
        out.append(contentsOf: "\",\"session\":".utf8)
        JSON.writeString(session, into: &out)
        out.append(contentsOf: ",\"username\":".utf8)
        JSON.writeString(username, into: &out)
        out.append(contentsOf: ",\"date\":\"".utf8)
        out.append(contentsOf: HeaderFactory.isoNow().utf8)
        out.append(contentsOf: "\",\"msg_type\":".utf8)
        JSON.writeString(msgType, into: &out)
        out.append(contentsOf: ",\"version\":\"5.3\"}".utf8)
        return out
    }

    /// The current UTC time as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public static func isoNow() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (UTCTime(secondsSince1970: Int(ts.tv_sec))?.formatted(microseconds: ts.tv_nsec / 1000) ?? "1970-01-01T00:00:00.000000") + "Z"
    }

    /// A random 128-bit identifier in UUID form (lowercase hex).
    public static func randomID() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt64
        let hex = String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
