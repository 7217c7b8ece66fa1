import Support

extension JSON {
    /// Serializes compactly (`{"a":1}`), keys in stored order, slashes not escaped.
    public var serialized: String { serialized() }

    /// Serializes the value. `indent` > 0 pretty-prints with that many spaces per level
    /// (Python's `json.dumps(indent=…)` layout); `sortKeys` orders object members by key.
    public func serialized(indent: Int = 0, sortKeys: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, indent: indent, sortKeys: sortKeys, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Serializes on one line with Python's default separators (`", "` and `": "`), as
    /// `json.dumps(value)` writes it.
    public var pythonSerialized: String {
        switch self {
        case .array(let a): return "[" + a.map(\.pythonSerialized).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.map { JSON.quoted($0.key) + ": " + $0.value.pythonSerialized }.joined(separator: ", ") + "}"
        default: return serialized
        }
    }

    /// Serializes compactly into UTF-8 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out, indent: 0, sortKeys: false, level: 0)
        return out
    }

    func write(into out: inout [UInt8], indent: Int, sortKeys: Bool, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: JSON.format(d).utf8)
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                v.write(into: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            // Members by position: looking each key up again would cost a search per member.
            func member(_ i: Int, first: Bool) {
                if !first { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                JSON.writeString(o.keys[i], into: &out)
                out.append(UInt8(ascii: ":"))
                if indent > 0 { out.append(UInt8(ascii: " ")) }
                o.values[i].write(into: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            if sortKeys {
                // String's own order is fast, and for ASCII keys (the usual case) it is their
                // byte order; where two neighbours are not in byte order, sort again by bytes.
                var order = o.keys.indices.sorted { o.keys[$0] < o.keys[$1] }
                if zip(order, order.dropFirst()).contains(where: { !JSON.keyPrecedes(o.keys[$0], o.keys[$1]) }) {
                    order.sort { JSON.keyPrecedes(o.keys[$0], o.keys[$1]) }
                }
                for (n, i) in order.enumerated() { member(i, first: n == 0) }
            } else {
                for i in o.keys.indices { member(i, first: i == 0) }
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Whether key `a` sorts before `b` by code point, as Python's `sort_keys` sorts: their UTF-8
    /// bytes compared in order (UTF-8 keeps code point order). Not `String`'s `<`, which orders
    /// by Unicode's canonical equivalence: accented keys came out in another order than Python's,
    /// and `é` and `e` + U+0301 (two members to JSON) compared equal.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        var (i, j) = (x.startIndex, y.startIndex)
        while i != x.endIndex && j != y.endIndex {
            let (p, q) = (x[i], y[j])
            if p != q { return p < q }
            x.formIndex(after: &i)
            y.formIndex(after: &j)
        }
        return i == x.endIndex && j != y.endIndex
    }

    static func newline(_ out: inout [UInt8], indent: Int, level: Int) {
        guard indent > 0 else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// Formats a double as JSON: shortest round-trip form, as Python's `repr` writes it;
    /// non-finite values become `null`.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        // Swift writes an exponent from 2^53 on, Python only from 1e16. Doubles between are whole
        // numbers, whose digits are their shortest form.
        if d.magnitude >= 9_007_199_254_740_992, d.magnitude < 1e16 { return "\(Int(d)).0" }
        return "\(d)"
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `s` as a JSON string literal with the minimal escapes.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        // Runs of bytes that need no escape are copied whole (most strings are one such run),
        // found eight bytes at a time.
        s.withUTF8 { bytes in
            var run = 0
            while case let i = nextEscape(in: bytes, from: run), i < bytes.count {
                if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
                writeEscape(bytes[i], into: &out)
                run = i + 1
            }
            if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
        }
        out.append(0x22)
    }

    /// The index of the first byte at or after `start` that a JSON string escapes (a control
    /// character, a quote or a backslash), or `bytes.count`.
    @inline(__always)
    static func nextEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        ByteScan.firstIndex(
            in: bytes, from: start,
            mayMatch: { ByteScan.Word.hasByte(lessThan: 0x20, in: $0) || ByteScan.Word.hasByte(0x22, in: $0) || ByteScan.Word.hasByte(0x5C, in: $0) },
            isMatch: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
    }

    /// The escape for a quote, a backslash or a control character.
    static func writeEscape(_ b: UInt8, into out: inout [UInt8]) {
        out.append(0x5C)
        switch b {
        case 0x22, 0x5C: out.append(b)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default: out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]])
        }
    }

    /// `s` as a quoted JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension JSON: CustomStringConvertible {
    public var description: String { serialized }
}
