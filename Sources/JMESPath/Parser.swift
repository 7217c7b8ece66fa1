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
    case projection(Node, Node)          // left must be an array
    case valueProjection(Node, Node)     // left must be an object
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

/// A Pratt parser with the reference implementation's binding powers.
struct Parser {
    var tokens: [Token]
    var i = 0

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

    var current: Token { tokens[i] }
    func lookahead(_ n: Int) -> TokenKind { tokens[min(i + n, tokens.count - 1)].kind }

    mutating func advance() { if i < tokens.count - 1 { i += 1 } }

    mutating func expect(_ k: TokenKind, _ what: String) throws(JMESPathError) {
        guard current.kind == k else { throw .syntax("expected \(what)", at: current.position) }
        advance()
    }

    static func parse(_ text: String) throws(JMESPathError) -> Node {
        var p = Parser(tokens: try Lexer.tokenize(text))
        let n = try p.expression(0)
        guard p.current.kind == .eof else { throw .syntax("unexpected token after the expression", at: p.current.position) }
        return n
    }

    mutating func expression(_ bp: Int) throws(JMESPathError) -> Node {
        let t = current
        advance()
        var left = try nud(t)
        while bp < Parser.bindingPower(current.kind) {
            let op = current
            advance()
            left = try led(op, left)
        }
        return left
    }

    mutating func nud(_ t: Token) throws(JMESPathError) -> Node {
        switch t.kind {
        case .literal(let v): return .literal(v)
        case .identifier(let n): return .field(n)
        case .quotedIdentifier(let n):
            if current.kind == .lparen { throw .syntax("quoted identifiers cannot name functions", at: current.position) }
            return .field(n)
        case .star: return .valueProjection(.identity, try projectionRHS(Parser.bindingPower(.star)))
        case .filter: return try filter(.identity)
        case .lbrace: return try multiSelectHash()
        case .lparen:
            let e = try expression(0)
            try expect(.rparen, "')'")
            return e
        case .flatten: return .projection(.flatten(.identity), try projectionRHS(Parser.bindingPower(.flatten)))
        case .not: return .not(try expression(Parser.bindingPower(.not)))
        case .lbracket:
            switch current.kind {
            case .number, .colon: return try indexOrSlice(.identity)
            case .star where lookahead(1) == .rbracket:
                advance(); advance()
                return .projection(.identity, try projectionRHS(Parser.bindingPower(.star)))
            default: return try multiSelectList()
            }
        case .current: return .current
        case .expref: return .expref(try expression(Parser.bindingPower(.expref)))
        default: throw .syntax("unexpected token", at: t.position)
        }
    }

    mutating func led(_ t: Token, _ left: Node) throws(JMESPathError) -> Node {
        switch t.kind {
        case .dot:
            if current.kind == .star {
                advance()
                return .valueProjection(left, try projectionRHS(Parser.bindingPower(.dot)))
            }
            return .subexpression(left, try dotRHS(Parser.bindingPower(.dot)))
        case .pipe: return .pipe(left, try expression(Parser.bindingPower(.pipe)))
        case .or: return .or(left, try expression(Parser.bindingPower(.or)))
        case .and: return .and(left, try expression(Parser.bindingPower(.and)))
        case .eq, .ne, .lt, .lte, .gt, .gte: return .comparison(t.kind, left, try expression(Parser.bindingPower(t.kind)))
        case .lparen:
            guard case .field(let name) = left else { throw .syntax("only names can be called as functions", at: t.position) }
            var args: [Node] = []
            while current.kind != .rparen {
                args.append(try expression(0))
                if current.kind == .comma {
                    advance()
                    if current.kind == .rparen { throw .syntax("trailing comma in arguments", at: current.position) }
                } else if current.kind != .rparen {
                    throw .syntax("expected ',' or ')'", at: current.position)
                }
            }
            advance()
            return .function(name, args)
        case .filter: return try filter(left)
        case .flatten: return .projection(.flatten(left), try projectionRHS(Parser.bindingPower(.flatten)))
        case .lbracket:
            switch current.kind {
            case .number, .colon: return try indexOrSlice(left)
            case .star where lookahead(1) == .rbracket:
                advance(); advance()
                return .projection(left, try projectionRHS(Parser.bindingPower(.star)))
            default: throw .syntax("expected an index, a slice or '*'", at: current.position)
            }
        default: throw .syntax("unexpected token", at: t.position)
        }
    }

    mutating func filter(_ left: Node) throws(JMESPathError) -> Node {
        let condition = try expression(0)
        try expect(.rbracket, "']'")
        return .filterProjection(left, try projectionRHS(Parser.bindingPower(.filter)), condition)
    }

    mutating func indexOrSlice(_ left: Node) throws(JMESPathError) -> Node {
        var parts: [Int?] = [nil, nil, nil]
        var part = 0
        var sawNumber = false
        while current.kind != .rbracket {
            switch current.kind {
            case .colon:
                part += 1
                if part > 2 { throw .syntax("too many colons in a slice", at: current.position) }
                sawNumber = false
            case .number(let n):
                if sawNumber { throw .syntax("expected ':' or ']'", at: current.position) }
                parts[part] = n
                sawNumber = true
            default: throw .syntax("expected a number, ':' or ']'", at: current.position)
            }
            advance()
        }
        advance()
        if part == 0 {
            guard let n = parts[0] else { throw .syntax("expected an index", at: current.position) }
            return .subexpression(left, .index(n))
        }
        return .projection(.subexpression(left, .slice(parts[0], parts[1], parts[2])), try projectionRHS(Parser.bindingPower(.star)))
    }

    mutating func projectionRHS(_ bp: Int) throws(JMESPathError) -> Node {
        if Parser.bindingPower(current.kind) < 10 { return .identity }
        switch current.kind {
        case .lbracket, .filter: return try expression(bp)
        case .dot:
            advance()
            return try dotRHS(bp)
        default: throw .syntax("unexpected token after a projection", at: current.position)
        }
    }

    mutating func dotRHS(_ bp: Int) throws(JMESPathError) -> Node {
        switch current.kind {
        case .identifier, .quotedIdentifier, .star: return try expression(bp)
        case .lbracket:
            advance()
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        default: throw .syntax("expected an identifier, '*', '[' or '{' after '.'", at: current.position)
        }
    }

    mutating func multiSelectList() throws(JMESPathError) -> Node {
        var items: [Node] = []
        repeat {
            if current.kind == .rbracket { throw .syntax("empty element in a multi-select list", at: current.position) }
            items.append(try expression(0))
            if current.kind == .comma { advance(); continue }
            try expect(.rbracket, "',' or ']'")
            break
        } while true
        return .multiSelectList(items)
    }

    mutating func multiSelectHash() throws(JMESPathError) -> Node {
        var pairs: [(String, Node)] = []
        repeat {
            let key: String
            switch current.kind {
            case .identifier(let n), .quotedIdentifier(let n): key = n
            default: throw .syntax("expected a key in a multi-select hash", at: current.position)
            }
            advance()
            try expect(.colon, "':'")
            pairs.append((key, try expression(0)))
            if current.kind == .comma { advance(); continue }
            try expect(.rbrace, "',' or '}'")
            break
        } while true
        return .multiSelectHash(pairs)
    }
}
