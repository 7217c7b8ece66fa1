import Testing
@testable import JSON

/// Objects keep insertion order, small and large (past the hashed-index threshold) alike.
@Suite struct JSONObjectTests {
    @Test func smallAndLargeObjectsFindReplaceAndRemoveInOrder() throws {
        for n in [3, JSONObject.indexThreshold, JSONObject.indexThreshold + 1, 200] {
            var o = JSONObject()
            for i in 0..<n { o["k\(i)"] = .int(i) }
            #expect(o.count == n && o["k\(n - 1)"] == .int(n - 1) && o["missing"] == nil)
            o["k0"] = "replaced"
            #expect(o.keys.first == "k0" && o["k0"] == "replaced", "a replaced member keeps its place")
            o["k1"] = nil
            #expect(o.count == n - 1 && o["k1"] == nil && o["k2"] == .int(2))
            #expect(Array(o.keys.prefix(2)) == ["k0", "k2"])
            o["k1"] = true
            #expect(o.keys.last == "k1" && o["k1"] == true)
        }
    }

    @Test func equalityIgnoresOrderAndDuplicatesKeepTheLastValue() throws {
        let a = try JSON.parse(#"{"a": 1, "b": [2, {"c": 3}]}"#)
        let b = try JSON.parse(#"{"b": [2, {"c": 3}], "a": 1}"#)
        #expect(a == b)
        #expect(a != (try JSON.parse(#"{"a": 1, "b": [2, {"c": 4}]}"#)))
        let dup = try JSON.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(dup.object?.keys == ["a", "b"] && dup["a"] == 3)
    }
}
