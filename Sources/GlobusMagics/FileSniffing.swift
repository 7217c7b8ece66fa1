import JSON

/// What a file is, told from its first bytes (magic numbers, then a look at the text), with
/// its name and the server's `Content-Type` only breaking ties between kinds of text: a file
/// named `.csv` that starts like a PNG is shown as an image, and a `.png` that is text as text.
enum FileKind: String, Sendable, Equatable {
    case png, jpeg, gif, svg, json, csv, tsv, markdown, text, binary

    /// The image's MIME type, for the raster images a notebook shows.
    var imageType: String? {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        default: nil
        }
    }

    var isImage: Bool { imageType != nil || self == .svg }

    /// The kind of the file whose first bytes are `head` (all of it when `complete`), named
    /// `name`, served as `contentType`.
    static func sniff(_ head: [UInt8], name: String, contentType: String?, complete: Bool) -> FileKind {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) { return .gif }
        guard let text = TextHead(head, complete: complete) else { return .binary }
        let start = text.string.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        let lowerName = name.lowercased()
        let type = (contentType ?? "").lowercased()
        if start.hasPrefix("<svg") || (start.hasPrefix("<?xml") && start.prefix(2048).contains("<svg")) { return .svg }
        if start.hasPrefix("{") || start.hasPrefix("[") {
            if (try? JSON.parse(text.string)) != nil { return .json }
            // A JSON document cut short, or one deeper than the parser goes, is shown as text.
            if lowerName.hasSuffix(".json") || type.contains("json") { return .text }
        }
        if lowerName.hasSuffix(".md") || lowerName.hasSuffix(".markdown") || type.hasPrefix("text/markdown") { return .markdown }
        let tab = lowerName.hasSuffix(".tsv") || type.contains("tab-separated")
        let declared = tab || lowerName.hasSuffix(".csv") || type.hasPrefix("text/csv")
        if let delimiter = CSVTable.delimiter(of: text.string, preferTab: tab, declared: declared) {
            return delimiter == "\t" ? .tsv : .csv
        }
        return .text
    }
}

/// The text at the start of a file: its bytes as UTF-8 when they read as text (no NUL byte,
/// almost no invalid sequence). A multi-byte character cut by the end of a partial read is
/// dropped, not shown as an invalid one.
struct TextHead {
    let string: String
    /// How many invalid UTF-8 sequences were replaced by U+FFFD.
    let invalid: Int

    init?(_ bytes: [UInt8], complete: Bool, forceText: Bool = false) {
        var bytes = bytes[...]
        if !complete, let lead = bytes.suffix(4).lastIndex(where: { $0 & 0xC0 == 0xC0 }) {
            // Drop a trailing character cut short by the end of the read.
            let needs = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2
            if bytes.endIndex - lead < needs { bytes = bytes[..<lead] }
        }
        if !forceText && bytes.prefix(8192).contains(0) { return nil }
        let s = String(decoding: bytes, as: UTF8.self)
        let replaced = s.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
        let original = bytes.count >= 3 ? Self.countReplacementCharacters(bytes) : 0
        invalid = max(0, replaced - original)
        if !forceText && invalid > max(8, bytes.count / 100) { return nil }
        string = s
    }

    /// U+FFFD written in the file itself (EF BF BD), not produced by decoding.
    static func countReplacementCharacters(_ bytes: ArraySlice<UInt8>) -> Int {
        var n = 0, i = bytes.startIndex
        while i + 2 < bytes.endIndex {
            if bytes[i] == 0xEF && bytes[i + 1] == 0xBF && bytes[i + 2] == 0xBD { n += 1; i += 3 } else { i += 1 }
        }
        return n
    }
}
