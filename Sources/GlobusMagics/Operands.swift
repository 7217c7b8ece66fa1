/// A command's positional words as declared (POSIX calls them operands): how many of each,
/// after which verb, what each must be. The typed keys (`Positional`, see Positionals.swift)
/// are made of these; parsing checks the words against them with one message per kind of
/// mistake, usage shows them, and completion offers what each can be.
extension ArgumentSpec {
    /// One declared positional: `COLLECTION[:PATH]`, `[LOCAL]`, `TEXT…`.
    struct Operand: Sendable {
        /// How many words it takes.
        enum Count: Sendable {
            /// Exactly one: `TASK`.
            case one
            /// One or none: `[LOCAL]`.
            case optional
            /// One or more, the rest of the words: `COLLECTION:PATH…`.
            case oneOrMore
            /// Any number, none too, the rest of the words: `[TEXT…]`.
            case any
        }

        var name: String
        var count: Count = .one
        /// The verbs of its command it follows (empty: the command has no verbs).
        var verbs: [String] = []
        /// The accepted words, when the set is fixed (completion offers them).
        var choices: [String] = []
        /// Whether completion offers the collections and folders the session has seen.
        var completesCollectionPaths = false
        /// What is wrong with a word, as the whole message ("'x' is not a task id: …"); nil for
        /// a good one. Checked when the words are parsed, after kept values are filled in.
        var problem: @Sendable (String) -> String? = { _ in nil }

        /// How usage shows it: `TASK`, `[LOCAL]`, `COLLECTION:PATH…`, `[TEXT…]`.
        var usage: String {
            switch count {
            case .one: name
            case .optional: "[\(name)]"
            case .oneOrMore: name + "…"
            case .any: "[\(name)…]"
            }
        }

        /// The fewest words it takes.
        var least: Int { count == .one || count == .oneOrMore ? 1 : 0 }
    }

    /// The declared positionals that follow `verb` (all of them, for a command without verbs).
    func operands(after verb: String?) -> [Operand] {
        (operands ?? []).filter { verb.map($0.verbs.contains) ?? true }
    }

    /// What follows a verb (or the command, for nil) in usage: its declared positionals.
    func synopsis(after verb: String?) -> String { operands(after: verb).map(\.usage).joined(separator: " ") }

    /// The verbs as a message lists them: `list, show TASK, wait TASK or cancel TASK`.
    var verbList: String {
        let shown = verbs.map { ([$0, synopsis(after: $0)].filter { !$0.isEmpty }).joined(separator: " ") }
        return shown.count < 2 ? shown.joined() : shown.dropLast().joined(separator: ", ") + " or " + shown.last!
    }

    /// Checks `parsed.positionals` against the declared positionals and keeps each one's words
    /// (`ParsedArguments.bound`) and the verb. One message per kind of mistake: no verb or an
    /// unknown one (naming the verbs), too few words (naming every positional still needed, as
    /// usage shows them), too many (naming the first word too many), and a word its kind refuses
    /// (the kind's message).
    func bindOperands(_ parsed: inout ParsedArguments, command: String) throws(MagicError) {
        func refuse(_ message: String) -> MagicError { .usage("\(command): \(message)", command: command) }
        var words = parsed.positionals[...]
        var verb: String?
        if !verbs.isEmpty {
            if let first = words.first {
                guard verbs.contains(first) else { throw refuse("unknown verb '\(first)'; expected \(verbList)") }
                verb = first
                words = words.dropFirst()
            } else {
                guard let defaultVerb else { throw refuse("expected \(verbList)") }
                verb = defaultVerb
            }
        }
        let after = verb.map { " after \($0)" } ?? ""
        let declared = operands(after: verb)
        var bound: [String: [String]] = [:]
        for (i, operand) in declared.enumerated() {
            let spare = words.count - declared[(i + 1)...].map(\.least).reduce(0, +)
            let take: Int
            switch operand.count {
            case .one: take = 1
            case .optional: take = min(1, max(0, spare))
            case .oneOrMore: take = max(1, spare)
            case .any: take = max(0, spare)
            }
            guard take <= words.count else {
                let missing = declared[i...].filter { $0.least > 0 }.map(\.usage).joined(separator: " ")
                throw refuse("missing \(missing)\(after)")
            }
            for word in words.prefix(take) {
                if let problem = operand.problem(word) { throw refuse(problem) }
            }
            bound[operand.name] = Array(words.prefix(take))
            words = words.dropFirst(take)
        }
        if let extra = words.first { throw refuse("unexpected argument '\(extra)'\(after)") }
        parsed.verb = verb
        parsed.bound = bound
    }

    /// The declared positional the next word would be, after `positionals` (the verb first, for
    /// a command with verbs); nil when none is declared there.
    func operand(after positionals: [String]) -> Operand? {
        var typed = positionals[...]
        var verb: String?
        if !verbs.isEmpty {
            guard let first = typed.first else { return nil }
            verb = first
            typed = typed.dropFirst()
        }
        var left = typed.count
        for operand in operands(after: verb) {
            if operand.count == .oneOrMore || operand.count == .any || left == 0 { return operand }
            left -= 1
        }
        return nil
    }
}
