import Testing
@testable import JSON

@Suite struct JSONSerializingTests {
    @Test func escapesOnlyWhatJSONRequires() {
        #expect(JSON.string("a/b \"q\" \\ \n\t\u{01} é").serialized == #""a/b \"q\" \\ \n\t\u0001 é""#)
        // Escapes first, last and back to back, between runs copied whole.
        #expect(JSON.string("\r\u{08}\u{0C}x\u{1F}\"").serialized == #""\r\b\fx\u001f\"""#)
        #expect(JSON.string("").serialized == #""""#)
    }

    /// Any string, of every byte kind at every position (the serializer passes over plain text
    /// eight bytes at a time), is written as a byte-by-byte escaper writes it, and parses back.
    @Test func anyStringIsEscapedAsByteByByte() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let pieces = ["a", "b", "\"", "\\", "\n", "\u{01}", "\u{1F}", " ", "~", "\u{7F}", "é", "日", "😀", "/"]
        for _ in 0..<5_000 {
            let s = (0..<next(40)).map { _ in pieces[next(pieces.count)] }.joined()
            var expected: [UInt8] = [0x22]
            for b in s.utf8 {
                if b < 0x20 || b == 0x22 || b == 0x5C { JSON.writeEscape(b, into: &expected) } else { expected.append(b) }
            }
            expected.append(0x22)
            #expect(Array(JSON.string(s).serialized.utf8) == expected, "\(s.debugDescription)")
            #expect(try JSON.parse(JSON.string(s).serialized) == .string(s))
        }
    }

    @Test func membersAreFoundWithoutParsingTheRest() throws {
        let text = #"{"DATA": [{"p": "a\"]}{", "n": [1, -2.5e3, true, null, {"x": {}}]}], "s": "}\\", "next_marker": "m2", "has_next_page": false}"#
        let m = try JSON.members(["next_marker", "has_next_page", "absent"], of: Array(text.utf8))
        #expect(m == ["next_marker": "m2", "has_next_page": false])
        #expect(try JSON.members(["a"], of: Array("{}".utf8)).isEmpty)
        // Not an object, cut short, or broken where a value should be: errors, as parse gives.
        for bad in ["[1]", #"{"DATA": [1, 2"#, #"{"s": "open"#, #"{"a": }"#, #"{"a" 1}"#, ""] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSON.members(["a"], of: Array(bad.utf8)) }
        }
    }

    /// `sortKeys` orders members as Python's `sort_keys` does, by code point, for any keys:
    /// keys made of ASCII, accented letters precomposed and decomposed (canonically equal to
    /// `String`, two members to JSON), CJK and characters beyond the BMP.
    @Test func sortedKeysAreInCodePointOrderAsPythonSortsThem() throws {
        let pieces = ["a", "B", "z", "_", "1", "é", "e\u{301}", "\u{301}", "ä", "ß", "字", "😀", "\u{10FFFF}", "\u{FFFF}", " "]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<300 {
            var object = JSONObject()
            for _ in 0..<(1 + next(8)) {
                let key = (0..<(1 + next(4))).map { _ in pieces[next(pieces.count)] }.joined()
                object[key] = .int(next(100))
            }
            let written = JSON.object(object).serialized(sortKeys: true)
            guard case .object(let back) = try JSON.parse(written) else { Issue.record("not an object: \(written)"); return }
            let codePointOrder = object.keys.sorted { $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
            #expect(back.keys == codePointOrder, "\(written)")
            #expect(back.count == object.count)
        }
        // The two spellings of é are two members, the decomposed one first (U+0065 < U+00E9).
        let twoSpellings: JSON = ["\u{E9}": 1, "e\u{301}": 2]
        #expect(twoSpellings.serialized(sortKeys: true) == "{\"e\u{301}\":2,\"\u{E9}\":1}")
    }

    @Test func prettyPrintsLikePython() {
        let v: JSON = ["a": [1, 2], "b": [:], "c": []]
        #expect(v.serialized(indent: 2) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }

    @Test func roundTrips() throws {
        let text = #"{"data":[{"id":"x","n":1.5,"ok":false,"none":null,"nested":{"k":[1,"2",3.25e-05]}}]}"#
        let v = try JSON.parse(text)
        #expect(try JSON.parse(v.serialized) == v)
    }

    /// Python's `repr`: an exponent only from 1e16 (Swift's own form has one from 2^53).
    @Test func doublesAreWrittenAsPythonWritesThem() {
        let forms: [(Double, String)] = [
            (9.5e15, "9500000000000000.0"), (-9_007_199_254_740_994, "-9007199254740994.0"),
            (1e16, "1e+16"), (1e15, "1000000000000000.0"), (0.1, "0.1"), (1e-5, "1e-05"), (-0.0, "-0.0")
        ]
        for (d, text) in forms { #expect(JSON.double(d).serialized == text) }
    }

    @Test func nonFiniteDoublesBecomeNull() {
        #expect(JSON.double(.infinity).serialized == "null")
    }

    @Test func equalityIgnoresKeyOrderAndNumberKind() throws {
        #expect(try JSON.parse(#"{"a":1,"b":2}"#) == JSON.parse(#"{"b":2.0,"a":1}"#))
        #expect(JSON.string("1") != JSON.int(1))
    }

    /// Integers compare exactly, with each other and with doubles: not through a rounding to Double.
    @Test func numbersCompareByExactValue() throws {
        let twoTo53 = 9_007_199_254_740_992
        #expect(JSON.int(twoTo53 + 1) != .int(twoTo53))
        #expect(JSON.int(twoTo53 + 1) != .double(Double(twoTo53)))
        #expect(JSON.int(twoTo53) == .double(Double(twoTo53)))
        #expect(JSON.int(Int.max) != .double(9_223_372_036_854_775_808.0))
        #expect(JSON.int(Int.min) == .double(-9_223_372_036_854_775_808.0))
        #expect(try JSON.parse("[9007199254740993]") != JSON.parse("[9007199254740992]"))
        #expect(JSON.double(.nan) != .double(.nan))
        #expect(JSON.int(0) == .double(-0.0))
    }

    @Test(
        arguments: [
            (JSON.int(9_007_199_254_740_993), JSON.int(9_007_199_254_740_992), 1),
            (.int(9_007_199_254_740_993), .double(9_007_199_254_740_992), 1),
            (.double(9_007_199_254_740_992), .int(9_007_199_254_740_993), -1),
            (.int(Int.max), .double(9_223_372_036_854_775_808.0), -1),
            (.int(Int.min), .double(-9_223_372_036_854_775_808.0), 0),
            (.int(Int.min), .double(-1e19), 1),
            (.int(2), .double(2.5), -1),
            (.int(-2), .double(-2.5), 1),
            (.int(-3), .double(-2.5), -1),
            (.double(1e300), .int(Int.max), 1),
            (.int(1), .double(1), 0)
        ] as [(JSON, JSON, Int)])
    func numericOrderIsExact(_ a: JSON, _ b: JSON, _ sign: Int) {
        #expect(JSON.compareNumbers(a, b) == sign)
    }

    /// Strings and keys are equal when their Unicode scalars are (JSON's sense, and Python's), not
    /// when they are canonically equivalent (Swift's): "é" is not "e\u{301}".
    @Test func stringsAndKeysCompareByUnicodeScalars() throws {
        #expect(JSON.string("\u{E9}") != .string("e\u{301}"))
        #expect(JSON.string("a\u{301}\u{316}") != .string("a\u{316}\u{301}"))
        #expect(JSON.string("\u{E9}") == .string("\u{E9}"))
        for extra in [0, JSONObject.indexThreshold + 1] {
            var o = JSONObject()
            for i in 0..<extra { o["k\(i)"] = .int(i) }
            o["a\u{301}\u{316}"] = 1
            o["a\u{316}\u{301}"] = 2
            o["\u{E9}"] = 3
            #expect(o.count == extra + 3)
            #expect(o["a\u{316}\u{301}"] == 2 && o["a\u{301}\u{316}"] == 1 && o["e\u{301}"] == nil)
        }
        #expect(try JSON.parse(#"{"\u00e9":1}"#) != JSON.parse(#"{"e\u0301":1}"#))
    }

    @Test func onlyNumbersHaveANumericOrder() {
        #expect(JSON.compareNumbers(.bool(true), .int(1)) == nil)
        #expect(JSON.compareNumbers(.string("1"), .int(1)) == nil)
        #expect(JSON.compareNumbers(.double(.nan), .int(1)) == nil)
    }
}
