import Support
#if canImport(Glibc)
    import Glibc
#endif

/// How files are opened: the one way every file the SDK and its callers read or write is
/// opened (token files JSON and SQLite, request bodies from files, announcements, downloads).
///
/// Every open:
/// - refuses a symbolic link as the file itself (`O_NOFOLLOW`) and never blocks on a FIFO or a
///   device (`O_NONBLOCK`), then accepts only a regular file (`fstat`);
/// - reads at most a size cap, so `/dev/zero` or a huge file cannot fill memory;
/// - when confined to a folder (a person's home on a shared machine), walks the path one
///   component at a time from that folder with `openat`, refusing symbolic links and `..` on
///   the way, and does so again at every open, so a folder swapped for a link between two
///   opens is caught; a file with more than one hard link can be refused (it may be another
///   person's file linked in).
public struct FileAccess: Sendable, Equatable {
    enum Rule: Sendable, Equatable {
        case anywhere
        /// Inside `root` (as named and as resolved); `explanation` starts each refusal (`{what}`
        /// stands for the file's description).
        case inside(root: String, resolved: String, explanation: String)
        case refused(String)
    }

    let rule: Rule

    /// Files anywhere the process may open them (a person's own computer).
    public static let anywhere = FileAccess(rule: .anywhere)

    /// Files inside the folder `root` only (an absolute path). `explanation` starts each
    /// refusal, with `{what}` standing for what was refused: "{what} must be inside /srv/x".
    public static func inside(_ root: String, explanation: String) -> FileAccess {
        var resolved = root
        if let real = realpath(root, nil) {
            resolved = String(cString: real)
            free(real)
        }
        return FileAccess(rule: .inside(root: trimmedSlash(root), resolved: trimmedSlash(resolved), explanation: explanation))
    }

    /// No file at all may be opened, for `reason` (a confinement that cannot be set up must
    /// fail closed).
    public static func refused(_ reason: String) -> FileAccess { FileAccess(rule: .refused(reason)) }

    /// The folder files are confined to, if any.
    public var root: String? {
        if case .inside(let root, _, _) = rule { return root }
        return nil
    }

    /// Whether files are confined (to a folder, or refused altogether).
    public var isConfined: Bool { rule != .anywhere }

    /// Why a file could not be opened, read or written; `code` is the `errno` when the system
    /// refused (`ENOENT` for a file that does not exist), else 0 (these rules refused).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What failed and why, naming the file.
        public let message: String
        /// The `errno` it failed with.
        public let code: Int32
        /// The message.
        public var description: String { message }
    }

    /// The whole content of the regular file `path`, at most `maxBytes`. `what` names it in
    /// messages ("the token file", "--body-file"); with `singleLink`, a confined file with more
    /// than one hard link is refused.
    public func read(_ path: String, what: String, maxBytes: Int, singleLink: Bool = false) throws(Failure) -> [UInt8] {
        let dir: OpenDirectory
        do { dir = try directory(of: path, what: what, create: false) } catch { throw plainly(error, what, path) }
        return try read(in: dir, what: what, maxBytes: maxBytes, singleLink: singleLink)
    }

    /// The whole content of the regular file `dir.name` in a folder already opened (within one
    /// operation that opened it: a locked read-modify-write).
    func read(in dir: OpenDirectory, what: String, maxBytes: Int, singleLink: Bool = false) throws(Failure) -> [UInt8] {
        let path = dir.path
        let fd: Int32
        do { fd = try dir.open(dir.name, what: what, flags: O_RDONLY) } catch { throw plainly(error, what, path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(message: "cannot read \(what) '\(path)': \(systemError())", code: errno) }
        if singleLink && isConfined && st.st_nlink > 1 {
            throw Failure(message: "\(what) '\(path)' has \(st.st_nlink) hard links; a file shared under another name may be someone else's, so it is not used", code: 0)
        }
        if Int(st.st_size) > maxBytes { throw tooLarge(what, path, maxBytes) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot read \(what) '\(path)': \(systemError())", code: errno)
            }
            if n == 0 { return out }
            out += buf[0..<n]
            // The file may grow while it is read.
            if out.count > maxBytes { throw tooLarge(what, path, maxBytes) }
        }
    }

    /// Checks, without opening anything, that `path` is one these rules could allow (inside the
    /// folder, no `..`); an early and clear answer before anything is made.
    public func check(_ path: String, what: String) throws(Failure) {
        _ = try components(of: path, what: what)
    }

    /// The folder holding `path`, opened, with the file's name in it. With `create`, missing
    /// folders are made (mode 0700).
    func directory(of path: String, what: String, create: Bool) throws(Failure) -> OpenDirectory {
        let (start, parts) = try components(of: path, what: what)
        guard let name = parts.last else { throw Failure(message: "\(what) '\(path)' names a folder, not a file", code: EISDIR) }
        switch rule {
        case .anywhere:
            // A person's own paths: the folders are followed as the system does; the file
            // itself is opened without following a link.
            let folder = start + parts.dropLast().joined(separator: "/")
            let shown = folder.isEmpty ? "/" : folder
            var fd = Glibc.open(shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd < 0 && errno == ENOENT && create {
                guard makeDirectories(shown, mode: 0o700) else {
                    throw Failure(message: "cannot create the folder of \(what) '\(path)': \(systemError())", code: errno)
                }
                fd = Glibc.open(shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
            guard fd >= 0 else { throw Failure(message: "cannot open the folder of \(what) '\(path)': \(systemError())", code: errno) }
            return OpenDirectory(fd: fd, name: name, path: path, folderPath: shown)
        case .inside(_, let resolved, let explanation):
            var fd = Glibc.open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure(message: "\(explain(explanation, what)): the folder \(resolved) cannot be opened (\(systemError()))", code: errno) }
            for part in parts.dropLast() {
                var next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if next < 0 && errno == ENOENT && create {
                    if mkdirat(fd, part, 0o700) != 0 && errno != EEXIST {
                        let code = errno
                        close(fd)
                        throw Failure(message: "cannot create the folder of \(what) '\(path)': \(systemError(code))", code: code)
                    }
                    next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                let code = errno
                close(fd)
                guard next >= 0 else {
                    if code == ELOOP || code == ENOTDIR {
                        throw Failure(
                            message: "\(explain(explanation, what)), reached without symbolic links: '\(path)' passes through '\(part)', which is a symbolic link or not a folder",
                            code: code)
                    }
                    throw Failure(message: "cannot open the folder of \(what) '\(path)': \(systemError(code))", code: code)
                }
                fd = next
            }
            return OpenDirectory(fd: fd, name: name, path: path, folderPath: ([resolved] + parts.dropLast()).joined(separator: "/"), confined: true)
        case .refused(let reason):
            throw Failure(message: reason, code: 0)
        }
    }

    /// Where the walk starts ("/" or, unconfined, the working folder's path) and the path's
    /// components below it; for a confined path, the components below the root.
    func components(of path: String, what: String) throws(Failure) -> (String, [String]) {
        let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        let parts = absolute.split(separator: "/").map(String.init).filter { $0 != "." }
        switch rule {
        case .anywhere:
            return ("/", parts)
        case .inside(let root, let resolved, let explanation):
            guard !parts.contains("..") else {
                throw Failure(message: "\(explain(explanation, what)), named without '..': '\(path)' is not", code: 0)
            }
            for r in [root, resolved] {
                let rootParts = r.split(separator: "/").map(String.init)
                if parts.count > rootParts.count && Array(parts.prefix(rootParts.count)) == rootParts {
                    return (resolved, Array(parts.dropFirst(rootParts.count)))
                }
            }
            throw Failure(message: "\(explain(explanation, what)); '\(path)' is not", code: 0)
        case .refused(let reason):
            throw Failure(message: reason, code: 0)
        }
    }

    /// A file or folder that is not there, or not ours to read, said plainly as `open` would.
    func plainly(_ error: Failure, _ what: String, _ path: String) -> Failure {
        guard error.code == ENOENT || error.code == EACCES else { return error }
        return Failure(message: "cannot read \(what) '\(path)': \(systemError(error.code))", code: error.code)
    }

    func explain(_ explanation: String, _ what: String) -> String { explanation.replacing("{what}", with: what) }

    func tooLarge(_ what: String, _ path: String, _ cap: Int) -> Failure {
        Failure(message: "\(what) '\(path)' is larger than \(cap >= 1 << 20 ? "\(cap >> 20) MB" : "\(cap >> 10) KB"), more than it can be", code: EFBIG)
    }

    static func trimmedSlash(_ p: String) -> String {
        var p = p
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// A folder opened by `FileAccess`, and the name of the file in it that the caller is after.
/// Everything done in it is done relative to the open folder (`openat`, `renameat`,
/// `fstatat`), so it stays the same folder whatever happens to its path meanwhile.
final class OpenDirectory: @unchecked Sendable {
    /// The open folder's file descriptor.
    let fd: Int32
    /// The name of the file in this folder.
    let name: String
    /// The path as given (for messages).
    let path: String
    /// The folder's own path: as the person named it, or, when confined, the one walked (with
    /// no symbolic link in it).
    let folderPath: String
    /// Whether it was reached by a confined walk (no symbolic link on the way).
    let confined: Bool

    init(fd: Int32, name: String, path: String, folderPath: String, confined: Bool = false) {
        self.fd = fd
        self.name = name
        self.path = path
        self.folderPath = folderPath
        self.confined = confined
    }

    deinit { close(fd) }

    /// Opens `name` in this folder: never through a symbolic link, never blocking; only a
    /// regular file is accepted. `flags` may add `O_CREAT`, `O_EXCL`, `O_WRONLY`, `O_RDWR`.
    func open(_ name: String, what: String, flags: Int32, mode: mode_t = 0o600) throws(FileAccess.Failure) -> Int32 {
        let fd = openat(self.fd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw FileAccess.Failure(message: "\(what) '\(path)' is a symbolic link, which is not followed", code: code) }
            throw FileAccess.Failure(message: "cannot open \(what) '\(path)': \(systemError(code))", code: code)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileAccess.Failure(message: "\(what) '\(path)' is not a regular file", code: EINVAL)
        }
        // O_NONBLOCK has no effect on a regular file's reads and writes, nor on `flock`.
        return fd
    }

    /// What `fstatat` says of `name` in this folder, without following a link.
    func status(_ name: String) -> stat? {
        var st = stat()
        return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st : nil
    }

    /// Renames `from` to `to`, both in this folder (atomic).
    func rename(_ from: String, _ to: String) -> Bool { renameat(fd, from, fd, to) == 0 }

    /// Removes `name` from this folder.
    func remove(_ name: String) { unlinkat(fd, name, 0) }

    /// Makes the folder's entries durable (after a rename).
    func sync() { fsync(fd) }

    /// Whether `name` in this folder is, right now, the same file as `other` at `path` (device
    /// and inode): for a library that opens by path, to check it opened what was checked here.
    func isSameFile(_ name: String, asPath other: String) -> Bool {
        var st = stat()
        guard let mine = status(name), stat(other, &st) == 0 else { return false }
        return mine.st_dev == st.st_dev && mine.st_ino == st.st_ino
    }
}

func systemError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buf, buf.count) != nil else { return "/" }
    return String(cString: buf)
}
