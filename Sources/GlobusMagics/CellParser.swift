import Support

/// One command of a cell: a line (continuations joined) and, for `%%name`, the cell body.
struct Command: Equatable {
    enum Kind: Equatable {
        case run
        /// `NAME?` / `?NAME` (level 1) or `NAME??` (level 2): help in the pager.
        case help(level: Int)
    }
    var line: String
    var body: String?
    var kind: Kind = .run
}

/// Splits a cell into commands: blank lines and `#` comments are skipped, a trailing `\` or an
/// open quote continues onto the next line, and a first line `%%name …` takes the rest as body.
enum CellParser {
    /// `takenAsTyped` tells a line whose end its command takes as typed (`%globus vars set
    /// NAME=JSON`): such a line is one command whatever quotes it holds, never continued.
    static func commands(_ code: String, takenAsTyped: (String) -> Bool = { _ in false }) -> [Command] {
        parse(code, takenAsTyped: takenAsTyped).commands
    }

    /// The commands of `code`, and how many characters (Unicode scalars) the quote scanner read
    /// to find them: at most one look at each, so a cell is parsed in linear time.
    static func parse(_ code: String, takenAsTyped: (String) -> Bool = { _ in false }) -> (commands: [Command], scanned: Int) {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let first = lines.firstIndex(where: { !$0.trimmed.isEmpty }), lines[first].trimmed.hasPrefix("%%") {
            let header = String(lines[first].trimmed.dropFirst())
            let body = lines[(first + 1)...].joined(separator: "\n")
            return ([classify(Command(line: header, body: body))], 0)
        }
        var out: [Command] = []
        var scanned = 0
        var pending = ""
        // Quote state carried from line to line: each character is scanned once (a cell with an
        // unterminated quote is linear, not quadratic, to parse).
        var quotes = QuoteScanner()
        for raw in lines {
            var line = raw
            if pending.isEmpty && (line.trimmed.isEmpty || line.trimmed.hasPrefix("#")) { continue }
            if pending.isEmpty && takenAsTyped(line.trimmed) { out.append(Command(line: line.trimmed)); continue }
            if line.hasSuffix("\\") && !line.hasSuffix("\\\\") {
                line.removeLast()
                pending += line
                quotes.scan(line)
                continue
            }
            pending += line
            quotes.scan(line)
            if quotes.needsMore { pending += "\n"; quotes.scan("\n"); continue }
            out.append(classify(Command(line: pending.trimmed)))
            pending = ""
            scanned += quotes.scanned
            quotes = QuoteScanner()
        }
        if !pending.trimmed.isEmpty { out.append(classify(Command(line: pending.trimmed))) }
        return (out, scanned + quotes.scanned)
    }

    static func classify(_ c: Command) -> Command {
        var c = c
        guard c.body == nil else { return c }
        if c.line.hasSuffix("??") {
            c.line = String(c.line.dropLast(2)).trimmed
            c.kind = .help(level: 2)
        } else if c.line.hasSuffix("?") && !c.line.contains(" ") || c.line == "?" {
            c.line = String(c.line.dropLast()).trimmed
            c.kind = .help(level: 1)
        } else if c.line.hasPrefix("?") {
            let level = c.line.hasPrefix("??") ? 2 : 1
            c.line = String(c.line.dropFirst(level)).trimmed
            c.kind = .help(level: level)
        }
        return c
    }
}

/// Whether text scanned so far ends inside a quote or after a lone backslash, by the rules of
/// `ShellWords.split` (an unterminated `${` ends the command: `split` reports it as an error).
struct QuoteScanner {
    enum State { case plain, single, double, brace(returnTo: Bool) }
    private var state = State.plain
    /// A backslash was the last character seen (outside quotes: it escapes the next one).
    private var escape = false
    /// A backslash inside double quotes was the last character seen.
    private var doubleEscape = false
    /// A `$` was the last character seen (a `{` next opens a brace).
    private var dollar = false
    /// How many characters (Unicode scalars) have been scanned.
    private(set) var scanned = 0

    mutating func scan(_ text: some StringProtocol) {
        for c in text.unicodeScalars {
            scanned += 1
            if escape { escape = false; continue }
            if doubleEscape {
                doubleEscape = false
                if c == "\"" || c == "\\" || c == "$" || c == "`" { continue }
            }
            let afterDollar = dollar
            dollar = false
            switch state {
            case .plain:
                switch c {
                case "'": state = .single
                case "\"": state = .double
                case "\\": escape = true
                case "$": dollar = true
                case "{" where afterDollar: state = .brace(returnTo: false)
                default: break
                }
            case .single:
                if c == "'" { state = .plain }
            case .double:
                switch c {
                case "\"": state = .plain
                case "\\": doubleEscape = true
                case "$": dollar = true
                case "{" where afterDollar: state = .brace(returnTo: true)
                default: break
                }
            case .brace(let inDouble):
                if c == "}" { state = inDouble ? .double : .plain }
            }
        }
    }

    /// True inside single or double quotes, or after a trailing lone backslash.
    var needsMore: Bool {
        switch state {
        case .single, .double: true
        case .plain: escape
        case .brace: false
        }
    }
}
