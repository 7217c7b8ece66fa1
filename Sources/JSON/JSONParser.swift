/// Why a JSON text could not be parsed, with the byte offset where it went wrong.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSON {
    /// The deepest nesting accepted; deeper input is refused rather than overflowing the stack.
    public static let maximumDepth = 512

    /// Parses a complete JSON text (RFC 8259). Trailing non-space content is an error.
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        var text = text
        return try text.withUTF8 { buf in Result { () throws(JSONParseError) in try parse(bytes: buf) } }.get()
    }

    /// Parses a complete JSON text that must not name a member twice in one object. RFC 8259
    /// leaves duplicates to the reader: most keep the last, some the first, so a document that
    /// has them can mean one thing to whoever checks it and another to whoever acts on it.
    public static func parseRejectingDuplicateKeys(_ text: String) throws(JSONParseError) -> JSON {
        var text = text
        return try text.withUTF8 { buf in
            Result { () throws(JSONParseError) in
                var p = JSONReader(bytes: buf)
                p.rejectDuplicateKeys = true
                return try p.document()
            }
        }.get()
    }

    /// Parses a complete JSON text from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        try bytes.withUnsafeBufferPointer { buf in Result { () throws(JSONParseError) in try parse(bytes: buf) } }.get()
    }

    /// Parses a complete JSON text from a UTF-8 buffer.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSON {
        var p = JSONReader(bytes: bytes)
        return try p.document()
    }
}

struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    /// Refuse an object that names a member twice (else the last one wins).
    var rejectDuplicateKeys = false

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: pos) }

    /// A whole text: one value between optional spaces.
    mutating func document() throws(JSONParseError) -> JSON {
        skipSpace()
        let v = try value(depth: 0)
        skipSpace()
        if pos != bytes.count { throw error("unexpected content after the JSON value") }
        return v
    }

    mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSON {
        guard pos < bytes.count else { throw error("unexpected end of input") }
        if depth > JSON.maximumDepth { throw error("nesting deeper than \(JSON.maximumDepth)") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("unexpected end of input") }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for i in 0..<n where bytes[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSON {
        pos += 1
        var o = JSONObject()
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            skipSpace()
            if rejectDuplicateKeys && o[key] != nil { throw error("the member \"\(key)\" appears twice in one object") }
            o[key] = try value(depth: depth + 1)
            skipSpace()
            guard pos < bytes.count else { throw error("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSON {
        pos += 1
        var a: [JSON] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
        while true {
            skipSpace()
            a.append(try value(depth: depth + 1))
            skipSpace()
            guard pos < bytes.count else { throw error("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes. ASCII needs no validation (most keys and values are ASCII).
        var ascii = true
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                let s =
                    ascii
                    ? String(unsafeUninitializedCapacity: raw.count) {
                        _ = $0.initialize(from: raw); return raw.count
                    } : try validated(raw)
                pos += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in string") }
            if c >= 0x80 { ascii = false }
            pos += 1
        }
        var out = Array(bytes[start..<pos])
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                return s
            }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    if pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD  // lone surrogate
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    func validated(_ b: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
        return s
    }

    mutating func number() throws(JSONParseError) -> JSON {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count else { throw error("truncated number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[pos]) {
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
        } else {
            throw error("invalid number")
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            let digits = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == digits { throw error("invalid number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let digits = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == digits { throw error("invalid number") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range") }
        return .double(d)
    }
}

extension JSON {
    /// The members named in `keys` of a JSON text whose top level is an object, found without
    /// building the rest: other values are stepped over, not parsed (a page's marker from a page
    /// of thousands of items costs a scan, not their allocation). Values stepped over are checked
    /// only enough to find where they end; parse the text to validate it.
    public static func members(_ keys: Set<String>, of bytes: [UInt8]) throws(JSONParseError) -> [String: JSON] {
        try bytes.withUnsafeBufferPointer { buf in
            Result { () throws(JSONParseError) -> [String: JSON] in
                var p = JSONReader(bytes: buf)
                p.skipSpace()
                guard p.pos < buf.count, buf[p.pos] == UInt8(ascii: "{") else { throw p.error("expected an object") }
                p.pos += 1
                var found: [String: JSON] = [:]
                p.skipSpace()
                if p.pos < buf.count && buf[p.pos] == UInt8(ascii: "}") { return found }
                while true {
                    p.skipSpace()
                    guard p.pos < buf.count, buf[p.pos] == UInt8(ascii: "\"") else { throw p.error("expected a string key") }
                    let key = try p.string()
                    p.skipSpace()
                    guard p.pos < buf.count, buf[p.pos] == UInt8(ascii: ":") else { throw p.error("expected ':'") }
                    p.pos += 1
                    p.skipSpace()
                    if keys.contains(key) { found[key] = try p.value(depth: 1) } else { try p.skip(depth: 1) }
                    p.skipSpace()
                    guard p.pos < buf.count else { throw p.error("unterminated object") }
                    if buf[p.pos] == UInt8(ascii: ",") { p.pos += 1; continue }
                    if buf[p.pos] == UInt8(ascii: "}") { return found }
                    throw p.error("expected ',' or '}'")
                }
            }
        }.get()
    }
}

extension JSONReader {
    /// Steps over one value: strings (with their escapes), numbers, literals, and arrays and
    /// objects by their brackets.
    mutating func skip(depth: Int) throws(JSONParseError) {
        guard pos < bytes.count else { throw error("unexpected end of input") }
        if depth > JSON.maximumDepth { throw error("nesting deeper than \(JSON.maximumDepth)") }
        switch bytes[pos] {
        case UInt8(ascii: "\""):
            pos += 1
            while pos < bytes.count {
                switch bytes[pos] {
                case UInt8(ascii: "\""): pos += 1; return
                case UInt8(ascii: "\\"): pos += 2
                default: pos += 1
                }
            }
            throw error("unterminated string")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[pos] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            pos += 1
            while true {
                skipSpace()
                guard pos < bytes.count else { throw error("unterminated \(close == UInt8(ascii: "}") ? "object" : "array")") }
                switch bytes[pos] {
                case close: pos += 1; return
                case UInt8(ascii: ","), UInt8(ascii: ":"): pos += 1
                default: try skip(depth: depth + 1)
                }
            }
        default:
            guard pos < bytes.count else { throw error("unexpected end of input") }
            let start = pos
            while pos < bytes.count, !" \t\r\n,]}:".utf8.contains(bytes[pos]) { pos += 1 }
            if pos == start { throw error("unexpected character") }
        }
    }
}
