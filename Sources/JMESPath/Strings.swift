/// Text operations by Unicode scalar, as JMESPath (and Python) treat strings: a combining mark
/// after a match does not hide it, as it would in a comparison of characters.
extension String {
    /// Every occurrence of `a` replaced by `b`, leftmost first and not overlapping (Python's `str.replace`).
    func replacingAll(_ a: String, _ b: String) -> String {
        let needle = Array(a.unicodeScalars)
        let text = Array(unicodeScalars)
        guard !needle.isEmpty, text.count >= needle.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < text.count {
            if i + needle.count <= text.count, text[i..<i + needle.count].elementsEqual(needle) {
                out.append(contentsOf: b.unicodeScalars)
                i += needle.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Without its leading white space (Python's `str.lstrip()`).
    var trimmingLeadingSpaces: String {
        String(String.UnicodeScalarView(unicodeScalars.drop { $0.properties.isWhitespace || (0x1C...0x1F).contains($0.value) }))
    }

    /// True when `other` occurs in the string; the empty string occurs in every string.
    func containsScalars(of other: String) -> Bool {
        let needle = Array(other.unicodeScalars)
        guard !needle.isEmpty else { return true }
        let text = Array(unicodeScalars)
        guard text.count >= needle.count else { return false }
        return (0...text.count - needle.count).contains { text[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
