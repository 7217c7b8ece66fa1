import JSON

/// The syntax tree of an expression.
indirect enum Node: Sendable {
    case identity
    case current
    case field(String)
    case literal(JSON)
    case subexpression(Node, Node)
    case index(Int)
    case slice(Int?, Int?, Int?)
    case projection(Node, Node)  // left must be an array
    case valueProjection(Node, Node)  // left must be an object
    case filterProjection(Node, Node, Node)
    case flatten(Node)
    case multiSelectList([Node])
    case multiSelectHash([(String, Node)])
    case pipe(Node, Node)
    case or(Node, Node)
    case and(Node, Node)
    case not(Node)
    case comparison(TokenKind, Node, Node)
    case function(String, [Node])
    case expref(Node)
}

extension Node {
    var isExpressionReference: Bool { if case .expref = self { true } else { false } }
}

/// A Pratt parser with the reference implementation's binding powers. It bounds its own
/// recursion and the height of the tree it builds by `JMESPathExpression.maximumDepth`, so that
/// nothing it returns is deep enough to overflow the stack when evaluated or freed (both recurse
/// once per level), including left-nested chains such as `a.b.c…` and `a[0][0]…`, which the
/// parser itself builds in a loop.
///
/// Each token has its rules, small functions that `expression` looks up and calls: an
/// unoptimized build gives every local of a function its own stack slot, and one `switch` over
/// every token took kilobytes of stack per level of nesting.
struct Parser {
    /// A subtree and its height in nodes (a leaf is 1).
    struct Tree {
        var node: Node
        var height: Int

        static func leaf(_ node: Node) -> Tree { Tree(node: node, height: 1) }
    }

    /// What an expression that starts with the token at an index is: given the parser just past that token.
    typealias Prefix = (inout Parser, Int) throws(JMESPathError) -> Tree
    /// What a left side followed by the token at an index is: given the parser just past that token.
    typealias Infix = (inout Parser, Int, Tree) throws(JMESPathError) -> Tree

    var tokens: [Token]
    var i = 0
    /// Calls of `expression` under way.
    var depth = 0

    static func bindingPower(_ k: TokenKind) -> Int {
        switch k {
        case .pipe: 1
        case .or: 2
        case .and: 3
        case .eq, .ne, .lt, .lte, .gt, .gte: 5
        case .flatten: 9
        case .star: 20
        case .filter: 21
        case .dot: 40
        case .not: 45
        case .lbrace: 50
        case .lbracket: 55
        case .lparen: 60
        default: 0
        }
    }

    /// Tokens binding less than this end a projection's right side.
    static let projectionStop = 10

    var kind: TokenKind { tokens[i].kind }
    var position: Int { tokens[i].position }
    func lookahead(_ n: Int) -> TokenKind { tokens[min(i + n, tokens.count - 1)].kind }

    mutating func advance() { if i < tokens.count - 1 { i += 1 } }

    /// Moves past the current token; returns its index.
    mutating func next() -> Int {
        defer { advance() }
        return i
    }

    func tooDeep() -> JMESPathError { .tooDeep(at: position) }

    /// A syntax error at the current token.
    func syntaxError(_ message: String) -> JMESPathError { .syntax(message, at: position) }

    mutating func expect(_ k: TokenKind, _ what: String) throws(JMESPathError) {
        guard kind == k else { throw syntaxError("expected \(what)") }
        advance()
    }

    static func parse(_ text: String) throws(JMESPathError) -> Node {
        var p = Parser(tokens: try Lexer.tokenize(text))
        let tree = try p.expression(0)
        guard p.kind == .eof else { throw p.syntaxError("unexpected token after the expression") }
        return tree.node
    }

    /// `node`, whose subtrees are `children` (leaves may be left out): one level above the
    /// tallest. Refused past the limit, before anything taller exists.
    func build(_ node: Node, over children: [Tree]) throws(JMESPathError) -> Tree {
        let height = 1 + (children.lazy.map(\.height).max() ?? 0)
        guard height <= JMESPathExpression.maximumDepth else { throw .tooDeep(at: position) }
        return Tree(node: node, height: height)
    }

    func build(_ node: Node, over children: Tree...) throws(JMESPathError) -> Tree {
        try build(node, over: children)
    }

    mutating func expression(_ bp: Int) throws(JMESPathError) -> Tree {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JMESPathExpression.maximumDepth else { throw tooDeep() }
        var left = try Parser.prefix(kind)(&self, next())
        while bp < Parser.bindingPower(kind) {
            left = try Parser.infix(kind)(&self, next(), left)
        }
        return left
    }

    static func prefix(_ kind: TokenKind) -> Prefix {
        switch kind {
        case .literal, .identifier, .quotedIdentifier, .current: leaf
        case .star: valueProjection
        case .filter: filter
        case .lbrace: multiSelectHash
        case .lparen: parenthesized
        case .flatten: flatten
        case .not, .expref: prefixed
        case .lbracket: bracketed
        default: unexpected
        }
    }

    static func infix(_ kind: TokenKind) -> Infix {
        switch kind {
        case .dot: dot
        case .pipe, .or, .and, .eq, .ne, .lt, .lte, .gt, .gte: binary
        case .lparen: functionCall
        case .filter: filter
        case .flatten: flatten
        case .lbracket: indexed
        default: unexpected
        }
    }

    static func unexpected(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        throw .syntax("unexpected token", at: p.tokens[at].position)
    }

    static func unexpected(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree {
        try unexpected(&p, at)
    }

    /// `*` at the start of an expression.
    static func valueProjection(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        try p.valueProjection(.leaf(.identity), bindingPower(.star))
    }

    /// `[?` at the start of an expression.
    static func filter(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree { try p.filter(.leaf(.identity)) }
    static func filter(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree { try p.filter(left) }

    /// `[]` at the start of an expression.
    static func flatten(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree { try p.flatten(.leaf(.identity)) }
    static func flatten(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree { try p.flatten(left) }

    static func multiSelectHash(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree { try p.multiSelectHash() }

    static func leaf(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        let t = p.tokens[at]
        switch t.kind {
        case .literal: return .leaf(.literal(t.value))
        case .current: return .leaf(.current)
        case .quotedIdentifier where p.kind == .lparen: throw p.syntaxError("quoted identifiers cannot name functions")
        default: return .leaf(.field(t.value.string ?? ""))
        }
    }

    static func parenthesized(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        let e = try p.expression(0)
        try p.expect(.rparen, "')'")
        return e
    }

    /// `!e` and `&e`.
    static func prefixed(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        let not = p.tokens[at].kind == .not
        let e = try p.expression(bindingPower(not ? .not : .expref))
        return try p.build(not ? .not(e.node) : .expref(e.node), over: e)
    }

    /// `[` at the start of an expression: an index, a slice, `[*]` or a multi-select list.
    static func bracketed(_ p: inout Parser, _ at: Int) throws(JMESPathError) -> Tree {
        if p.kind == .number || p.kind == .colon || (p.kind == .star && p.lookahead(1) == .rbracket) {
            return try indexed(&p, at, .leaf(.identity))
        }
        return try p.multiSelectList()
    }

    /// `|`, `||`, `&&` and the comparisons.
    static func binary(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree {
        let op = p.tokens[at].kind
        let r = try p.expression(bindingPower(op))
        let node: Node =
            switch op {
            case .pipe: .pipe(left.node, r.node)
            case .or: .or(left.node, r.node)
            case .and: .and(left.node, r.node)
            default: .comparison(op, left.node, r.node)
            }
        return try p.build(node, over: left, r)
    }

    /// `name(arguments…)`; the name must be a known function.
    static func functionCall(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree {
        guard case .field(let name) = left.node else { throw .syntax("only names can be called as functions", at: p.tokens[at].position) }
        guard Functions.signatures[name] != nil else { throw .unknownFunction(name) }
        var args: [Tree] = []
        while p.kind != .rparen {
            args.append(try p.expression(0))
            if p.kind == .comma {
                p.advance()
                if p.kind == .rparen { throw p.syntaxError("trailing comma in arguments") }
            } else if p.kind != .rparen {
                throw p.syntaxError("expected ',' or ')'")
            }
        }
        p.advance()
        return try p.build(.function(name, args.map(\.node)), over: args)
    }

    /// `[` after a left side: an index, a slice or `[*]`.
    static func indexed(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree {
        switch p.kind {
        case .number, .colon:
            // The projection after a slice recurses: only this small frame stays on the stack.
            let (tree, isSlice) = try p.indexOrSlice(left)
            return isSlice ? try p.projection(tree) : tree
        case .star where p.lookahead(1) == .rbracket:
            p.advance(); p.advance()
            return try p.projection(left)
        default: throw p.syntaxError("expected an index, a slice or '*'")
        }
    }

    static func dot(_ p: inout Parser, _ at: Int, _ left: Tree) throws(JMESPathError) -> Tree {
        if p.kind == .star {
            p.advance()
            return try p.valueProjection(left, bindingPower(.dot))
        }
        let r = try p.dotRHS(bindingPower(.dot))
        return try p.build(.subexpression(left.node, r.node), over: left, r)
    }

    /// `left[*]` and what follows it.
    mutating func projection(_ left: Tree) throws(JMESPathError) -> Tree {
        let r = try projectionRHS(Parser.bindingPower(.star))
        return try build(.projection(left.node, r.node), over: left, r)
    }

    /// `left.*` (or `*` alone) and what follows it.
    mutating func valueProjection(_ left: Tree, _ bp: Int) throws(JMESPathError) -> Tree {
        let r = try projectionRHS(bp)
        return try build(.valueProjection(left.node, r.node), over: left, r)
    }

    /// `left[]` and what follows it.
    mutating func flatten(_ left: Tree) throws(JMESPathError) -> Tree {
        let flat = try build(.flatten(left.node), over: left)
        let r = try projectionRHS(Parser.bindingPower(.flatten))
        return try build(.projection(flat.node, r.node), over: flat, r)
    }

    mutating func filter(_ left: Tree) throws(JMESPathError) -> Tree {
        let condition = try expression(0)
        try expect(.rbracket, "']'")
        let r = try projectionRHS(Parser.bindingPower(.filter))
        return try build(.filterProjection(left.node, r.node, condition.node), over: left, r, condition)
    }

    /// `left[n]`, or `left[start:stop:step]` without the projection that follows a slice.
    mutating func indexOrSlice(_ left: Tree) throws(JMESPathError) -> (Tree, isSlice: Bool) {
        let parts = try sliceParts()
        if parts.count == 1 {
            guard let n = parts[0] else { throw syntaxError("expected an index") }
            return (try build(.subexpression(left.node, .index(n)), over: left), false)
        }
        return (try build(.subexpression(left.node, .slice(parts[0], parts[1], parts.count > 2 ? parts[2] : nil)), over: left), true)
    }

    /// The numbers of `[n]` or `[start:stop:step]` (each may be missing), up to the `]`.
    mutating func sliceParts() throws(JMESPathError) -> [Int?] {
        var parts: [Int?] = [nil]
        while kind != .rbracket {
            switch kind {
            case .colon:
                if parts.count == 3 { throw syntaxError("too many colons in a slice") }
                parts.append(nil)
            case .number:
                if parts[parts.count - 1] != nil { throw syntaxError("expected ':' or ']'") }
                parts[parts.count - 1] = tokens[i].value.int
            default: throw syntaxError("expected a number, ':' or ']'")
            }
            advance()
        }
        advance()
        return parts
    }

    mutating func projectionRHS(_ bp: Int) throws(JMESPathError) -> Tree {
        if Parser.bindingPower(kind) < Parser.projectionStop { return .leaf(.identity) }
        switch kind {
        case .lbracket, .filter: return try expression(bp)
        case .dot:
            advance()
            return try dotRHS(bp)
        default: throw syntaxError("unexpected token after a projection")
        }
    }

    mutating func dotRHS(_ bp: Int) throws(JMESPathError) -> Tree {
        switch kind {
        case .identifier, .quotedIdentifier, .star: return try expression(bp)
        case .lbracket:
            advance()
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        default: throw syntaxError("expected an identifier, '*', '[' or '{' after '.'")
        }
    }

    mutating func multiSelectList() throws(JMESPathError) -> Tree {
        var items: [Tree] = []
        repeat {
            if kind == .rbracket { throw syntaxError("empty element in a multi-select list") }
            items.append(try expression(0))
            if kind == .comma { advance(); continue }
            try expect(.rbracket, "',' or ']'")
            break
        } while true
        return try build(.multiSelectList(items.map(\.node)), over: items)
    }

    mutating func multiSelectHash() throws(JMESPathError) -> Tree {
        var keys: [String] = []
        var values: [Tree] = []
        repeat {
            guard kind == .identifier || kind == .quotedIdentifier, let key = tokens[i].value.string else {
                throw syntaxError("expected a key in a multi-select hash")
            }
            keys.append(key)
            advance()
            try expect(.colon, "':'")
            values.append(try expression(0))
            if kind == .comma { advance(); continue }
            try expect(.rbrace, "',' or '}'")
            break
        } while true
        return try build(.multiSelectHash(Array(zip(keys, values.map(\.node)))), over: values)
    }
}
