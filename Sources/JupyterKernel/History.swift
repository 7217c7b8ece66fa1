import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// The cells run in this kernel session, for `history_request` (tail, range, search).
public struct History: Sendable {
    /// The session number reported in entries (the current session).
    public let session = 1

    struct Entry: Sendable {
        var line: Int
        var input: String
        var output: String?
    }

    private(set) var entries: [Entry] = []

    public init() {}

    /// Records cell `line` with its input and its `execute_result` text, if any.
    public mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    /// The reply's `history` list for a request's content.
    public func answer(_ content: JSON) -> [JSON] {
        let withOutput = content["output"]?.bool ?? false
        let n = content["n"]?.int ?? 0
        var picked: [Entry]
        switch content["hist_access_type"]?.string ?? "tail" {
        case "range":
            let s = content["session"]?.int ?? 0
            guard s == 0 || s == session else { return [] }
            let start = content["start"]?.int ?? 0
            let stop = content["stop"]?.int ?? Int.max
            picked = entries.filter { $0.line >= start && $0.line < stop }
        case "search":
            let pattern = content["pattern"]?.string ?? "*"
            picked = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if content["unique"]?.bool ?? false {
                var seen = Set<String>()
                picked = picked.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if n > 0 { picked = Array(picked.suffix(n)) }
        default:
            picked = n > 0 ? Array(entries.suffix(n)) : []
        }
        return picked.map { e in
            let cell: JSON = withOutput ? .array([.string(e.input), e.output.map(JSON.string) ?? .null]) : .string(e.input)
            return .array([.int(session), .int(e.line), cell])
        }
    }
}
