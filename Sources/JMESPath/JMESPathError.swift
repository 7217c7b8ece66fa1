/// Why an expression failed, in the compliance suite's categories, plus `too-deep` for an
/// expression nested past `JMESPathExpression.maximumDepth` and `too-large` for a search past
/// `JMESPathExpression.maximumWork`.
public struct JMESPathError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case syntax, invalidType = "invalid-type", invalidValue = "invalid-value", invalidArity = "invalid-arity", unknownFunction = "unknown-function"
        /// Nested deeper than `JMESPathExpression.maximumDepth`: refused rather than overflowing the stack.
        case tooDeep = "too-deep"
        /// Would take more than `JMESPathExpression.maximumWork`: refused rather than spinning.
        case tooLarge = "too-large"
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
    static let tooMuchWork = JMESPathError(
        kind: .tooLarge, message: "the search would take more than \(JMESPathExpression.maximumWork) steps (or build a result that large); narrow it")
    static let tooDeepToEvaluate = JMESPathError(kind: .tooDeep, message: "expression nested deeper than \(JMESPathExpression.maximumDepth) levels")
}
