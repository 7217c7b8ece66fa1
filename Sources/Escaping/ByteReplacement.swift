/// `text` with each UTF-8 byte for which `replacement` gives text replaced by that text, and
/// `text` itself (no copy) when there is none. By byte, never by `Character`: a grapheme
/// cluster can hide an ASCII byte (a `"` with a combining mark is one `Character`), and only
/// ASCII bytes are ever replaced, which in UTF-8 are never part of a longer sequence.
@inline(__always)
func replacingBytes(_ text: String, with replacement: (UInt8) -> StaticString?) -> String {
    guard text.utf8.contains(where: { replacement($0) != nil }) else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 16)
    for b in text.utf8 {
        if let r = replacement(b) {
            r.withUTF8Buffer { out += $0 }
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}
