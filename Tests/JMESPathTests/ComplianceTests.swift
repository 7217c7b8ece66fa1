import Foundation
import JSON
import Testing
@testable import JMESPath

/// Every case of the JMESPath compliance suite: results must match, errors must be raised with
/// the right kind. Benchmark cases must compile and run.
@Suite struct ComplianceTests {
    static let files = [
        "basic", "benchmarks", "current", "escape", "filters", "functions", "identifiers", "indices",
        "literal", "multiselect", "pipe", "slice", "syntax", "unicode", "wildcard", "boolean"
    ]

    static func cases() throws -> [(file: String, given: JSON, expression: String, result: JSON?, error: String?)] {
        var out: [(String, JSON, String, JSON?, String?)] = []
        let dir = Bundle.module.url(forResource: "compliance", withExtension: nil)!
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let suites = try JSON.parse(Array(data))
            for suite in suites.array! {
                for c in suite["cases"]!.array! {
                    out.append((name, suite["given"] ?? .null, c["expression"]!.string!, c["result"], c["error"]?.string))
                }
            }
        }
        return out
    }

    @Test func everyComplianceCasePasses() throws {
        let all = try Self.cases()
        #expect(all.count >= 800)
        var failures: [String] = []
        for c in all {
            do {
                let value = try JMESPathExpression(c.expression).search(c.given)
                if let error = c.error {
                    failures.append("\(c.file): \(c.expression) should fail with \(error), got \(value.serialized)")
                } else if let expected = c.result, value != expected || !sameKinds(value, expected) {
                    failures.append("\(c.file): \(c.expression) gave \(value.serialized), expected \(expected.serialized)")
                }
            } catch {
                if let expected = c.error {
                    if error.kind.rawValue != expected { failures.append("\(c.file): \(c.expression) failed with \(error.kind.rawValue), expected \(expected)") }
                } else if c.result != nil {
                    failures.append("\(c.file): \(c.expression) failed: \(error)")
                }
            }
        }
        let report = "\(failures.count) of \(all.count) cases failed:\n" + failures.prefix(40).joined(separator: "\n")
        #expect(failures.isEmpty, Comment(rawValue: report))
    }

    /// `null` results must be null, not missing; arrays and objects must not be confused.
    func sameKinds(_ a: JSON, _ b: JSON) -> Bool { a.typeName == b.typeName }

    @Test func usefulErrors() {
        #expect(throws: JMESPathError.self) { try JMESPathExpression("foo[") }
        do { _ = try JMESPathExpression("nope(@)") } catch { #expect(error.kind == .unknownFunction) }
        do { _ = try JMESPathExpression("length(@)").search(5) } catch { #expect(error.kind == .invalidType) }
    }

    @Test func globusShapedQueries() throws {
        let doc = try JSON.parse(#"{"DATA":[{"display_name":"Tutorial 1","id":"a","size":3},{"display_name":"Mapped","id":"b","size":10}]}"#)
        #expect(try JMESPathExpression("DATA[].display_name").search(doc) == ["Tutorial 1", "Mapped"])
        #expect(try JMESPathExpression("DATA[?size > `5`].id | [0]").search(doc) == "b")
        #expect(try JMESPathExpression("max_by(DATA, &size).display_name").search(doc) == "Mapped")
        #expect(try JMESPathExpression("DATA[*].{name: display_name, n: size}").search(doc) == [["name": "Tutorial 1", "n": 3], ["name": "Mapped", "n": 10]])
    }
}
