import JSON

/// A CSV or TSV table read from text (RFC 4180: fields may be quoted with `"`, a quote inside
/// one is doubled, and a quoted field may hold the delimiter and line breaks; lines end in LF
/// or CRLF), with its header row detected.
struct CSVTable: Equatable {
    /// The column names: the header row, or `column 1`, `column 2`… when there is none.
    var headers: [String]
    /// The data rows (each as long as `headers`: short rows are padded with "").
    var rows: [[String]]
    /// Whether the first row was taken as the header.
    var hasHeader: Bool

    /// The table in `text`. When `complete` is false (only the file's head was read), the last
    /// record, which may have been cut, is left out.
    init(_ text: String, delimiter: Character, complete: Bool) {
        var records = CSVTable.records(text, delimiter: delimiter)
        if !complete && records.count > 1 { records.removeLast() }
        hasHeader = CSVTable.looksLikeHeader(records)
        let width = records.map(\.count).max() ?? 0
        let first = hasHeader ? records.first ?? [] : []
        headers = (0..<width).map { i in i < first.count && !first[i].isEmpty ? first[i] : "column \(i + 1)" }
        rows = records.dropFirst(hasHeader ? 1 : 0).map { $0 + Array(repeating: "", count: width - $0.count) }
    }

    /// The rows as objects keyed by column name (what `--as NAME` keeps).
    var json: JSON {
        .array(
            rows.map { row in
                var o = JSONObject()
                for (name, value) in zip(headers, row) where o[name] == nil { o[name] = .string(value) }
                return .object(o)
            })
    }

    /// The records of `text`, each a list of fields (RFC 4180). A blank line is no record.
    static func records(_ text: String, delimiter: Character) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        let d = delimiter.unicodeScalars.first!
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty && !wasQuoted) { records.append(record) }
            record = []
            field = ""
            wasQuoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case d:
                record.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                if let next = iterator.next(), next != "\n" { pending = next }
                endRecord()
            case "\n":
                endRecord()
            default:
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty || wasQuoted { endRecord() }
        return records
    }

    /// Whether the first record is a header: its cells are all filled, different, and none is
    /// a number (a first row of numbers is data, and columns are then numbered).
    static func looksLikeHeader(_ records: [[String]]) -> Bool {
        guard let first = records.first, !first.isEmpty else { return false }
        let trimmed = first.map { $0.trimmed }
        return trimmed.allSatisfy { !$0.isEmpty && Double($0) == nil } && Set(trimmed).count == trimmed.count
    }

    /// The delimiter of a table in `text` (`,` or tab; `;` too), when its first lines have the
    /// same number of fields, more than one (and there are two lines or more, unless the file
    /// is `declared` a table by its name or type); nil when the text is no table.
    static func delimiter(of text: String, preferTab: Bool, declared: Bool = false) -> Character? {
        let sample = String(text.prefix(64 << 10))
        let candidates: [Character] = preferTab ? ["\t", ",", ";"] : [",", "\t", ";"]
        for d in candidates {
            var found = records(sample, delimiter: d)
            if text.count > sample.count && found.count > 1 { found.removeLast() }
            let lines = found.prefix(20)
            guard let width = lines.first?.count, width > 1, lines.count > 1 || declared else { continue }
            if lines.allSatisfy({ $0.count == width }) { return d }
        }
        return nil
    }
}
