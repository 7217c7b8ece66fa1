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
    /// No one: a class's simulator started without a key.
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
            return .json(["code": "AdminOff", "message": "The admin API is off: this simulator serves a class. Its operator can start it with --admin-key-file FILE to use it."],
                         status: 403)
        case .key(let key):
            if let given = r.bearer, AdminAccess.sameKey(given, key) { return nil }
            return .json(["code": "AdminKeyRequired", "message": "The admin API needs the operator's key (Authorization: Bearer KEY, the key in the simulator's --admin-key-file)."],
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
        guard n > 0 else { throw .tooShort(path) }
        let key = String(decoding: bytes[..<n], as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard key.count >= minimumKeyLength, !key.contains(" ") else { throw .tooShort(path) }
        return key
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
        case .unreadable(let p, let why): "cannot read the admin key file \(p): \(why)"
        case .notAFile(let p): "the admin key file \(p) is not a regular file"
        case .notYours(let p): "the admin key file \(p) belongs to another user; it must be the operator's own"
        case .readableByOthers(let p, let mode): "the admin key file \(p) has mode \(mode): others could read it; chmod 600 \(p)"
        case .tooShort(let p): "the admin key file \(p) must hold one line of at least \(AdminAccess.minimumKeyLength) characters, no spaces (e.g. openssl rand -hex 32 > \(p))"
        }
    }
}
