/// Markdown made from text that other people wrote.
public enum Markdown {
    /// `text` as Markdown source whose raw HTML never comes alive: Markdown renderers pass
    /// HTML in the source through to the page, so `<` and `&` become character references (shown
    /// as themselves once rendered). Everything else stays, so the file's own Markdown (headings,
    /// `>` quotes, lists) renders. Byte by byte, as `HTML.escape` works, for the same reason.
    public static func inertHTML(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
