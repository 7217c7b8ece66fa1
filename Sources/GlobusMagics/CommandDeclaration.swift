/// What a command declares about itself, `%echo` and `%globus ls` alike: its name, what follows
/// it, summary, typed options and positionals, and examples. Parsing, usage, help and
/// completion are all made from it.
struct CommandDeclaration: Sendable {
    var name: String
    /// What follows the name, but for options: `COLLECTION[:PATH]`, `TEXT…`; made from the
    /// declared positionals when there are any.
    var synopsis: String
    /// The verbs of a command that has several (`task list`, `task wait TASK`), each with what
    /// follows it; usage shows each with its own options (`Option.forVerbs`).
    var verbs: [Verb]
    var summary: String
    var arguments: ArgumentSpec
    /// The grammar of a `%%` cell's first line, when its positionals differ from the line
    /// form's (`%%globus transfer SOURCE DEST`, the paths in the cell); else `arguments`.
    var cellArguments: ArgumentSpec
    /// Two or three real examples (they start the help).
    var examples: [String]
    /// What the help says after the options (rules, caveats), if anything.
    var notes: String { makeNotes() }
    /// Makes the notes when help is shown (`%globus`'s list its subcommands: not at start).
    private let makeNotes: @Sendable () -> String

    /// One verb of a command and what follows it (`wait`, `TASK`): written here only for a
    /// command that reads its positionals itself (`vars set NAME=JSON`); else made from the
    /// positionals declared for the verb (`Positional.forVerbs`).
    struct Verb: Sendable {
        var name: String
        var synopsis: String

        init(_ name: String, _ synopsis: String = "") {
            self.name = name
            self.synopsis = synopsis
        }
    }

    /// A declaration. With `positionals` (none too: `[]`), the words are checked against them
    /// when parsed and the synopses are made from them; without, the command reads its
    /// positionals itself and `synopsis` and the verbs' synopses say what they are. A line
    /// without a verb means `defaultVerb`, when there is one; a `%%` cell's first line has
    /// `cellPositionals`, when they differ.
    init(
        name: String, synopsis: String = "", verbs: [Verb] = [], defaultVerb: String? = nil, summary: String, options: [any ArgumentKey] = [],
        positionals: [any PositionalKey]? = nil, cellPositionals: [any PositionalKey]? = nil, optionsBeforePositionals: Bool = false, examples: [String] = [],
        notes: @autoclosure @escaping @Sendable () -> String = ""
    ) {
        self.name = name
        self.verbs = verbs
        self.summary = summary
        arguments = ArgumentSpec(options: options.map(\.option), operands: positionals?.map(\.operand), optionsBeforePositionals: optionsBeforePositionals)
        arguments.verbs = verbs.map(\.name)
        arguments.defaultVerb = defaultVerb
        cellArguments = arguments
        if let cellPositionals { cellArguments.operands = cellPositionals.map(\.operand) }
        if positionals != nil {
            self.synopsis = verbs.isEmpty ? arguments.synopsis(after: nil) : ""
            for i in self.verbs.indices { self.verbs[i].synopsis = arguments.synopsis(after: self.verbs[i].name) }
        } else {
            self.synopsis = synopsis
        }
        self.examples = examples
        makeNotes = notes
    }

    /// The usage line, made from the declarations: `command` (`%echo`, `%globus task`), then each
    /// verb with what follows it and its options, or what follows the command; then the options
    /// of every verb, an option that goes with another inside that one's brackets; then
    /// `[--as NAME]` when the result can be kept.
    func usage(command: String, keepsResult: Bool = false) -> String {
        let options = arguments.options
        func shown(_ o: ArgumentSpec.Option) -> String { o.usage(options.filter { $0.requires == o.names[0] }.map { shown($0) }) }
        func tokens(verb: String?) -> [String] {
            options.filter { $0.requires == nil && (verb.map($0.verbs.contains) ?? $0.verbs.isEmpty) }.map(shown)
        }
        var parts = [command]
        if verbs.isEmpty {
            parts.append(synopsis)
        } else {
            parts.append(verbs.map { ([$0.name, $0.synopsis] + tokens(verb: $0.name)).filter { !$0.isEmpty }.joined(separator: " ") }.joined(separator: " | "))
        }
        parts += tokens(verb: nil)
        if keepsResult { parts.append("[--as NAME]") }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The help text: examples first, then usage, summary, options (with `--as NAME` when the
    /// result can be kept) and notes.
    func helpText(command: String, keepsResult: Bool = false) -> String {
        var lines = examples.isEmpty ? [] : ["Examples:"] + examples.map { "  " + $0.replacingAll("\n", with: "\n  ") } + [""]
        lines += ["Usage: \(usage(command: command, keepsResult: keepsResult))", "", summary]
        var options = arguments.optionsHelp
        if keepsResult { options.append("  " + "--as NAME".padding(to: 30) + "keep the result for later lines: @{NAME} or @{NAME.PATH}") }
        if !options.isEmpty { lines += ["", "Options:"] + options }
        if !notes.isEmpty { lines += ["", notes] }
        return lines.joined(separator: "\n")
    }
}

extension [CommandDeclaration.Verb] {
    /// The verbs of a command, one for each case of its action enum (`a.verb(Action.self)` reads
    /// it back), in their order.
    static func cases<A: CaseIterable & RawRepresentable>(of _: A.Type) -> Self where A.RawValue == String {
        A.allCases.map { CommandDeclaration.Verb($0.rawValue) }
    }
}
