import Support
import Escaping
import GlobusSDK
import JSON
import JupyterKernel

/// How a result is shown.
enum OutputFormat: String, CaseIterable, ArgumentValue {
    case auto, json, table, text, raw
}

enum Rendering {
    /// Above this many bytes of JSON, the HTML table and the pretty text are shortened.
    static let largeResponse = 1_000_000
    /// Above this many bytes of JSON, no tree is sent at all.
    static let largestTree = 32_000_000
    /// The type under which a result too large to send is kept for `--as` (never sent).
    static let keptOnly = "application/x-globus-kernel-kept+json"
    static let maxTableRows = 200

    /// A JSON document as a result: the tree (`application/json`), pretty text with stable key
    /// order, and an HTML table when the document is a listing.
    static func bundle(for doc: JSON, format: OutputFormat, rawBody: String? = nil, title: String? = nil) -> MimeBundle {
        switch format {
        case .raw, .text:
            return MimeBundle(text: rawBody ?? doc.serialized(indent: 2, sortKeys: true))
        case .table:
            if let empty = emptyListing(doc) {
                var b = MimeBundle(text: empty)
                b["text/html"] = .string("<p><i>\(HTML.escape(empty))</i></p>")
                return b
            }
            var b = MimeBundle(text: asciiTable(doc) ?? doc.serialized(indent: 2, sortKeys: true))
            if let html = htmlTable(doc) { b["text/html"] = .string(html) }
            return b
        case .json, .auto:
            let pretty = doc.serialized(indent: 2, sortKeys: true)
            var b = MimeBundle(text: pretty.utf8.count > largeResponse ? shortened(pretty) : pretty)
            if pretty.utf8.count > largestTree {
                // Too large for a frontend to hold as a tree (and each copy costs the kernel as
                // much again): the text is shortened, the value can still be kept with --as.
                b[keptOnly] = doc
                return b
            }
            b["application/json"] = doc
            if format == .auto, pretty.utf8.count <= largeResponse * 4 {
                if let html = htmlTable(doc) {
                    b["text/html"] = .string(html)
                } else if let empty = emptyListing(doc) {
                    b["text/html"] = .string("<p><i>\(HTML.escape(empty))</i></p>")
                }
            }
            return b
        }
    }

    static func shortened(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(2000).joined(separator: "\n") + "\n… (\(lines.count - 2000) more lines; use --jmespath to select, or --format raw)"
    }

    /// The members that hold a listing's rows, in the order they are looked for.
    static let listingKeys = [
        "DATA", "gmeta", "tokens", "tasks", "flows", "runs", "identities", "consents", "timers", "jobs", "endpoints",
        "groups", "identity_set"
    ]

    /// The rows of a listing document: `DATA`, a top-level array, `gmeta`, or a single array member.
    static func rows(_ doc: JSON) -> [JSON]? {
        if let a = doc.array { return a.allSatisfy { $0.object != nil } && !a.isEmpty ? a : nil }
        guard let o = doc.object else { return nil }
        for key in listingKeys {
            if let a = o[key]?.array, !a.isEmpty, a.allSatisfy({ $0.object != nil }) { return a }
        }
        return nil
    }

    /// What to say for a listing with no rows ("No rows: DATA is empty."), or nil.
    static func emptyListing(_ doc: JSON) -> String? {
        if doc.array?.isEmpty == true { return "No rows: the list is empty." }
        guard let o = doc.object, rows(doc) == nil, let key = listingKeys.first(where: { o[$0]?.array?.isEmpty == true }) else { return nil }
        return "No rows: \(key) is empty."
    }

    /// Columns: scalar members in order of first appearance, the most common first, then nested
    /// members (shown as compact JSON); at most 8.
    static func columns(_ rows: [JSON]) -> [String] {
        // Members by first appearance, with how many rows have each and whether any is nested.
        var order: [String] = [], count: [Int] = [], nested: [Bool] = []
        // Where each member is in `order`, made when first needed: the members of one object are
        // distinct, so the first row needs no lookup.
        var position: [String: Int]? = nil
        func seen(_ key: String) -> Int? {
            if position == nil { position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) }) }
            return position![key]
        }
        for (row, r) in rows.prefix(100).enumerated() {
            // Rows of a listing mostly have the same members in the same order (some missing):
            // a member is then the one after the last, found without hashing its name.
            var next = 0
            for (k, v) in r.object! {
                let p: Int
                if next < order.count && order[next] == k {
                    p = next
                } else if row > 0, let i = seen(k) {
                    p = i
                } else {
                    p = order.count
                    order.append(k)
                    count.append(0)
                    nested.append(false)
                    position?[k] = p
                }
                next = p + 1
                count[p] += 1
                if v.array != nil || v.object != nil { nested[p] = true }
            }
        }
        // Each column's rank is worked out once: scalar before nested, preferred names in their
        // order, then the most common, then the first seen.
        let ranked = order.indices.map { p in
            (key: order[p], rank: (nested[p] ? 1 : 0, preferredRank(order[p]), -count[p], p))
        }.sorted { $0.rank < $1.rank }
        return Array(ranked.map(\.key).filter { $0 != "DATA_TYPE" && !$0.hasPrefix("@") }.prefix(8))
    }

    /// The members shown first, in this order, when a listing has them.
    static let preferredColumns = ["name", "display_name", "id", "task_id", "status", "type", "size", "label", "username", "subject"]

    /// Where `key` is among ``preferredColumns`` (100 when it is not): lengths are compared
    /// first, as most names differ in length.
    static func preferredRank(_ key: String) -> Int {
        let n = key.utf8.count
        return preferredColumns.firstIndex { $0.utf8.count == n && $0 == key } ?? 100
    }

    static func cell(_ v: JSON?) -> String {
        switch v {
        case nil, .null?: ""
        case .string(let s)?: s
        default: v!.serialized
        }
    }

    /// Widest cell of a text table and of an HTML table; longer values end in "…".
    static let textCellWidth = 48
    static let htmlCellWidth = 80
    static let shortenedNote = "Values ending in … are shortened; --format json shows them in full."

    /// `text` cut to `width` characters, ending in "…" when it was cut.
    static func fit(_ text: String, _ width: Int) -> (String, Bool) {
        let flat = text.utf8.contains(0x0A) ? text.split(separator: "\n").joined(separator: " ") : text
        return characters(flat) <= width ? (flat, false) : (String(flat.prefix(width - 1)) + "…", true)
    }

    /// `text.count` (its characters), found from its bytes when it is ASCII without a CR LF pair
    /// (one byte is then one character): counting characters in general walks grapheme breaks,
    /// and tables count every cell several times.
    static func characters(_ text: String) -> Int {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if b >= 0x80 || (b == 0x0A && previous == 0x0D) { return text.count }
            previous = b
        }
        return text.utf8.count
    }

    /// The rows of `doc` as a table made by `make` (headers, the first `maxTableRows` rows'
    /// cells, how many rows more), or nil when `doc` is no list of objects with fields.
    static func table(_ doc: JSON, _ make: ([String], [[String]], Int) -> String) -> String? {
        guard let rows = rows(doc) else { return nil }
        let cols = columns(rows)
        guard !cols.isEmpty else { return nil }
        return make(cols, rows.prefix(maxTableRows).map { r in cols.map { cell(r[$0]) } }, rows.count - maxTableRows)
    }

    static func htmlTable(_ doc: JSON) -> String? { table(doc) { htmlTable($0, $1, more: $2) } }

    /// An HTML table of text cells: long cells are shortened (the full value in their tooltip),
    /// and cells do not wrap, so rows stay one line high.
    static func htmlTable(_ headers: [String], _ cells: [[String]], more: Int = 0, width: Int = htmlCellWidth, note: String = shortenedNote) -> String {
        var cut = false
        // One string, appended to in place: no string per cell or row to join afterwards.
        var h = "<table><thead><tr>"
        for header in headers {
            h += "<th>"
            h += HTML.escape(header)
            h += "</th>"
        }
        h += "</tr></thead><tbody>"
        for row in cells {
            h += "<tr>"
            for value in row {
                let (shown, shortened) = fit(value, width)
                cut = cut || shortened
                h += "<td style=\"white-space:nowrap\""
                if shortened {
                    h += " title=\""
                    h += HTML.escape(value)
                    h += "\""
                }
                h += ">"
                h += HTML.escape(shown)
                h += "</td>"
            }
            h += "</tr>"
        }
        h += "</tbody></table>"
        if more > 0 { h += "<p>… and \(more) more rows</p>" }
        if cut { h += "<p><small>\(HTML.escape(note))</small></p>" }
        return h
    }

    static func asciiTable(_ doc: JSON) -> String? { table(doc) { asciiTable($0, $1, more: $2) } }

    /// A text table of text cells; long cells are shortened with "…" and a note says so.
    static func asciiTable(_ headers: [String], _ cells: [[String]], more: Int = 0, width: Int = textCellWidth, note: String = shortenedNote) -> String {
        var cut = false
        let data = cells.map { row in
            row.map { value in
                let (shown, shortened) = fit(value, width)
                cut = cut || shortened
                return shown
            }
        }
        let counts = data.map { $0.map(characters) }, headerCounts = headers.map(characters)
        let widths = headers.indices.map { i in max(headerCounts[i], counts.map { $0[i] }.max() ?? 0) }
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - characters(s))) }
        func line(_ v: [String]) -> String { v.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: " | ").trimmedTrailing }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")]
        out += data.map(line)
        if more > 0 { out.append("… and \(more) more rows") }
        if cut { out.append(note) }
        return out.joined(separator: "\n")
    }

    /// Rows of text under headers, in aligned columns.
    static func columns(_ headers: [String], _ rows: [[String]]) -> String {
        let widths = headers.indices.map { i in max(characters(headers[i]), rows.map { characters($0[i]) }.max() ?? 0) }
        func line(_ v: [String]) -> String {
            v.enumerated().map { $0.element + String(repeating: " ", count: max(0, widths[$0.offset] - characters($0.element))) }
                .joined(separator: "  ").trimmedTrailing
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
