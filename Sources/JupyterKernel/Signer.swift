import Support
import Crypto

/// Signs and verifies messages with HMAC-SHA256 over the raw header, parent, metadata and
/// content frames, keyed with the UTF-8 bytes of the connection file's `key`. An empty key
/// disables signing. Verification is constant time; the signature must be canonical (64
/// lowercase hex digits, as Jupyter clients sign) and each MAC is accepted once across every
/// channel that shares the `ReplayHistory`.
public final class Signer: Sendable {
    /// An HMAC already keyed (its padded key hashed once), copied for each message: copies of a
    /// hash state are independent (copy on write).
    private let keyed: HMAC<SHA256>?
    private let history: ReplayHistory

    /// Why a message's signature was refused.
    public enum Failure: Error, Equatable, Sendable { case missing, invalid, replayed }

    public init(key: String, history: ReplayHistory = ReplayHistory()) {
        self.keyed = key.isEmpty ? nil : HMAC<SHA256>(key: SymmetricKey(data: Array(key.utf8)))
        self.history = history
    }

    /// Whether messages are signed at all.
    public var isEnabled: Bool { keyed != nil }

    /// The lowercase hex signature of the four frames (empty when signing is off).
    public func sign(_ frames: [[UInt8]]) -> [UInt8] {
        guard var mac = keyed else { return [] }
        for f in frames { mac.update(data: f) }
        return hex(Array(mac.finalize()))
    }

    /// Checks `signature` against the frames. Each MAC is accepted once, whatever its spelling
    /// and whichever channel it arrives on.
    public func verify(_ signature: [UInt8], frames: [[UInt8]]) throws(Failure) {
        guard var mac = keyed else { return }
        if signature.isEmpty { throw .missing }
        guard signature.count == 64, let raw = unhex(signature) else { throw .invalid }
        for f in frames { mac.update(data: f) }
        let expected = Array(mac.finalize())
        guard constantTimeEqual(expected, raw) else { throw .invalid }
        guard history.insert(raw) else { throw .replayed }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    func hex(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(Signer.digits[Int(b >> 4)])
            out.append(Signer.digits[Int(b & 0xF)])
        }
        return out
    }

    func unhex(_ s: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil  // upper case is not the canonical form: refused
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(s.count / 2)
        var i = 0
        while i + 1 < s.count {
            guard let hi = nibble(s[i]), let lo = nibble(s[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// The MACs already accepted, shared by every channel of a kernel (a message replayed on control
/// is as much a replay as one on shell).
public final class ReplayHistory: Sendable {
    private let digests: Locked<DigestHistory>
    public init(capacity: Int = 16384) { digests = Locked(DigestHistory(capacity: capacity)) }
    /// Adds a MAC; false when it was already accepted.
    func insert(_ mac: [UInt8]) -> Bool { digests.withLock { $0.insert(mac) } }
}

/// Remembers the most recent `capacity` signatures, forgetting the oldest first.
struct DigestHistory {
    let capacity: Int
    private var seen: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var next = 0

    init(capacity: Int) { self.capacity = capacity }

    /// Adds `digest`; false when it was already present.
    mutating func insert(_ digest: [UInt8]) -> Bool {
        guard seen.insert(digest).inserted else { return false }
        if order.count < capacity {
            order.append(digest)
        } else {
            seen.remove(order[next])
            order[next] = digest
            next = (next + 1) % capacity
        }
        return true
    }

    var count: Int { seen.count }
}

/// Compares two byte strings in time that depends only on their length.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<a.count { diff |= a[i] ^ b[i] }
    return diff == 0
}
