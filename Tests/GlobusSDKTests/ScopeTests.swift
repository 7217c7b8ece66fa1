import JSON
import PropertyBased
import Testing
@testable import GlobusSDK

@Suite struct ScopeTests {
    @Test func parsesAndSerializes() throws {
        #expect(try ScopeParser.parse("").isEmpty)
        #expect(try ScopeParser.parse("  a   b ").map(\.description) == ["a", "b"])
        #expect(try ScopeParser.parse("a[b *c[d]]").map(\.description) == ["a[b *c[d]]"])
        // Nesting and length are bounded (a cell's --scope, a service's required_scopes).
        func nested(_ depth: Int) -> String { (0..<depth).map { "s\($0)[" }.joined() + "b" + String(repeating: "]", count: depth) }
        #expect(try ScopeParser.parse(nested(ScopeParser.maximumDepth)).count == 1)
        #expect(throws: ScopeParseError.self) { try ScopeParser.parse(nested(ScopeParser.maximumDepth + 1)) }
        #expect(throws: ScopeParseError.self) { try ScopeParser.parse(nested(30_000)) }
        #expect(throws: ScopeParseError.self) { try ScopeParser.parse(String(repeating: "a ", count: ScopeParser.maximumLength)) }
        #expect(try Scope.parse("*x").optional)
    }

    @Test func mergesByName() throws {
        #expect(try ScopeParser.parse("a b a").map(\.description) == ["a", "b"])
        #expect(try ScopeParser.parse("openid openid").map(\.description) == ["openid"])
        #expect(try ScopeParser.parse("a[b] a[c]").map(\.description) == ["a[b c]"])
        #expect(try ScopeParser.parse("a[b] c[b[x]]").map(\.description) == ["a[b[x]]", "c[b[x]]"])
        #expect(try ScopeParser.parse("a[*b] a[b]").map(\.description) == ["a[b]"])
        #expect(try ScopeParser.parse("*a a").map(\.description) == ["*a", "a"])
        let merged = ScopeParser.merge([try Scope.parse("t[*d1]")], [try Scope.parse("t[*d2]"), Scope("openid")])
        #expect(merged.map(\.description) == ["t[*d1 *d2]", "openid"])
    }

    @Test(arguments: [
        ("a* b", "'*' must not be followed by a space"),
        ("a[b]c", "']' may only be followed by a space or ']'"),
        ("a [b]", "'[' cannot have a preceding space"),
        ("a *", "ended in optional marker"),
        ("*[a]", "a scope string must always follow an optional marker"),
        ("a[", "ended in left bracket"),
        ("a[]", "found empty brackets"),
        ("a[[b]]", "found double left-bracket"),
        ("[a]", "found '[' without a preceding scope string"),
        ("a[b]]", "found ']' with no matching '[' preceding it"),
        ("a[b", "unclosed brackets, missing ']'"),
        ("a[b] b[a]", "A cycle was found involving 'a'")
    ])
    func errorMessages(_ input: String, _ message: String) {
        #expect(throws: ScopeParseError.self) { try ScopeParser.parse(input) }
        do { _ = try ScopeParser.parse(input) } catch { #expect(error.message == message) }
    }

    /// Cases run through the Python SDK's tokenizer (globus_sdk 4.10, `scopes._graph_parser._tokenize`)
    /// and written down with its answers: combining marks, white space Python strips at the end.
    @Test(arguments: [
        ("a\t", ["a"]), ("a\u{A0}", ["a"]), ("a\u{1C}", ["a"]), (" a ", ["a"]), ("a\u{2028}", ["a"]),
        ("a[\u{301}b]", ["a", "[", "\u{301}b", "]"]), ("\u{301}[b]", ["\u{301}", "[", "b", "]"]),
        ("é[ü *ö]", ["é", "[", "ü", "*", "ö", "]"]), ("a\tb c", ["a\tb", "c"])
    ])
    func tokenizesAsThePythonSDKDoes(_ input: String, _ tokens: [String]) throws {
        #expect(try ScopeParser.tokenize(input) == tokens)
    }

    @Test func aMarkBeforeACombiningCharacterIsStillAMark() {
        for input in ["a]\u{301}", "a[b]\n"] {
            #expect(throws: ScopeParseError.self) { try ScopeParser.tokenize(input) }
            do { _ = try ScopeParser.tokenize(input) } catch { #expect(error.message == "']' may only be followed by a space or ']'") }
        }
    }

    /// The tokenizer, which splits UTF-8 bytes, against Python's algorithm written out over code
    /// points (`python` below), for random text of marks, spaces, white space and other characters.
    @Test func tokensAreThoseOfPythonsAlgorithmForAnyText() async {
        let pieces: [Unicode.Scalar] = ["[", "]", "*", " ", " ", "a", "b", "\t", "\n", "\u{A0}", "\u{1C}", "\u{301}", "é", "\u{2028}", "\u{3000}", "😀"]
        let text = Gen<Int>.int(in: 0...(pieces.count - 1)).map { pieces[$0] }.array(of: 0...12).map { String(String.UnicodeScalarView($0)) }
        await propertyCheck(count: 3000, input: text) { input in
            let ours: Tokenized
            do throws(ScopeParseError) { ours = .tokens(try ScopeParser.tokenize(input)) } catch { ours = .refused(error.message) }
            #expect(ours.scalars == python(input).scalars, "\(input.debugDescription)")
        }
    }

    enum Tokenized: Equatable {
        case tokens([String])
        case refused(String)

        /// The tokens as Unicode scalars (String's `==` would take é and e + U+0301 as equal).
        var scalars: [[Unicode.Scalar]] {
            switch self {
            case .tokens(let t): t.map { Array($0.unicodeScalars) }
            case .refused(let m): [Array(("refused: " + m).unicodeScalars)]
            }
        }
    }

    /// What Python 3.11's `str.isspace` holds for (`[c for c in map(chr, range(0x110000)) if c.isspace()]`).
    let pythonSpaces: Set<Unicode.Scalar> = [
        "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{1C}", "\u{1D}", "\u{1E}", "\u{1F}", " ", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}",
        "\u{2001}", "\u{2002}", "\u{2003}", "\u{2004}", "\u{2005}", "\u{2006}", "\u{2007}", "\u{2008}", "\u{2009}", "\u{200A}",
        "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"
    ]

    /// Python's `_tokenize` (globus_sdk 4.10), line by line, over Unicode scalars.
    func python(_ text: String) -> Tokenized {
        let chars = Array(text.unicodeScalars)
        var tokens: [String] = []
        var start = 0
        for (i, c) in chars.enumerated() where "[]* ".unicodeScalars.contains(c) {
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "*" && next == " " { return .refused("'*' must not be followed by a space") }
            if c == "]", let n = next, n != " " && n != "]" { return .refused("']' may only be followed by a space or ']'") }
            if c == " " && next == "[" { return .refused("'[' cannot have a preceding space") }
            if start != i { tokens.append(String(String.UnicodeScalarView(chars[start..<i]))) }
            start = i + 1
            if c != " " { tokens.append(String(c)) }
        }
        let rest = chars[start...].drop(while: pythonSpaces.contains).reversed().drop(while: pythonSpaces.contains).reversed()
        if !rest.isEmpty { tokens.append(String(String.UnicodeScalarView(rest))) }
        return .tokens(tokens)
    }

    /// Only a UUID is taken for the flow a Flows path runs; ids made into scopes never trap.
    @Test func aFlowIdThatIsNotAUUIDMakesNoScope() {
        #expect(Scopes.flowActedOn(path: "flows/aaaaaaaa-bbbb-cccc-dddd-eeee [ffffff/run") == nil)
        #expect(Scopes.flowActedOn(path: "flows/6c54cade-bde5-45c1-bdea-f4bd71dba2cc/run") == "6c54cade-bde5-45c1-bdea-f4bd71dba2cc")
        #expect(SpecificFlowScopes("a b[c").user.name == "https://auth.globus.org/scopes/a b[c/flow_a b[c_user")
        #expect(GCSCollectionScopes("x y").dataAccess.name == "https://auth.globus.org/scopes/x y/data_access")
        #expect(GCSEndpointScopes("e*").manageCollections.name == "urn:globus:auth:scope:e*:manage_collections")
    }

    @Test func resourceServers() {
        #expect(Scopes.resourceServer(of: "openid") == "auth.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.transferAll) == "transfer.api.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.flowsAll) == "flows.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.timers) == Scopes.timersResourceServer)
        #expect(Scopes.transferDataAccess(["c1"]).description == "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]")
    }
}
