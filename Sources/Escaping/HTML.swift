/// Text made safe to place inside HTML.
///
/// Text that other people wrote (a file name on a shared collection, a collection's name, a
/// task's error) is placed in HTML that a notebook renders as trusted, in the Jupyter origin.
/// `HTML.escape` is the one function that does it. It works on UTF-8 bytes, never on grapheme
/// clusters: in Swift a `"` followed by a combining mark, or a Prepend character followed by
/// `<`, is a single `Character`, and a loop over `Character`s would let the `"` or `<` through.
public enum HTML {
    /// `text` as HTML text, safe both in element content and inside a quoted attribute value
    /// (`title="…"`, `href="…"`): `&`, `<`, `>`, `"` and `'` become character references, and
    /// the controls that `Terminal.visible` names are shown as visible escapes (`\x1b`), so
    /// the text reads back, through any HTML parser, as `Terminal.visible(text)`.
    public static func escape(_ text: String) -> String {
        replacingBytes(Terminal.visible(text), with: reference)
    }

    /// The character reference of a byte that means something to an HTML parser in text or a
    /// quoted attribute, else nil. Every one is ASCII, and in UTF-8 an ASCII byte is never part
    /// of a longer sequence, so testing bytes one at a time cannot miss one hidden inside a
    /// multi-byte character.
    @inline(__always)
    static func reference(_ b: UInt8) -> StaticString? {
        switch b {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
extension HTML {
    /// A link target for `href="…"`: `url` escaped when it is an `https:` or `http:` address,
    /// else nil (a `javascript:` or `data:` address runs script when clicked).
    public static func href(_ url: String) -> String? {
        let lower = url.prefix(8).lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        return escape(url)
    }
}
