/// Why an expression failed, in the compliance suite's categories, plus `too-deep` for an
/// expression nested past `JMESPathExpression.maximumDepth`.
public struct JMESPathError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case syntax, invalidType = "invalid-type", invalidValue = "invalid-value", invalidArity = "invalid-arity", unknownFunction = "unknown-function"
        /// Nested deeper than `JMESPathExpression.maximumDepth`: refused rather than overflowing the stack.
        case tooDeep = "too-deep"
    }
    public let kind: Kind
    public let message: String
    public var description: String { "\(kind.rawValue): \(message)" }

    static func syntax(_ m: String, at pos: Int) -> JMESPathError { JMESPathError(kind: .syntax, message: "\(m) at position \(pos)") }
    static func type(_ m: String) -> JMESPathError { JMESPathError(kind: .invalidType, message: m) }
    static func unknownFunction(_ name: String) -> JMESPathError { JMESPathError(kind: .unknownFunction, message: "unknown function \(name)()") }
    static func tooDeep(at pos: Int) -> JMESPathError {
        JMESPathError(kind: .tooDeep, message: "expression nested deeper than \(JMESPathExpression.maximumDepth) levels at position \(pos)")
    }
    static let tooDeepToEvaluate = JMESPathError(kind: .tooDeep, message: "expression nested deeper than \(JMESPathExpression.maximumDepth) levels")
}
