import JSON
import Testing
@testable import JMESPath

/// A search does bounded work: a result built to grow exponentially (values share storage, so
/// `[@, @, @, @]` is cheap to build and four times larger to show), a string doubled at every
/// step, or a projection of a projection fails by name instead of spinning; ordinary searches
/// over large documents stay well inside the budget.
@Suite struct WorkBudgetTests {
    static let document: JSON = ["DATA": [["name": "a", "size": 1], ["name": "b", "size": 2]]]

    @Test(arguments: [
        "DATA[0:1]" + String(repeating: "|[@,@,@,@]", count: 20),
        "@" + String(repeating: "|{a: @, b: @, c: @}", count: 30),
        "to_string(@)" + String(repeating: "|join('', [@, @])", count: 40),
        "DATA" + String(repeating: "|[@,@,@,@][*]", count: 20),
        "DATA" + String(repeating: "|[@,@,@,@][]", count: 20),
        "DATA" + String(repeating: "|map(&[@,@,@,@], @)", count: 20)
    ])
    func anExponentialSearchFailsByName(_ expression: String) throws {
        let e = try JMESPathExpression(expression)
        do {
            // A smaller budget than a cell's, to keep the test quick (JMESPathInCellsTests runs
            // such a chain with the real one); each would take years to finish.
            let v = try e.search(Self.document, work: 200_000)
            Issue.record("answered: \(v.serialized.prefix(80))")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    @Test func aLargeDocumentIsSearchedWhole() throws {
        let items = (0..<100_000).map { i -> JSON in ["name": .string("file-\(i)"), "size": .int(i), "type": "file"] }
        let doc: JSON = ["DATA": .array(items)]
        let picked = try JMESPathExpression("DATA[?size > `10`].{n: name, s: size}").search(doc)
        #expect(picked.array?.count == 100_000 - 11)
        #expect(try JMESPathExpression("length([DATA, DATA][])").search(doc) == .int(200_000))
        #expect(try JMESPathExpression("sum(map(&size, DATA))").search(doc) == .int(100_000 * 99_999 / 2))
    }
}
