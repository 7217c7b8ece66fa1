#if canImport(Glibc)
    import Glibc
#endif

/// The process's environment variables as a dictionary: with `setLibraryVariable`, the one
/// place any module of this package reads or writes the process environment. A program calls
/// it once at its entry point and passes the values (or the settings made from them) down;
/// nothing reads a variable later, so what a setting is can be told from the value a function
/// was given.
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

/// Sets a variable that a C library reads from the process environment (a library's switch, not
/// a setting of ours), unless it is already set: for a program's entry point, after it has read
/// its variables with `processVariables()` and before it makes any thread (`setenv` races with
/// any other thread's `getenv`).
public func setLibraryVariable(_ name: String, _ value: String) {
    setenv(name, value, 0)
}
