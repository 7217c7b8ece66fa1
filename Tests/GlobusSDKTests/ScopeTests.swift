import JSON
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

    @Test func resourceServers() {
        #expect(Scopes.resourceServer(of: "openid") == "auth.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.transferAll) == "transfer.api.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.flowsAll) == "flows.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.timers) == Scopes.timersResourceServer)
        #expect(Scopes.transferDataAccess(["c1"]).description == "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]")
    }
}
