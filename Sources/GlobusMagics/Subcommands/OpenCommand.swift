import Support
import Escaping
import GlobusSDK
import JSON
import JupyterKernel

/// `%globus open COLLECTION:PATH`: a file from the collection's HTTPS server, shown in the
/// cell as what its content is (`FileKind`). Only the file's head is read (a `Range`
/// request) unless the whole file is small, or is an image under `imageCap`.
struct OpenCommand: GlobusSubcommand {
    static let lines = Option<Int>("--lines", value: "N", help: "show at most N lines of a text file (default 40)", in: 1...100_000)
    static let bytes = Option<String>("--bytes", value: "RANGE", help: "read only these bytes: START-END or START- (at most 16 MB)")
    static let asText = Flag("--as-text", help: "show the file as text, whatever it holds")
    static let location = Positional<CollectionPath>("COLLECTION:PATH")
    static let declaration = CommandDeclaration(
        name: "open",
        summary:
            "Show a file in the cell: text, a CSV or TSV table, JSON, an image (PNG, JPEG, GIF, SVG) or Markdown. A large file is read by its first 1 MB only; %globus get downloads it whole.",
        options: [lines, bytes, asText], positionals: [Self.location],
        examples: [
            "%globus open 'Globus Tutorial Collection 1':/~/samples/table.csv --as table",
            "%globus open 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/samples/gradient.png",
            "%globus open 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/data/log.txt --lines 100 --bytes 0-65535"
        ])
    static var keepsResult: Bool { true }

    /// How much of a file is read when it is not all read.
    static let headBytes: Int64 = 1 << 20
    /// The largest image read whole to be shown.
    static let imageCap: Int64 = 8 << 20
    /// The largest `--bytes` range.
    static let rangeCap: Int64 = 16 << 20

    var location: CollectionPath
    var path: String
    var lineCount: Int
    var range: FileRange?
    var asText: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        location = a[Self.location]
        guard let p = location.path, !p.hasSuffix("/") else { throw Self.usage("give a file's path: COLLECTION:/path/to/file (%globus ls lists a folder)") }
        path = p
        lineCount = a[Self.lines] ?? 40
        if let text = a[Self.bytes] { range = try Self.range(text) } else { range = nil }
        asText = a[Self.asText]
    }

    /// `START-END` or `START-` as a range of at most `rangeCap` bytes.
    static func range(_ text: String) throws(MagicError) -> FileRange {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), start >= 0 else { throw usage("--bytes takes START-END or START-, e.g. 0-1023") }
        if parts[1].isEmpty { return FileRange(start: start, end: start > Int64.max - rangeCap ? Int64.max : start + rangeCap - 1) }
        guard let end = Int64(parts[1]), end >= start else { throw usage("--bytes \(text): END must be a number at least START") }
        guard end - start < rangeCap else { throw usage("--bytes \(text) is more than 16 MB; %globus get downloads a file whole") }
        return FileRange(start: start, end: end)
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let https = try g.https(for: location.collection).client
        return try g.onCollection(https) { () throws(MagicError) in try show(https, g) }
    }

    func show(_ https: CollectionHTTPSClient, _ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let cancelled = g.isCancelled
        let info = try g.sdk { () throws(GlobusError) in try https.head(path, isCancelled: cancelled) }
        let file = OpenedFile(location: location, path: path, size: info.size, contentType: info.contentType)
        if info.size == 0 { return MimeBundle(text: "\(file.name): an empty file (0 B)") }
        let asked = range ?? FileRange(first: min(info.size ?? Self.headBytes, Self.headBytes))
        var bytes = try g.sdk { () throws(GlobusError) in try https.get(path, range: asked, maximumBytes: Int(Self.rangeCap), isCancelled: cancelled) }
        var complete = asked.start == 0 && info.size.map { Int64(bytes.count) >= $0 } == true
        let kind: FileKind = asText ? .text : FileKind.sniff(bytes, name: file.name, contentType: info.contentType, complete: complete)
        // An image is shown whole or not at all: the rest is read when it is small enough.
        if kind.isImage && !complete {
            if range != nil { return file.notShown(kind, read: bytes.count, why: "an image is shown whole, not a part of it (--as-text shows the bytes asked for)") }
            guard let size = info.size, size <= Self.imageCap else {
                return file.notShown(kind, read: bytes.count, why: "too large to show here (open shows images up to \(formatBytes(Int(Self.imageCap))))")
            }
            let rest = FileRange(start: Int64(bytes.count), end: size - 1)
            bytes += try g.sdk { () throws(GlobusError) in try https.get(path, range: rest, maximumBytes: Int(Self.imageCap), isCancelled: cancelled) }
            complete = true
        }
        let read = FileRead(file: file, bytes: bytes, complete: complete, start: asked.start)
        return read.bundle(kind, lines: lineCount)
    }
}

/// The file `open` shows: where it is and what its HEAD said.
struct OpenedFile {
    var location: CollectionPath
    var path: String
    var size: Int64?
    var contentType: String?

    /// The file's name (the path's last segment).
    var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Its size for people, or "unknown size".
    var sizeText: String { size.map { formatBytes(Int($0)) } ?? "unknown size" }

    /// The command that downloads it.
    var getCommand: String { "%globus get " + ShellWords.quote(location.collection + ":" + path) }

    /// What is said of a file that is not shown: its size, type and how to get it.
    func notShown(_ kind: FileKind, read: Int, why: String) -> MimeBundle {
        let what = kind == .binary ? "binary data" : kind.rawValue.uppercased() + (kind.isImage ? " image" : "")
        let text = "\(name): \(sizeText), \(what)\(contentType.map { " (\($0))" } ?? ""); \(why).\nDownload it with: \(getCommand)"
        var b = MimeBundle(text: text)
        b["text/html"] = .string(
            "<p><code>\(HTML.escape(name))</code>: \(HTML.escape(sizeText)), \(HTML.escape(what)); \(HTML.escape(why)).<br>Download it with: <code>\(HTML.escape(getCommand))</code></p>"
        )
        return b
    }
}

/// The bytes `open` read of a file, and how each kind of content is shown.
struct FileRead {
    var file: OpenedFile
    var bytes: [UInt8]
    /// Whether `bytes` are the whole file.
    var complete: Bool
    /// Where they start in the file.
    var start: Int64

    /// Longest line shown of a text file.
    static let lineWidth = 2000

    /// What was read, said honestly: all of it, or which part of how much.
    var extent: String {
        if complete { return "\(file.name), \(file.sizeText)" }
        let last = start.addingReportingOverflow(Int64(bytes.count) - 1)
        let part = start == 0 ? "the first \(formatBytes(bytes.count))" : "bytes \(start)-\(last.overflow ? Int64.max : last.partialValue)"
        return "\(file.name): \(part) of \(file.sizeText) read"
    }

    func bundle(_ kind: FileKind, lines: Int) -> MimeBundle {
        switch kind {
        case .png, .jpeg, .gif: return image(kind)
        case .svg: return svg()
        case .json: return json()
        case .csv, .tsv: return table(delimiter: kind == .tsv ? "\t" : ",")
        case .markdown: return markdown(lines: lines)
        case .text: return text(lines: lines)
        case .binary: return file.notShown(.binary, read: bytes.count, why: "not shown (it is not text)")
        }
    }

    /// The text, forced (invalid UTF-8 shown as U+FFFD, NUL bytes kept for the guard to show).
    var string: String { TextHead(bytes, complete: complete, forceText: true)?.string ?? "" }

    func text(lines n: Int) -> MimeBundle {
        let text = string
        var all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if all.last?.isEmpty == true { all.removeLast() }
        let shown = all.prefix(n).map { line in line.count > Self.lineWidth ? String(line.prefix(Self.lineWidth - 1)) + "…" : String(line) }
        var notes: [String] = []
        if all.count > n { notes.append("showing \(n) of \(all.count)\(complete ? "" : "+") lines (--lines N shows more)") }
        if !complete { notes.append("the rest was not read (\(file.getCommand) downloads it)") }
        let header = "── \(extent)" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")) + " ──"
        var b = MimeBundle(text: ([header] + shown).joined(separator: "\n"))
        b[Rendering.keptOnly] = .string(text)
        return b
    }

    func markdown(lines n: Int) -> MimeBundle {
        var b = text(lines: n)
        // Rendered as Markdown, never as HTML: a `<` or `&` in the file is shown as itself.
        b["text/markdown"] = .string(Markdown.inertHTML(string))
        return b
    }

    func json() -> MimeBundle {
        guard let doc = try? JSON.parse(bytes) else { return text(lines: 40) }
        var b = Rendering.bundle(for: doc, format: .json)
        b["text/plain"] = .string("── \(extent) ──\n" + (b["text/plain"]?.string ?? ""))
        return b
    }

    /// The most columns a table shows.
    static let maxColumns = 30

    func table(delimiter: Character) -> MimeBundle {
        let table = CSVTable(string, delimiter: delimiter, complete: complete)
        let columns = min(table.headers.count, Self.maxColumns)
        let cells = table.rows.prefix(Rendering.maxTableRows).map { Array($0.prefix(columns)) }
        let headers = Array(table.headers.prefix(columns))
        var about = complete ? "\(table.rows.count) rows" : "the first \(table.rows.count) rows (of the part read; the rest was not read: \(file.getCommand) downloads it)"
        about += ", \(table.headers.count) columns" + (columns < table.headers.count ? " (the first \(columns) shown)" : "")
        if !table.hasHeader { about += "; no header row, so the columns are numbered" }
        let more = table.rows.count - cells.count
        var b = MimeBundle(text: "── \(extent): \(about) ──\n" + Rendering.asciiTable(headers, cells, more: more, note: Self.shortenedNote))
        b["text/html"] = .string("<p><code>\(HTML.escape(extent))</code>: \(HTML.escape(about))</p>" + Rendering.htmlTable(headers, cells, more: more, note: Self.shortenedNote))
        b["application/json"] = table.json
        return b
    }

    static let shortenedNote = "Values ending in … are shortened; --as NAME keeps them in full."

    func image(_ kind: FileKind) -> MimeBundle {
        var b = MimeBundle(text: "\(file.name): \(kind.rawValue.uppercased()) image\(dimensions(kind).map { ", \($0.0)×\($0.1)" } ?? ""), \(file.sizeText)")
        b[kind.imageType!] = .string(Base64.encode(bytes))
        return b
    }

    func svg() -> MimeBundle {
        var b = MimeBundle(text: "\(file.name): SVG image, \(file.sizeText)")
        // As an image, never as markup in the page: an <img> runs no script the SVG holds.
        b["text/html"] = .string("<img src=\"data:image/svg+xml;base64,\(Base64.encode(bytes))\" alt=\"\(HTML.escape(file.name))\">")
        return b
    }

    /// Width and height, from a PNG's IHDR or a GIF's screen descriptor.
    func dimensions(_ kind: FileKind) -> (Int, Int)? {
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        switch kind {
        case .png where bytes.count >= 24: return (be(16), be(20))
        case .gif where bytes.count >= 10: return (Int(bytes[6]) | Int(bytes[7]) << 8, Int(bytes[8]) | Int(bytes[9]) << 8)
        default: return nil
        }
    }
}
