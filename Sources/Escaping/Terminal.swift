import Support

/// Text made safe to show on a terminal.
///
/// `jupyter console` writes `text/plain` and stream output straight to the terminal, so a
/// file named `"\u{1b}]0;title\u{7}\u{1b}[2J"` would retitle the window and clear the screen.
/// `Terminal.visible` shows such characters as escapes instead.
public enum Terminal {
    /// `text` with every C0 control but tab and line feed (including carriage return), DEL,
    /// every C1 control, and the bidirectional embedding, override and isolate controls
    /// (which reorder what is shown, so that `evil\u{202E}txt.exe` reads as `evilexe.txt`)
    /// replaced by a visible escape: `\x1b`, `\x9b`, `\u202e`. Everything else is unchanged.
    public static func visible(_ text: String) -> String {
        guard mayNeedEscape(text) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            guard needsEscape(s) else {
                out.append(s)
                continue
            }
            let hex = String(s.value, radix: 16)
            let escape = s.value < 0x100 ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u" + hex
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// False when no scalar of `bytes` needs an escape (a fast scan of the UTF-8 bytes: C0 and
    /// DEL are single bytes, C1 controls start with 0xC2, the bidirectional controls with 0xE2).
    /// Plain ASCII is passed over eight bytes at a time.
    static func mayNeedEscape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            ByteScan.firstIndex(
                in: bytes, from: 0,
                mayMatch: { ByteScan.Word.hasByte(lessThan: 0x20, in: $0) || ByteScan.Word.hasByte(0x7F, in: $0) || ByteScan.Word.hasNonASCII($0) },
                isMatch: { b in b < 0x20 ? b != 0x09 && b != 0x0A : b == 0x7F || b == 0xC2 || b == 0xE2 }) < bytes.count
        }
    }

    /// Whether a scalar is shown as an escape.
    @inline(__always)
    public static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
