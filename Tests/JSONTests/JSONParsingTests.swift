import Testing
@testable import JSON

@Suite struct JSONParsingTests {
    @Test func parsesScalarsAndKeepsIntDoubleDistinction() throws {
        #expect(try JSON.parse("42") == .int(42))
        #expect(try JSON.parse("-0.5") == .double(-0.5))
        #expect(try JSON.parse("1e3") == .double(1000))
        #expect(try JSON.parse("true") == .bool(true))
        #expect(try JSON.parse("null") == .null)
        if case .int = try JSON.parse("7") {} else { Issue.record("7 should stay an integer") }
    }

    @Test func objectsKeepInsertionOrder() throws {
        let v = try JSON.parse(#"{"b":1,"a":2,"c":{"z":0,"y":1}}"#)
        #expect(v.object?.keys == ["b", "a", "c"])
        #expect(v.serialized == #"{"b":1,"a":2,"c":{"z":0,"y":1}}"#)
        #expect(v.serialized(sortKeys: true) == #"{"a":2,"b":1,"c":{"y":1,"z":0}}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSON.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
        #expect(try JSON.parse(#""\ud83d""#) == .string("\u{FFFD}"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{01}\"", "tru", "[1] 2", "{\"a\":1,}", "\"\\x\""])
    func rejectsInvalidText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSON.parse(ok)) != nil)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0xFF, 0x22]) }
    }
}
