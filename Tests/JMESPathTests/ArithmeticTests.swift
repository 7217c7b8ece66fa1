import JSON
import Testing
@testable import JMESPath

/// Arithmetic at the ends of the integer range: nothing traps. Where an integer result does not
/// fit, it becomes a double, as a JSON number too large for an integer does.
@Suite struct ArithmeticTests {
    static let numbers: JSON = ["DATA": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]

    func search(_ expression: String, _ document: JSON = numbers) throws -> JSON {
        try JMESPathExpression(expression).search(document)
    }

    @Test func absOfTheSmallestIntegerIsADouble() throws {
        let v = try search("abs(`-9223372036854775808`)")
        guard case .double(let d) = v else { Issue.record("expected a double, got \(v)"); return }
        #expect(d == 9_223_372_036_854_775_808.0)
        #expect(try search("abs(`-9223372036854775807`)") == .int(Int.max))
    }

    @Test func anOverflowingIntegerSumBecomesADouble() throws {
        let doc: JSON = ["DATA": [["size": .int(Int.max)], ["size": 1], ["size": .int(Int.max)]]]
        let v = try search("sum(DATA[].size)", doc)
        guard case .double(let d) = v else { Issue.record("expected a double, got \(v)"); return }
        #expect(d == 2 * 9_223_372_036_854_775_807.0 + 1)
        #expect(try search("avg(DATA[].size)", doc) == .double((2 * 9_223_372_036_854_775_807.0 + 1) / 3))
    }

    @Test func aSumThatOverflowsOnlyOnTheWayIsExact() throws {
        let doc: JSON = ["DATA": [.int(Int.max), 1, -2]]
        let v = try search("sum(DATA)", doc)
        guard case .int(let i) = v else { Issue.record("expected an integer, got \(v)"); return }
        #expect(i == Int.max - 1)
        #expect(try search("sum(`[-9223372036854775808, -1, 1]`)") == .int(Int.min))
    }

    @Test func sliceStepAtTheLargestInteger() throws {
        #expect(try search("DATA[1::9223372036854775807]") == [1])
    }

    /// Python's `list[start:stop:step]`, for every bound at the ends of the range.
    @Test(
        arguments: [
            ("DATA[::-9223372036854775808]", [9]),
            ("DATA[-9223372036854775808:9223372036854775807]", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            ("DATA[9223372036854775807:-9223372036854775808:-1]", [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
            ("DATA[-9223372036854775808::-1]", []),
            ("DATA[:-9223372036854775808:-3]", [9, 6, 3, 0]),
            ("DATA[9223372036854775807::9223372036854775807]", []),
            ("DATA[-9223372036854775808::9223372036854775807]", [0]),
            ("DATA[8:-9223372036854775808:-9223372036854775808]", [8]),
            ("DATA[-1:-9223372036854775808:-9223372036854775807]", [9]),
            ("DATA[99999999999999999999:-99999999999999999999:-99999999999999999999]", [9]),
            ("DATA[-99999999999999999999:99999999999999999999:4]", [0, 4, 8])
        ] as [(String, [Int])])
    func sliceBoundsAtTheEndsOfTheRange(_ expression: String, _ expected: [Int]) throws {
        #expect(try search(expression) == .array(expected.map(JSON.int)))
    }

    @Test func indexesAtTheEndsOfTheRange() throws {
        #expect(try search("DATA[-9223372036854775808]") == .null)
        #expect(try search("DATA[9223372036854775807]") == .null)
        #expect(try search("DATA[-99999999999999999999]") == .null)
        #expect(try search("DATA[99999999999999999999]") == .null)
    }

    /// 2^53 + 1 and 2^53 are the same double: integers must not be compared as doubles.
    @Test func largeIntegersCompareAndOrderExactly() throws {
        let doc: JSON = ["DATA": [.int(9_007_199_254_740_993), .int(9_007_199_254_740_992), .double(9_007_199_254_740_992)]]
        guard case .int(let most) = try search("max(DATA)", doc), case .int(let least) = try search("min(DATA[:2])", doc) else {
            Issue.record("max and min should give the integers"); return
        }
        #expect(most == 9_007_199_254_740_993 && least == 9_007_199_254_740_992)
        #expect(try search("sort(DATA)[-1]", doc) == .int(9_007_199_254_740_993))
        #expect(try search("DATA[0] > DATA[1]", doc) == true)
        #expect(try search("DATA[0] > DATA[2]", doc) == true)
        #expect(try search("DATA[0] == DATA[1]", doc) == false)
        #expect(try search("DATA[1] == DATA[2]", doc) == true)
        #expect(try search("max_by(DATA[*].{n: @}, &n).n", doc) == .int(9_007_199_254_740_993))
        #expect(try search("`9223372036854775807` < `9223372036854775808`") == true)
    }

    @Test func ceilAndFloorOfLargeDoubles() throws {
        #expect(try search("ceil(`1e300`)") == .double(1e300))
        #expect(try search("floor(`-9.3e18`)") == .double(-9.3e18))
        #expect(try search("floor(`9.2e18`)") == .double(9.2e18))
        #expect(try search("ceil(`-0.5`)") == .int(0))
    }

    /// An integer is its own ceiling and floor, exactly (found by the differential fuzzer).
    @Test func ceilAndFloorKeepIntegersExact() throws {
        for n in [9_007_199_254_740_993, Int.max, Int.min] {
            #expect(try search("[ceil(@), floor(@)]", .int(n)) == [.int(n), .int(n)])
            guard case .array(let both) = try search("[ceil(@), floor(@)]", .int(n)), case .int = both[0], case .int = both[1] else {
                Issue.record("ceil and floor of an integer should be integers"); return
            }
        }
    }
}
