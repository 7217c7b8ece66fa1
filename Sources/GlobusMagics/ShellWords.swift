#if canImport(Glibc)
    import Glibc
#endif

/// Splits a command line into words with POSIX-shell quoting: `'…'` literal, `"…"` with
/// `\"`, `\\`, `\$` escapes and `$NAME`/`${NAME}` expansion, backslash escapes outside quotes.
/// Expansion reads the kernel's environment (what `%env` sets).
enum ShellWords {
    /// Why a line could not be split.
    enum Failure: Error, Equatable {
        case unterminatedQuote(Character)
        case unterminatedBrace
        case trailingBackslash
    }

    static func split(_ line: String, environment: (String) -> String?) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = Array(line.unicodeScalars)[...]

        func expand(_ chars: inout ArraySlice<Unicode.Scalar>) throws(Failure) -> String? {
            // Called just after a '$'.
            guard let first = chars.first else { return nil }
            if first == "{" {
                chars.removeFirst()
                var name = ""
                while let c = chars.first, c != "}" { name.unicodeScalars.append(c); chars.removeFirst() }
                guard chars.first == "}" else { throw .unterminatedBrace }
                chars.removeFirst()
                return environment(name) ?? ""
            }
            guard isNameStart(first) else { return nil }
            var name = ""
            while let c = chars.first, isNameChar(c) { name.unicodeScalars.append(c); chars.removeFirst() }
            return environment(name) ?? ""
        }

        while let c = chars.popFirst() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "'" { closed = true; break }
                    current.unicodeScalars.append(d)
                }
                if !closed { throw .unterminatedQuote("'") }
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let e = chars.first, e == "\"" || e == "\\" || e == "$" || e == "`" {
                        current.unicodeScalars.append(e); chars.removeFirst(); continue
                    }
                    if d == "$", let v = try expand(&chars) { current += v; continue }
                    current.unicodeScalars.append(d)
                }
                if !closed { throw .unterminatedQuote("\"") }
            case "\\":
                guard let e = chars.popFirst() else { throw .trailingBackslash }
                if e == "\n" { continue }
                inWord = true
                current.unicodeScalars.append(e)
            case "$":
                inWord = true
                if let v = try expand(&chars) { current += v } else { current.unicodeScalars.append(c) }
            default:
                inWord = true
                current.unicodeScalars.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Whether `line` ends inside a quote or with a line-continuation backslash.
    static func needsMore(_ line: String) -> Bool {
        do { _ = try split(line, environment: { _ in "" }); return false } catch {
            return error != .unterminatedBrace
        }
    }

    /// Quotes `word` for a command line when it needs it (single quotes).
    static func quote(_ word: String) -> String {
        if !word.isEmpty && word.unicodeScalars.allSatisfy({ isNameChar($0) || "-_./:=,@%+".unicodeScalars.contains($0) }) {
            return word
        }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z")
    }

    static func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || (c >= "0" && c <= "9") }
}

extension String {
    /// Replaces every occurrence of `target` (FoundationEssentials-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
