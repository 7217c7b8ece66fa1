/// A magic's command-line grammar: flags, options with values (repeatable), positionals.
struct ArgumentSpec: Sendable {
    struct Option: Sendable {
        var names: [String]          // e.g. ["-Q", "--query-param"]
        var takesValue: Bool
        var help: String
        var valueName: String = "VALUE"
        var choices: [String] = []
    }

    var options: [Option]
    /// Options are recognised only before the first positional; the rest is taken verbatim
    /// (for commands that run another command, like `%time`).
    var optionsBeforePositionals = false

    func option(named name: String) -> Option? { options.first { $0.names.contains(name) } }

    /// Every option spelling, for completion.
    var allNames: [String] { options.flatMap(\.names) }
}

/// Parsed arguments: option values keyed by their first (canonical) name, whichever alias was typed, and positionals.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    var positionals: [String] = []

    func flag(_ name: String) -> Bool { values[name] != nil }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
}

extension ArgumentSpec {
    /// Parses `words`. Options may come anywhere; `--` ends them; `--name=value` is accepted.
    func parse(_ words: [String], command: String) throws(MagicError) -> ParsedArguments {
        var out = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        while i < words.count {
            let w = words[i]
            i += 1
            if onlyPositionals || !w.hasPrefix("-") || w == "-" || Double(w) != nil {
                out.positionals.append(w)
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
                let v: String
                if let inline { v = inline } else {
                    guard i < words.count else { throw MagicError.usage("\(command): option '\(name)' needs a value", command: command) }
                    v = words[i]
                    i += 1
                }
                if !opt.choices.isEmpty && !opt.choices.contains(v) {
                    throw MagicError.usage("\(command): '\(v)' is not a valid value for \(name) (choose from \(opt.choices.joined(separator: ", ")))", command: command)
                }
                out.values[key, default: []].append(v)
            } else {
                if inline != nil { throw MagicError.usage("\(command): option '\(name)' takes no value", command: command) }
                out.values[key, default: []].append("")
            }
        }
        return out
    }
}

extension ArgumentSpec {
    /// Completions for the word being typed: an option's choices after an option that takes a
    /// value, option names after `-`, else what `positional` offers for the positionals so far.
    func complete(_ args: [String], prefix: String, positional: ([String]) -> [String]) -> [String] {
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
        return positional(positionals)
    }
}
