#if canImport(Glibc)
    import Glibc
#endif

/// The process's environment variables as a dictionary: the one place any module of this
/// package reads the process environment. A program calls it once at its entry point and passes
/// the values (or the settings made from them) down; nothing reads a variable later, so what
/// a setting is can be told from the value a function was given.
///
/// An entry without `=` is left out; of two entries with one name, the later wins.
public func processVariables() -> [String: String] {
    var out: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let s = String(cString: entry)
        if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
        p += 1
    }
    return out
}
