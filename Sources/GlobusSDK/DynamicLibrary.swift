#if canImport(Glibc)
    import Glibc
#endif

/// A C library opened with `dlopen` when first needed rather than linked: a process that never
/// uses it neither loads it nor pays for its relocations at start-up (libcurl and its ~35
/// dependencies; SQLite, used only by the SQLite token store).
struct DynamicLibrary {
    private let handle: UnsafeMutableRawPointer

    /// Whether libraries are opened with `RTLD_DEEPBIND`: each of their symbols is looked up in
    /// the library and its own dependencies first, not through every library the process loaded
    /// (the Swift runtime, Foundation, libzmq…). Binding libcurl's ~30 libraries that way takes
    /// a third of the instructions of loading it. Only when `malloc` is libc's own: where it is
    /// not (a sanitizer's runtime, which refuses the flag; an allocator put in with
    /// `LD_PRELOAD`), memory one allocator made could reach the other's `free`.
    static let bindsDeep: Bool = {
        guard let libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD) else { return false }
        defer { dlclose(libc) }
        guard let own = dlsym(libc, "malloc") else { return false }
        return dlsym(nil, "malloc") == own
    }()

    /// A function the library lacks.
    struct Missing: Error {
        let name: String
    }

    /// The first of `names` that opens (`libcurl.so.4`, then `libcurl.so`), or a configuration
    /// error naming the library and the package that has it.
    ///
    /// Opened with `RTLD_LAZY`: the functions of those of libcurl's dependencies not linked with
    /// `BIND_NOW` (Kerberos, RTMP, nghttp2, zlib, brotli, GMP, libffi; libcurl, OpenSSL and LDAP
    /// bind at load whatever the flag) are bound on their first call, as in any program linked to
    /// them, rather than all at load: a first call takes 4 % fewer instructions. The functions
    /// this process calls are looked up with `dlsym` at load, so a library that lacks one is still
    /// refused there; a broken install whose dependency lacks a function would now fail when that
    /// function is first called instead.
    init(_ names: [String], install: String) throws(GlobusError) {
        let flags = RTLD_LAZY | RTLD_LOCAL | (DynamicLibrary.bindsDeep ? RTLD_DEEPBIND : 0)
        for name in names {
            if let h = dlopen(name, flags) {
                handle = h
                return
            }
        }
        let why = dlerror().map { String(cString: $0) } ?? "not found"
        throw .configuration("\(names[0]) could not be loaded (\(why)); install \(install)")
    }

    /// The function `name`, as the C type `T` (`@convention(c) (…) -> …`).
    func function<T>(_ name: String, _: T.Type = T.self) throws(Missing) -> T {
        guard let p = dlsym(handle, name) else { throw Missing(name: name) }
        return unsafeBitCast(p, to: T.self)
    }

    /// The address of the function `name` (for variadic C functions, called through a C shim).
    func address(_ name: String) throws(Missing) -> UnsafeMutableRawPointer {
        guard let p = dlsym(handle, name) else { throw Missing(name: name) }
        return p
    }
}
