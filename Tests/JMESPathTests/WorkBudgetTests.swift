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
        "DATA" + String(repeating: "|map(&[@,@,@,@], @)", count: 20),
    ])
    func anExponentialSearchFailsByName(_ expression: String) throws {
        let e = try JMESPathExpression(expression)
        do {
            let v = try e.search(Self.document)
            Issue.record("answered: \(v.serialized.prefix(80))")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    @Test func aLargeDocumentIsSearchedWhole() throws {
        let items = (0..<200_000).map { i -> JSON in ["name": .string("file-\(i)"), "size": .int(i), "type": "file"] }
        let doc: JSON = ["DATA": .array(items)]
        let picked = try JMESPathExpression("DATA[?size > `10`].{n: name, s: size}").search(doc)
        #expect(picked.array?.count == 200_000 - 11)
        #expect(try JMESPathExpression("length([DATA, DATA][])").search(doc) == .int(400_000))
        #expect(try JMESPathExpression("sum(map(&size, DATA))").search(doc) == .int(200_000 * 199_999 / 2))
    }
}
