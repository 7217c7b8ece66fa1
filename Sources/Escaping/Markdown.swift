/// Markdown made from text that other people wrote.
public enum Markdown {
    /// `text` as Markdown source whose raw HTML never comes alive: Markdown renderers pass
    /// HTML in the source through to the page, so `<` and `&` become character references (shown
    /// as themselves once rendered). Everything else stays, so the file's own Markdown (headings,
    /// `>` quotes, lists) renders. Byte by byte, as `HTML.escape` works, for the same reason.
    public static func inertHTML(_ text: String) -> String {
        replacingBytes(text) { b in
            switch b {
            case UInt8(ascii: "&"): "&amp;"
            case UInt8(ascii: "<"): "&lt;"
            default: nil
            }
        }
    }
}
