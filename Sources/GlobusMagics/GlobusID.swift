import GlobusSDK

/// A Globus id typed as a positional: a task, flow, run, timer or endpoint id. Globus ids are
/// UUIDs; any other word is refused before it reaches a request's path.
struct GlobusID: ArgumentValue, Equatable {
    let text: String

    init?(argument: String) {
        guard PathSegment.isUUID(argument) else { return nil }
        text = argument
    }

    static var choices: [String] { [] }
    static var expected: String { "a Globus id (a UUID)" }

    /// The message for a word that is not a `what` id ("task").
    static func refusal(_ word: String, _ what: String) -> String {
        "'\(word)' is not a \(what) id: Globus ids are UUIDs, like 6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    }
}

extension Positional where Value == GlobusID {
    /// `name`, the id of a `what` ("task"): another word is refused with "'x' is not a task id: …".
    init(_ name: String, idOf what: String) {
        self.init(name)
        operand.problem = { GlobusID(argument: $0) == nil ? GlobusID.refusal($0, what) : nil }
    }
}
