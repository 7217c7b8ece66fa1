import JSON

enum TokenKind: Equatable {
    case identifier, quotedIdentifier, literal, number
    case dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen, comma, colon
    case pipe, or, and, not, expref, current
    case eq, ne, lt, lte, gt, gte
    case eof
}

struct Token {
    var kind: TokenKind
    var position: Int
    /// An identifier's name (a string), a literal's value, or a number (an integer).
    var value: JSON = .null
}

/// Splits an expression into tokens.
enum Lexer {
    static func tokenize(_ text: String) throws(JMESPathError) -> [Token] {
        let s = Array(text.unicodeScalars)
        var i = 0
        var out: [Token] = []
        func peek(_ k: Int = 1) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }
        while i < s.count {
            let c = s[i]
            let start = i
            switch c {
            case " ", "\t", "\n", "\r": i += 1
            case ".": out.append(Token(kind: .dot, position: i)); i += 1
            case "*": out.append(Token(kind: .star, position: i)); i += 1
            case "]": out.append(Token(kind: .rbracket, position: i)); i += 1
            case "{": out.append(Token(kind: .lbrace, position: i)); i += 1
            case "}": out.append(Token(kind: .rbrace, position: i)); i += 1
            case "(": out.append(Token(kind: .lparen, position: i)); i += 1
            case ")": out.append(Token(kind: .rparen, position: i)); i += 1
            case ",": out.append(Token(kind: .comma, position: i)); i += 1
            case ":": out.append(Token(kind: .colon, position: i)); i += 1
            case "@": out.append(Token(kind: .current, position: i)); i += 1
            case "[":
                if peek() == "]" {
                    out.append(Token(kind: .flatten, position: i)); i += 2
                } else if peek() == "?" {
                    out.append(Token(kind: .filter, position: i)); i += 2
                } else {
                    out.append(Token(kind: .lbracket, position: i)); i += 1
                }
            case "|":
                if peek() == "|" { out.append(Token(kind: .or, position: i)); i += 2 } else { out.append(Token(kind: .pipe, position: i)); i += 1 }
            case "&":
                if peek() == "&" { out.append(Token(kind: .and, position: i)); i += 2 } else { out.append(Token(kind: .expref, position: i)); i += 1 }
            case "!":
                if peek() == "=" { out.append(Token(kind: .ne, position: i)); i += 2 } else { out.append(Token(kind: .not, position: i)); i += 1 }
            case "=":
                guard peek() == "=" else { throw .syntax("unexpected '='; did you mean '=='", at: i) }
                out.append(Token(kind: .eq, position: i)); i += 2
            case "<":
                if peek() == "=" { out.append(Token(kind: .lte, position: i)); i += 2 } else { out.append(Token(kind: .lt, position: i)); i += 1 }
            case ">":
                if peek() == "=" { out.append(Token(kind: .gte, position: i)); i += 2 } else { out.append(Token(kind: .gt, position: i)); i += 1 }
            case "-", "0"..."9":
                var j = i + 1
                while j < s.count, ("0"..."9").contains(s[j]) { j += 1 }
                let digits = String(String.UnicodeScalarView(s[i..<j]))
                guard j > i + 1 || c != "-" else { throw .syntax("invalid number '-'", at: i) }
                // Past Int's range a number is held at Int.min or Int.max: as an index, a slice
                // bound or a step it means the same (past either end of any array).
                out.append(Token(kind: .number, position: i, value: .int(Int(digits) ?? (c == "-" ? .min : .max))))
                i = j
            case "\"":
                let (raw, end) = try delimited(s, from: i, quote: "\"")
                guard case .string(let name)? = try? JSON.parse("\"" + raw + "\"") else { throw .syntax("invalid quoted identifier", at: start) }
                out.append(Token(kind: .quotedIdentifier, position: start, value: .string(name)))
                i = end
            case "'":
                let (raw, end) = try delimited(s, from: i, quote: "'")
                out.append(Token(kind: .literal, position: start, value: .string(raw.replacingAll("\\'", "'"))))
                i = end
            case "`":
                let (raw, end) = try delimited(s, from: i, quote: "`")
                let body = raw.replacingAll("\\`", "`")
                if let v = try? JSON.parse(body) {
                    out.append(Token(kind: .literal, position: start, value: v))
                } else if let v = try? JSON.parse("\"" + body.trimmingLeadingSpaces + "\"") {
                    out.append(Token(kind: .literal, position: start, value: v))  // legacy: an unquoted string literal
                } else {
                    throw .syntax("invalid JSON literal", at: start)
                }
                i = end
            default:
                guard c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) else { throw .syntax("unexpected character '\(c)'", at: i) }
                var j = i + 1
                while j < s.count, s[j] == "_" || ("a"..."z").contains(s[j]) || ("A"..."Z").contains(s[j]) || ("0"..."9").contains(s[j]) { j += 1 }
                out.append(Token(kind: .identifier, position: i, value: .string(String(String.UnicodeScalarView(s[i..<j])))))
                i = j
            }
        }
        out.append(Token(kind: .eof, position: s.count))
        return out
    }

    /// The text between `quote` at `from` and the next unescaped `quote`; returns it and the index after.
    static func delimited(_ s: [Unicode.Scalar], from: Int, quote: Unicode.Scalar) throws(JMESPathError) -> (String, Int) {
        var j = from + 1
        var text = String.UnicodeScalarView()
        while j < s.count {
            if s[j] == "\\", j + 1 < s.count { text.append(s[j]); text.append(s[j + 1]); j += 2; continue }
            if s[j] == quote { return (String(text), j + 1) }
            text.append(s[j])
            j += 1
        }
        throw .syntax("unterminated \(quote)", at: from)
    }
}
