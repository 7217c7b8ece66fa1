import Support
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// What `globus-sim` removes when it ends, so that nothing it or its parent wrote stays in
/// `$TMPDIR`: the folder it made for its CA certificate (at any end: returning, an error,
/// SIGTERM, SIGINT or SIGHUP), and the parent's folder named with `--parent-folder` (only when
/// the parent is gone: a kernel killed before it could remove its demo tokens).
final class ExitCleanup: Sendable {
    private struct State {
        var own: (file: String, folder: String)?
        var parentFolder: String?
        var done = false
    }
    private let state = Locked(State())

    /// Removes `file` and then `folder` at the end (a folder this process made for it).
    func own(file: String, in folder: String) { state.withLock { $0.own = (file, folder) } }

    /// Removes `folder`'s files and the folder itself if the parent process is gone at the end.
    func parentFolder(_ folder: String) { state.withLock { $0.parentFolder = folder } }

    /// Runs the clean-up on SIGTERM, SIGINT and SIGHUP, then exits with 128 + the signal's number,
    /// for as long as the caller keeps the sources returned.
    func onSignals() -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                self.exit(128 + sig)
            }
            source.resume()
            return source
        }
    }

    /// Removes what this process made (and, when `parentGone`, the parent's folder). Only the first call acts.
    func run(parentGone: Bool) {
        let todo: State? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            return s
        }
        guard let todo else { return }
        if let (file, folder) = todo.own {
            unlink(file)
            rmdir(folder)
        }
        if parentGone, let folder = todo.parentFolder { ExitCleanup.removeFlatFolder(folder) }
    }

    /// Runs the clean-up, then exits.
    func exit(_ code: Int32, parentGone: Bool = false) -> Never {
        run(parentGone: parentGone)
        Glibc.exit(code)
    }

    /// Removes the files directly in `folder`, then the folder: only a real folder (not a link)
    /// of this user, and nothing below a subfolder (which then keeps the folder in place).
    static func removeFlatFolder(_ folder: String) {
        var st = stat()
        guard lstat(folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid(),
            let dir = opendir(folder)
        else { return }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names {
            var entry = stat()
            if lstat(folder + "/" + name, &entry) == 0, (entry.st_mode & S_IFMT) != S_IFDIR { unlink(folder + "/" + name) }
        }
        rmdir(folder)
    }
}
