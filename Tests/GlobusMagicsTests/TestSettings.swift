@testable import GlobusMagics

extension KernelSettings {
    /// A kernel's settings from a test's variables (valid by construction: none sets a size).
    static func test(_ variables: [String: String]) -> KernelSettings {
        do { return try KernelSettings(variables: variables) } catch { preconditionFailure("\(error)") }
    }
}
