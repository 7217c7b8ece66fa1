/// Form encoding for token requests.
public enum FormEncoding {
    /// `k=v&k2=v2`, each part escaped with `escape`.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// `quote_plus`: unreserved kept, space as `+`, everything else percent-encoded.
    public static func escape(_ s: String) -> String { percentEncoded(s, spaceAsPlus: true) }

    /// `s` with every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`, RFC 3986) as `%XX`;
    /// with `spaceAsPlus`, a space as `+` (form encoding).
    /// The uppercase hexadecimal digits of a `%XX` escape.
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func percentEncoded(_ s: some StringProtocol, spaceAsPlus: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " ") where spaceAsPlus: out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hexDigits[Int(b >> 4)], hexDigits[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The inverse of `escape`: `+` as space, `%XX` as its byte (a malformed escape is kept as it is).
    public static func unescape(_ s: some StringProtocol) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "+") { out.append(0x20); continue }
            if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
                continue
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
