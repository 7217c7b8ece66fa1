/// A declared positional, read back typed: what a command declares (`Positional<CollectionPath>(
/// "COLLECTION[:PATH]")`) and reads (`a[Self.location]`). Its `operand` is what parsing checks,
/// usage shows and completion offers (Operands.swift).
protocol PositionalKey: Sendable {
    var operand: ArgumentSpec.Operand { get set }
}

extension PositionalKey {
    /// The same positional, following these verbs of its command (usage shows it after each).
    func forVerbs(_ verbs: String...) -> Self {
        var key = self
        key.operand.verbs = verbs
        return key
    }
}

/// A positional of exactly one word, a `Value`: `TASK`, `COLLECTION[:PATH]`, `SECONDS`. A word
/// that is no `Value` is refused when the line is parsed: "expected NAME, a number (got 'x')".
struct Positional<Value: ArgumentValue>: PositionalKey {
    var operand: ArgumentSpec.Operand

    init(_ name: String) {
        operand = .init(
            name: name, choices: Value.choices, completesCollectionPaths: Value.completesCollectionPaths,
            problem: { Value(argument: $0) == nil ? Self.refusal(name, Value.expected, $0) : nil })
    }

    /// A positional whose value is a number in `range`.
    init(_ name: String, in range: ClosedRange<Value>) where Value: Comparable {
        self.init(name)
        // The message is written only for a bad word: declarations are made at start.
        operand.problem = { Value(argument: $0).map { range.contains($0) } == true ? nil : Self.refusal(name, Value.expected(in: range), $0) }
    }

    /// The message for a word that is not what `name` takes: a word with one choice, its name,
    /// is named alone ("expected transfer (got 'x')").
    private static func refusal(_ name: String, _ expected: String, _ word: String) -> String {
        Value.choices == [name] ? "expected \(name) (got '\(word)')" : "expected \(name), \(expected) (got '\(word)')"
    }

    /// The same positional, which may be left out (usage shows `[LOCAL]`).
    func optional() -> OptionalPositional<Value> { OptionalPositional(operand: with(.optional)) }

    /// The same positional, taking one or more words: the rest of them (usage shows `NAME…`).
    func repeated() -> RepeatedPositional<Value> { RepeatedPositional(operand: with(.oneOrMore)) }

    /// The same positional, taking any number of words, none too: the rest of them (usage shows `[NAME…]`).
    func anyNumber() -> RepeatedPositional<Value> { RepeatedPositional(operand: with(.any)) }

    private func with(_ count: ArgumentSpec.Operand.Count) -> ArgumentSpec.Operand {
        var o = operand
        o.count = count
        return o
    }
}

/// A positional that may be left out: `[LOCAL]` (see `Positional.optional()`).
struct OptionalPositional<Value: ArgumentValue>: PositionalKey {
    var operand: ArgumentSpec.Operand
}

/// A positional that takes the rest of the words: `COLLECTION:PATH…`, `TEXT…` (see
/// `Positional.repeated()` and `anyNumber()`).
struct RepeatedPositional<Value: ArgumentValue>: PositionalKey {
    var operand: ArgumentSpec.Operand
}

extension ParsedArguments {
    /// A positional's value. Parsing has checked it is there (for the verb given) and is a `V`.
    subscript<V>(_ key: Positional<V>) -> V {
        guard let word = bound[key.operand.name]?.first, let value = V(argument: word) else {
            preconditionFailure("\(key.operand.name) is read for a verb it does not follow, or without parsing")
        }
        return value
    }

    /// An optional positional's value, nil when it was left out.
    subscript<V>(_ key: OptionalPositional<V>) -> V? { bound[key.operand.name]?.first.flatMap(V.init(argument:)) }

    /// A repeated positional's values, in order.
    subscript<V>(_ key: RepeatedPositional<V>) -> [V] { (bound[key.operand.name] ?? []).compactMap(V.init(argument:)) }

    /// A repeated text positional's words, joined by single spaces (`collection search TEXT…`).
    func text(_ key: RepeatedPositional<String>) -> String { self[key].joined(separator: " ") }

    /// The verb, as the command's action enum, whose cases are its declared verbs.
    func verb<A: RawRepresentable>(_: A.Type) -> A where A.RawValue == String {
        guard let verb, let action = A(rawValue: verb) else { preconditionFailure("the declared verbs and \(A.self)'s cases differ, or the words were not parsed") }
        return action
    }
}
