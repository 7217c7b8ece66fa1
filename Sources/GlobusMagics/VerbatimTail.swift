/// A command line that ends in text taken as typed, like `%globus vars set NAME=JSON`: plain
/// leading words (`vars set`), then the rest of the line, which is not split into words, not
/// expanded (`$NAME`, `@{NAME}`) and not read for options, so a JSON value keeps its quotes,
/// spaces and backslashes exactly as written.
struct VerbatimTail {
    /// The words that lead to the tail, e.g. `["vars", "set"]`.
    let lead: [String]

    /// The text after the lead words and the spaces that follow them (empty when nothing
    /// follows), when `line` (what follows the magic's name) starts with them as plain words;
    /// nil otherwise (another command, or a lead word quoted or run into the next).
    func tail(of line: String) -> String? {
        var rest = Substring(line).unicodeScalars[...]
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
        for word in lead {
            rest = rest.drop(while: isSpace)
            guard rest.starts(with: word.unicodeScalars) else { return nil }
            rest = rest.dropFirst(word.unicodeScalars.count)
            if let next = rest.first, !isSpace(next) { return nil }
        }
        return String(String.UnicodeScalarView(rest.drop(while: isSpace)))
    }
}
