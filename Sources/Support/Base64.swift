/// Base64 (RFC 4648 §4) and base64url (§5), without Foundation: HTTP Basic credentials, images
/// in notebook outputs, JSON Web Tokens, PKCE.
public enum Base64 {
    /// Which 64 characters stand for the 6-bit values.
    public enum Alphabet: Sendable {
        /// `A–Z a–z 0–9 + /`, padded with `=` to a multiple of four characters.
        case standard
        /// `A–Z a–z 0–9 - _`, unpadded, as JSON Web Tokens and PKCE write it.
        case url

        var characters: [UInt8] {
            Array(
                (self == .standard
                    ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").utf8)
        }
    }

    /// `bytes` in `alphabet`.
    public static func encode(_ bytes: [UInt8], alphabet: Alphabet = .standard) -> String {
        let a = alphabet.characters
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [a[Int(n >> 18)], a[Int(n >> 12 & 63)], a[Int(n >> 6 & 63)], a[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [a[Int(n >> 18)], a[Int(n >> 12 & 63)]]
            if rest == 2 { out.append(a[Int(n >> 6 & 63)]) }
            if alphabet == .standard { out += Array(repeating: UInt8(ascii: "="), count: 3 - rest) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes in `alphabet`, or nil when it holds a character outside it or
    /// cannot be whole bytes (a lone character at the end). `=` padding is optional, in either.
    public static func decode(_ text: String, alphabet: Alphabet = .standard) -> [UInt8]? {
        let (c62, c63) = alphabet == .standard ? (UInt8(ascii: "+"), UInt8(ascii: "/")) : (UInt8(ascii: "-"), UInt8(ascii: "_"))
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") { padding += 1; continue }
            if padding > 0 { return nil }  // nothing after padding
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c + 4)
            case c62: values.append(62)
            case c63: values.append(63)
            default: return nil
            }
        }
        if values.count % 4 == 1 || padding > 2 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var v: UInt32 = 0
            for (k, x) in chunk.enumerated() { v |= UInt32(x) << (18 - 6 * UInt32(k)) }
            out.append(UInt8(v >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(v & 0xFF)) }
            i += 4
        }
        return out
    }
}
