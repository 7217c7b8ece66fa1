/// A command's grammar: flags, options with values (repeatable), positionals. Options and
/// positionals are declared once, as typed keys (`Flag`, `Option<Value>`, `Positional<Value>`),
/// and the same declarations give parsing, validation, help and completion.
struct ArgumentSpec: Sendable {
    struct Option: Sendable {
        var names: [String]  // e.g. ["-Q", "--query-param"]; the first is the canonical one
        var takesValue: Bool
        var help: String
        var valueName: String = "VALUE"
        var choices: [String] = []
        /// Whether `@{NAME}` in its value is replaced by the kept value's text; false for a value
        /// the command substitutes into itself, as a value (a JSON request body).
        var expandsKeptValues = true
        /// What is wrong with a value, as the end of "--name …" ("takes a whole number from 1 to
        /// 1000 (got 'x')"); nil for a good one. Checked when the words are parsed.
        var problem: @Sendable (String) -> String? = { _ in nil }
        /// Whether it may be given more than once (usage shows `…`).
        var repeats = false
        /// The verbs of its command it belongs to (usage shows it after them); empty: all.
        var verbs: [String] = []
        /// The canonical name of the option it goes with (usage nests it there; parsing refuses
        /// it without that one).
        var requires: String?

        /// How usage shows it: `[--label TEXT]`, `[--scope SCOPE]…`, `[--sync-level exists|size]`,
        /// with `inner` (the options that go with it) inside the brackets.
        func usage(_ inner: [String] = []) -> String {
            let value = takesValue ? " " + (choices.isEmpty ? valueName : choices.joined(separator: "|")) : ""
            return "[" + ([names[0] + value] + inner).joined(separator: " ") + "]" + (repeats ? "…" : "")
        }
    }

    var options: [Option]
    /// The command's verbs (`list`, `wait`…), when it has several: an option of one verb given
    /// with another is refused.
    var verbs: [String] = []
    /// The verb a line without one means (`demo` is `demo status`), if any.
    var defaultVerb: String?
    /// Options are recognised only before the first positional; the rest is taken verbatim
    /// (for commands that run another command, like `%time`).
    var optionsBeforePositionals = false
    /// The declared positionals (see Operands.swift), checked when the words are parsed; nil
    /// for a command that reads its positionals itself.
    var operands: [Operand]?

    init(options: [Option], operands: [Operand]? = nil, optionsBeforePositionals: Bool = false) {
        self.options = options
        self.operands = operands
        self.optionsBeforePositionals = optionsBeforePositionals
    }

    /// A grammar of typed keys.
    init(_ keys: [any ArgumentKey], optionsBeforePositionals: Bool = false) {
        self.init(options: keys.map(\.option), optionsBeforePositionals: optionsBeforePositionals)
    }

    func option(named name: String) -> Option? { options.first { $0.names.contains(name) } }

    /// Every option spelling, for completion.
    var allNames: [String] { options.flatMap(\.names) }

    /// The options part of help text.
    var optionsHelp: [String] {
        options.map { o in
            let names = o.names.joined(separator: ", ") + (o.takesValue ? " \(o.valueName)" : "")
            return "  \(names.padding(to: 30))\(o.help)" + (o.choices.isEmpty ? "" : " (\(o.choices.joined(separator: "|")))")
        }
    }
}

/// A value an option can take: text, a number, or one of a fixed set of words (an enum).
protocol ArgumentValue: Sendable {
    init?(argument: String)
    /// The accepted words, when the set is fixed (offered by completion, listed in help).
    static var choices: [String] { get }
    /// What a word must be, for the message when it is not ("a whole number").
    static var expected: String { get }
    /// Whether completion offers the collections and folders the session has seen.
    static var completesCollectionPaths: Bool { get }
}

extension ArgumentValue {
    static var expected: String { choices.isEmpty ? "a value" : "one of \(choices.joined(separator: ", "))" }
    static var completesCollectionPaths: Bool { false }
}

extension String: ArgumentValue {
    init?(argument: String) { self = argument }
    static var choices: [String] { [] }
}

extension Int: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    static var choices: [String] { [] }
    static var expected: String { "a whole number" }
}

extension Double: ArgumentValue {
    init?(argument: String) {
        guard let d = Double(argument), d.isFinite else { return nil }
        self = d
    }
    static var choices: [String] { [] }
    static var expected: String { "a number" }
}

extension ArgumentValue where Self: RawRepresentable, Self: CaseIterable, RawValue == String {
    init?(argument: String) { self.init(rawValue: argument) }
    static var choices: [String] { allCases.map(\.rawValue) }
}

/// A declared option or flag: what parsing stores and a command reads back, under one name.
protocol ArgumentKey: Sendable {
    var option: ArgumentSpec.Option { get set }
}

extension ArgumentKey {
    /// The same key, which may be given more than once (usage shows `…`).
    func repeatable() -> Self {
        var key = self
        key.option.repeats = true
        return key
    }

    /// The same key, belonging to these verbs of its command (usage shows it after them).
    func forVerbs(_ verbs: String...) -> Self {
        var key = self
        key.option.verbs = verbs
        return key
    }

    /// The same key, taken only together with `other` (usage nests it in `other`'s brackets;
    /// parsing refuses it alone).
    func goesWith(_ other: any ArgumentKey) -> Self {
        var key = self
        key.option.requires = other.option.names[0]
        return key
    }
}

/// An option without a value (`--force`).
struct Flag: ArgumentKey {
    var option: ArgumentSpec.Option
    init(_ names: String..., help: String) {
        option = .init(names: names, takesValue: false, help: help)
    }
}

/// An option with a typed value (`--format table`, `--limit 10`), repeatable. A word that is not
/// a value of its type is refused when the line is parsed, with a message naming the option.
struct Option<Value: ArgumentValue>: ArgumentKey {
    var option: ArgumentSpec.Option
    init(_ names: String..., value: String, help: String, expandsKeptValues: Bool = true) {
        option = .init(
            names: names, takesValue: true, help: help, valueName: value, choices: Value.choices, expandsKeptValues: expandsKeptValues,
            problem: { Value(argument: $0) == nil ? "takes \(Value.expected) (got '\($0)')" : nil })
    }

    /// An option whose value is a number in `range`.
    init(_ names: String..., value: String, help: String, in range: ClosedRange<Value>) where Value: Comparable {
        // The message is written only for a bad value: declarations are made at start.
        option = .init(
            names: names, takesValue: true, help: help, valueName: value,
            problem: { Value(argument: $0).map { range.contains($0) } == true ? nil : "takes \(Value.expected(in: range)) (got '\($0)')" })
    }
}

extension ArgumentValue where Self: Comparable {
    /// What a word must be to be a value in `range`, for messages: "a whole number from 1 to 1000".
    static func expected(in range: ClosedRange<Self>) -> String { "\(expected) from \(written(range.lowerBound)) to \(written(range.upperBound))" }

    /// A bound as people write it: 600, not 600.0.
    private static func written(_ v: Self) -> String {
        if let d = v as? Double, let whole = Int(exactly: d) { return String(whole) }
        return "\(v)"
    }
}

/// Where a value stands on a command line: after an option, or as a positional after others.
enum ArgumentSlot {
    case option(ArgumentSpec.Option)
    case positional(after: [String])
}

/// Parsed arguments: option values keyed by their canonical name, whichever alias was typed, and positionals.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    /// The positional words as typed (kept values filled in), the verb first.
    var positionals: [String] = []
    /// The verb, when the command declares verbs and positionals (checked).
    var verb: String?
    /// The words of each declared positional, by its name (checked; see `Positional`).
    var bound: [String: [String]] = [:]
    /// The kept values that `@{…}` in a cell body stands for (the command substitutes them).
    var kept = KeptValues()
    /// The end of the line as typed, after a verb that takes it whole (`vars set NAME=JSON`).
    var tail: String?

    /// Whether a flag was given.
    subscript(_ flag: Flag) -> Bool { values[flag.option.names[0]] != nil }
    /// An option's last value.
    subscript<V>(_ key: Option<V>) -> V? { all(key).last }
    /// Every value of a repeatable option, in order.
    func all<V>(_ key: Option<V>) -> [V] { (values[key.option.names[0]] ?? []).compactMap(V.init(argument:)) }
}

extension ArgumentSpec {
    /// Parses `words`. Options may come anywhere; `--` ends them; `--name=value` is accepted.
    /// `value` makes each positional and option value what the command sees (kept values are
    /// substituted there: after parsing, so a value can never become an option), before an
    /// option's choices are checked; it is told the option, or for a positional the
    /// positionals before it.
    func parse(
        _ words: [String], command: String,
        value: (String, ArgumentSlot) throws(MagicError) -> String = { v, _ in v }
    ) throws(MagicError) -> ParsedArguments {
        var out = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        while i < words.count {
            let w = words[i]
            i += 1
            if onlyPositionals || !w.hasPrefix("-") || w == "-" || Double(w) != nil {
                out.positionals.append(try value(w, .positional(after: out.positionals)))
                if optionsBeforePositionals { onlyPositionals = true }
                continue
            }
            if w == "--" { onlyPositionals = true; continue }
            var name = w
            var inline: String?
            if w.hasPrefix("--"), let eq = w.firstIndex(of: "=") {
                name = String(w[..<eq])
                inline = String(w[w.index(after: eq)...])
            }
            guard let opt = option(named: name) else {
                throw MagicError.usage("\(command): unknown option '\(name)'", command: command)
            }
            let key = opt.names[0]
            if opt.takesValue {
                var v: String
                if let inline {
                    v = inline
                } else {
                    guard i < words.count else { throw MagicError.usage("\(command): option '\(name)' needs a value", command: command) }
                    v = words[i]
                    i += 1
                }
                v = try value(v, .option(opt))
                if !opt.choices.isEmpty && !opt.choices.contains(v) {
                    throw MagicError.usage("\(command): '\(v)' is not a valid value for \(name) (choose from \(opt.choices.joined(separator: ", ")))", command: command)
                }
                if let problem = opt.problem(v) { throw MagicError.usage("\(command): \(name) \(problem)", command: command) }
                out.values[key, default: []].append(v)
            } else {
                if inline != nil { throw MagicError.usage("\(command): option '\(name)' takes no value", command: command) }
                out.values[key, default: []].append("")
            }
        }
        for o in options where out.values[o.names[0]] != nil {
            if let needed = o.requires, out.values[needed] == nil {
                throw MagicError.usage("\(command): \(o.names[0]) goes with \(needed)", command: command)
            }
            // A first word that is no verb at all is the command's to explain.
            if !o.verbs.isEmpty, let verb = out.positionals.first ?? defaultVerb, verbs.contains(verb), !o.verbs.contains(verb) {
                throw MagicError.usage("\(command): \(o.names[0]) goes with \(o.verbs.joined(separator: " or "))", command: command)
            }
        }
        if operands != nil { try bindOperands(&out, command: command) }
        return out
    }

    /// Completions for the word being typed: an option's choices after an option that takes a
    /// value, option names after `-`, the verbs first, then what the declared positional there
    /// offers (its choices, or `collectionPaths` for a collection path), else what `positional`
    /// offers for the positionals so far.
    func complete(
        _ args: [String], prefix: String, collectionPaths: (String) -> [String] = { _ in [] }, positional: ([String]) -> [String]
    ) -> [String] {
        if let last = args.last, let opt = option(named: last), opt.takesValue {
            return opt.choices.filter { $0.hasPrefix(prefix) }
        }
        if prefix.hasPrefix("-") { return allNames.filter { $0.hasPrefix(prefix) } }
        var positionals: [String] = []
        var i = 0
        while i < args.count {
            if let o = option(named: args[i]) { i += o.takesValue ? 2 : 1; continue }
            positionals.append(args[i])
            i += 1
        }
        if operands != nil {
            if !verbs.isEmpty && positionals.isEmpty { return verbs.filter { $0.hasPrefix(prefix) } }
            if let operand = operand(after: positionals) {
                if operand.completesCollectionPaths { return collectionPaths(prefix) }
                if !operand.choices.isEmpty { return operand.choices.filter { $0.hasPrefix(prefix) } }
            }
        }
        return positional(positionals)
    }
}
