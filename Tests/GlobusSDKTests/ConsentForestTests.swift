import JSON
import Testing
@testable import GlobusSDK

@Suite struct ConsentForestTests {
    @Test func meetsScopesWithDependencies() throws {
        let consents: [JSON] = [
            ["id": 1, "scope_name": "t", "dependency_path": [1]],
            ["id": 2, "scope_name": "d1", "dependency_path": [1, 2]],
            ["id": 3, "scope_name": "x", "dependency_path": [3]]
        ]
        let forest = ConsentForest(consents)
        #expect(forest.meets(try Scope.parse("t[*d1]")))
        #expect(forest.meets(Scope("t")))
        #expect(!forest.meets(try Scope.parse("t[d2]")))
        #expect(!forest.meets(try Scope.parse("x[d1]")))
    }
}
