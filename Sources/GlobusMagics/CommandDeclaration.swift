/// What a command declares about itself, `%echo` and `%globus ls` alike: its name, usage,
/// summary, typed options and examples. Parsing, help and completion are all made from it.
struct CommandDeclaration: Sendable {
    var name: String
    var usage: String
    var summary: String
    var arguments: ArgumentSpec
    /// Two or three real examples (they start the help).
    var examples: [String]
    /// What the help says after the options (rules, caveats), if anything.
    var notes: String

    init(
        name: String, usage: String, summary: String, options: [any ArgumentKey] = [], optionsBeforePositionals: Bool = false,
        examples: [String] = [], notes: String = ""
    ) {
        self.name = name
        self.usage = usage
        self.summary = summary
        arguments = ArgumentSpec(options, optionsBeforePositionals: optionsBeforePositionals)
        self.examples = examples
        self.notes = notes
    }

    /// The help text: examples first, then usage, summary, options (with `--as NAME` when the
    /// result can be kept) and notes.
    func helpText(keepsResult: Bool = false) -> String {
        var lines = examples.isEmpty ? [] : ["Examples:"] + examples.map { "  " + $0.replacingAll("\n", with: "\n  ") } + [""]
        lines += ["Usage: \(usage)", "", summary]
        var options = arguments.optionsHelp
        if keepsResult { options.append("  " + "--as NAME".padding(to: 30) + "keep the result for later lines: @{NAME} or @{NAME.PATH}") }
        if !options.isEmpty { lines += ["", "Options:"] + options }
        if !notes.isEmpty { lines += ["", notes] }
        return lines.joined(separator: "\n")
    }
}
