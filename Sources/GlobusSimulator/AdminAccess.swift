import Crypto
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// Who may use the admin API (`/admin/…`: faults, the clock, every token issued, scripted
/// approvals), which changes the simulator for everyone and reads everyone's secrets.
public enum AdminAccess: Sendable {
    /// Anyone who can reach the port: a simulator of one's own (tests, demos, benchmarks).
    case open
    /// Only requests with `Authorization: Bearer KEY`, the operator's key.
    case key(String)
    /// No one: a class's simulator, or a kernel's own, started without a key.
    case off

    /// The shortest key taken.
    public static let minimumKeyLength = 16

    /// The answer refusing `r`, or nil when it may go on. Keys are compared by their SHA-256 in
    /// constant time.
    func refusal(_ r: SimRequest) -> SimResponse? {
        switch self {
        case .open:
            return nil
        case .off:
            return .json(
                [
                    "code": "AdminOff",
                    "message":
                        "The admin API is off: this simulator serves a class, or a kernel started it without a key. Its operator can start it with --admin-key-file FILE (or a parent process with --admin-key-fd N) to use it."
                ],
                status: 403)
        case .key(let key):
            if let given = r.bearer, AdminAccess.sameKey(given, key) { return nil }
            return .json(
                ["code": "AdminKeyRequired", "message": "The admin API needs the operator's key (Authorization: Bearer KEY, the key in the simulator's --admin-key-file)."],
                status: 401, headers: [("WWW-Authenticate", "Bearer")])
        }
    }

    static func sameKey(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256.hash(data: Array(a.utf8))), y = Array(SHA256.hash(data: Array(b.utf8)))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The key in `path`: a regular file owned by this process's user that no one else may read
    /// or write (mode 0600 or 0400), holding one line of at least `minimumKeyLength` characters.
    public static func readKey(file path: String) throws(AdminKeyError) -> String {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { throw .notAFile(path) }
        guard st.st_uid == geteuid() else { throw .notYours(path) }
        guard st.st_mode & 0o077 == 0 else { throw .readableByOthers(path, String(st.st_mode & 0o777, radix: 8)) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &bytes, bytes.count)
        guard n > 0, let key = firstLine(bytes[..<n]) else { throw .tooShort(path) }
        return key
    }

    /// The key a parent process passes privately on an inherited file descriptor (a pipe, or a
    /// file of this process's user that no one else may read), one line, which it writes
    /// before or just after starting the simulator. Read until the line ends, the writer closes,
    /// or 10 seconds pass; the descriptor is closed after.
    public static func readKey(fd: Int32) throws(AdminKeyError) -> String {
        let name = "descriptor \(fd)"
        var st = stat()
        guard fd >= 0, fstat(fd, &st) == 0 else { throw .unreadable(name, String(cString: strerror(errno))) }
        defer { close(fd) }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFSOCK || kind == S_IFREG else { throw .notAFile(name) }
        if kind == S_IFREG {
            guard st.st_uid == geteuid() else { throw .notYours(name) }
            guard st.st_mode & 0o077 == 0 else { throw .readableByOthers(name, String(st.st_mode & 0o777, radix: 8)) }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while bytes.count < 4096 && !bytes.contains(UInt8(ascii: "\n")) {
            guard poll(&pfd, 1, 10_000) == 1 else { throw .unreadable(name, "nothing arrived within 10 seconds") }
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[..<n]
        }
        guard let key = firstLine(bytes[...]) else { throw .tooShort(name) }
        return key
    }

    /// The key on the first line, if it is one: at least `minimumKeyLength` characters, no spaces.
    static func firstLine(_ bytes: ArraySlice<UInt8>) -> String? {
        let key = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return key.count >= minimumKeyLength && !key.contains(" ") ? key : nil
    }
}

/// Why an admin key file was not taken (the key itself is never in a message).
public enum AdminKeyError: Error, CustomStringConvertible {
    case unreadable(String, String)
    case notAFile(String)
    case notYours(String)
    case readableByOthers(String, String)
    case tooShort(String)

    public var description: String {
        switch self {
        case .unreadable(let p, let why): "cannot read the admin key from \(p): \(why)"
        case .notAFile(let p): "\(p), the admin key's, is neither a regular file nor a pipe"
        case .notYours(let p): "the admin key file \(p) belongs to another user; it must be the operator's own"
        case .readableByOthers(let p, let mode): "the admin key file \(p) has mode \(mode): others could read it; chmod 600 \(p)"
        case .tooShort(let p): "the admin key in \(p) must be one line of at least \(AdminAccess.minimumKeyLength) characters, no spaces (e.g. what openssl rand -hex 32 prints)"
        }
    }
}
