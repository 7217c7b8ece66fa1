/// A Globus Auth scope with optional dependent scopes: `name`, `*name` (optional) and
/// `name[dep *dep2[sub]]`.
public struct Scope: Hashable, Sendable, CustomStringConvertible {
    /// The scope string.
    public let name: String
    /// Whether consent to it may be declined (`*name`, as a dependency).
    public let optional: Bool
    /// Scopes consented through this one (`name[dep …]`).
    public let dependencies: [Scope]

    /// A scope without special characters in its name (`[`, `]`, `*` or a space, wherever they
    /// stand: the parser splits at those bytes even before a combining character).
    public init(_ name: String, optional: Bool = false, dependencies: [Scope] = []) {
        precondition(!name.utf8.contains { ScopeParser.isMark($0) }, "Scope names may not contain '[]* '; use ScopeParser.parse")
        self.name = name
        self.optional = optional
        self.dependencies = dependencies
    }

    /// This scope with one more dependency.
    public func withDependency(_ s: Scope) -> Scope { Scope(name, optional: optional, dependencies: dependencies + [s]) }
    /// This scope with more dependencies.
    public func withDependencies(_ s: [Scope]) -> Scope { Scope(name, optional: optional, dependencies: dependencies + s) }
    /// This scope marked optional or required.
    public func withOptional(_ o: Bool) -> Scope { Scope(name, optional: o, dependencies: dependencies) }

    /// `*name[dep …]`.
    public var description: String {
        (optional ? "*" : "") + name + (dependencies.isEmpty ? "" : "[" + dependencies.map(\.description).joined(separator: " ") + "]")
    }

    /// Parses a string holding exactly one scope.
    public static func parse(_ text: String) throws(ScopeParseError) -> Scope {
        let all = try ScopeParser.parse(text)
        guard all.count == 1 else { throw ScopeParseError("'\(text)' must contain exactly one scope, found \(all.count)") }
        return all[0]
    }
}

/// A malformed scope string. Messages match the Python SDK's.
public struct ScopeParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong with the string.
    public let message: String
    /// True for a dependency cycle (`a[b] b[a]`).
    public let isCycle: Bool
    init(_ message: String, cycle: Bool = false) { self.message = message; isCycle = cycle }
    /// The message.
    public var description: String { message }
}

/// Parses, merges and serializes scope strings like Globus Auth reads them: through a graph
/// keyed by scope name, so repeated scopes and their dependencies merge, and a required edge
/// supersedes an optional one. Unlike the Python SDK, the order of the result is stable
/// (first appearance).
public enum ScopeParser {
    /// Parses a space-separated list of scopes.
    public static func parse(_ text: String) throws(ScopeParseError) -> [Scope] {
        let trees = try parseTrees(tokenize(text))
        // The graph: top-level (name, optional) pairs and (src, dest, optional) edges, in first-seen order.
        var tops: [(String, Bool)] = []
        var edges: [String: [(String, Bool)]] = [:]
        func visit(_ t: Tree) {
            for d in t.deps {
                if !(edges[t.name] ?? []).contains(where: { $0 == (d.name, d.optional) }) { edges[t.name, default: []].append((d.name, d.optional)) }
                visit(d)
            }
        }
        for t in trees {
            if !tops.contains(where: { $0 == (t.name, t.optional) }) { tops.append((t.name, t.optional)) }
            visit(t)
        }
        for (src, list) in edges {
            edges[src] = list.filter { e in !(e.1 && list.contains { $0 == (e.0, false) }) }
        }
        // Cycle check (depth first from the roots).
        var state: [String: Int] = [:]  // 1 on path, 2 done
        func dfs(_ n: String) throws(ScopeParseError) {
            state[n] = 1
            for (d, _) in edges[n] ?? [] {
                if state[d] == 1 { throw ScopeParseError("A cycle was found involving '\(d)'", cycle: true) }
                if state[d] == nil { try dfs(d) }
            }
            state[n] = 2
        }
        for (n, _) in tops where state[n] == nil { try dfs(n) }
        func build(_ n: String, _ optional: Bool) -> Scope {
            let deps = (edges[n] ?? []).map { build($0.0, $0.1) }
            return Scope(uncheckedName: n, optional: optional, dependencies: deps)
        }
        return tops.map { build($0.0, $0.1) }
    }

    /// Merges two lists by parsing them as one scope string.
    public static func merge(_ a: [Scope], _ b: [Scope]) -> [Scope] {
        (try? parse((a + b).map(\.description).joined(separator: " "))) ?? a + b
    }

    /// Joins scopes with spaces, without parsing or merging.
    public static func serialize(_ scopes: [Scope]) -> String { scopes.map(\.description).joined(separator: " ") }

    struct Tree { var name: String; var optional: Bool; var deps: [Tree] }

    /// How deep dependent scopes may nest (Globus's own go three or four levels deep): a deeper
    /// string, from a cell or a service's answer, is refused before it costs time or stack.
    public static let maximumDepth = 32
    /// How long a scope string may be, in UTF-8 bytes.
    public static let maximumLength = 64 << 10

    /// The scope names and the marks `[`, `]` and `*` of `text`, split at those marks and at spaces,
    /// as the Python SDK's tokenizer splits them. The marks are ASCII, so the text is split by UTF-8
    /// byte (Python splits by code point, which is the same): a mark followed by a combining
    /// character is still a mark.
    static func tokenize(_ text: String) throws(ScopeParseError) -> [String] {
        guard text.utf8.count <= ScopeParser.maximumLength else {
            throw ScopeParseError("a scope string of \(text.utf8.count) bytes is longer than \(ScopeParser.maximumLength)")
        }
        let (open, close, star, space) = (UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "*"), UInt8(ascii: " "))
        let bytes = Array(text.utf8)
        var tokens: [String] = []
        var start = 0
        for (i, c) in bytes.enumerated() where isMark(c) {
            let next: UInt8? = i + 1 < bytes.count ? bytes[i + 1] : nil
            if c == star && next == space { throw ScopeParseError("'*' must not be followed by a space") }
            if c == close, let n = next, n != space && n != close { throw ScopeParseError("']' may only be followed by a space or ']'") }
            if c == space && next == open { throw ScopeParseError("'[' cannot have a preceding space") }
            if start != i { tokens.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
            start = i + 1
            if c != space { tokens.append(String(UnicodeScalar(c))) }
        }
        // What follows the last mark or space, without the white space around it (Python's `strip`).
        let rest = String(decoding: bytes[start...], as: UTF8.self).unicodeScalars
        if let first = rest.firstIndex(where: { !isPythonSpace($0) }), let last = rest.lastIndex(where: { !isPythonSpace($0) }) {
            tokens.append(String(rest[first...last]))
        }
        return tokens
    }

    /// Whether `b` is one of the bytes a scope string is split at: `[`, `]`, `*` and space.
    static func isMark(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "*") || b == UInt8(ascii: " ")
    }

    /// Whether Python's `str.isspace` holds for `c` (what its `strip()` takes away): the ASCII
    /// controls \t to \r and \u{1C} to \u{1F}, and Unicode's spaces and line and paragraph separators.
    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    static func parseTrees(_ tokens: [String]) throws(ScopeParseError) -> [Tree] {
        // Parent stack of paths into `roots` so dependencies can be appended in place.
        var roots: [Tree] = []
        var stack: [[Int]] = []
        var current: [Int]?
        var optional = false
        func append(_ t: Tree, under path: [Int]?) -> [Int] {
            guard let path else { roots.append(t); return [roots.count - 1] }
            func add(_ nodes: inout [Tree], _ p: ArraySlice<Int>) -> Int {
                if p.count == 1 { nodes[p.first!].deps.append(t); return nodes[p.first!].deps.count - 1 }
                return add(&nodes[p.first!].deps, p.dropFirst())
            }
            return path + [add(&roots, path[...])]
        }
        for (i, token) in tokens.enumerated() {
            let next: String? = i + 1 < tokens.count ? tokens[i + 1] : nil
            switch token {
            case "*":
                guard let next else { throw ScopeParseError("ended in optional marker") }
                if next == "[" || next == "]" || next == "*" { throw ScopeParseError("a scope string must always follow an optional marker") }
                optional = true
            case "[":
                if next == nil { throw ScopeParseError("ended in left bracket") }
                if next == "]" { throw ScopeParseError("found empty brackets") }
                if next == "[" { throw ScopeParseError("found double left-bracket") }
                guard let c = current else { throw ScopeParseError("found '[' without a preceding scope string") }
                guard stack.count < ScopeParser.maximumDepth else {
                    throw ScopeParseError("scopes nest more than \(ScopeParser.maximumDepth) levels deep")
                }
                stack.append(c)
            case "]":
                guard !stack.isEmpty else { throw ScopeParseError("found ']' with no matching '[' preceding it") }
                stack.removeLast()
            default:
                current = append(Tree(name: token, optional: optional, deps: []), under: stack.last)
                optional = false
            }
        }
        if !stack.isEmpty { throw ScopeParseError("unclosed brackets, missing ']'") }
        return roots
    }
}

extension Scope {
    /// A scope whose name is not checked for `[]* `: for names the parser made, and for names
    /// built from an id a caller or a service gave (a malformed id then makes a scope Auth
    /// refuses, never a stopped process).
    init(uncheckedName: String, optional: Bool = false, dependencies: [Scope] = []) {
        name = uncheckedName
        self.optional = optional
        self.dependencies = dependencies
    }
}
