import Support
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// Tokens in memory, lost when the process ends.
public final class MemoryTokenStorage: TokenStorage {
    /// The namespace of its entries.
    public let namespace: String
    private let data = Locked<[String: TokenData]>([:])

    /// An empty store.
    public init(namespace: String = "DEFAULT") { self.namespace = namespace }
    /// `memory`.
    public var location: String { "memory" }
    /// All entries.
    public func all() -> [String: TokenData] { data.withLock { $0 } }
    /// Stores entries, replacing those with the same resource server.
    public func store(_ entries: [TokenData]) { data.withLock { for e in entries { $0[e.resourceServer] = e } } }
    /// Removes one entry; true when it existed.
    @discardableResult public func remove(_ rs: String) -> Bool { data.withLock { $0.removeValue(forKey: rs) != nil } }
}

/// The Python SDK's JSON token file (format 2.0; reads 1.0), made safe: writes are atomic
/// (temp file, fsync, rename), the file is 0600 and its directory 0700, read-modify-write is
/// serialised across processes with `flock` on a sibling lock file, and a file that cannot be
/// parsed is moved aside (never overwritten) with an error that says where it went.
public final class JSONTokenStorage: TokenStorage {
    /// The token file.
    public let path: String
    /// The namespace of its entries (`DEFAULT` for apps).
    public let namespace: String
    /// How the file and its folder are opened (see `FileAccess`).
    public let files: FileAccess
    /// The largest token file read (a real one is a few kilobytes).
    public static let maximumSize = 16 << 20
    /// The entries last read, kept while the file is provably unchanged (see `all()`).
    private let lastRead = Locked<CachedRead?>(nil)
    /// How many times the file has been opened and parsed (for tests of the cache).
    let fileReads = Locked(0)
    /// Written as `globus-sdk.version`, like the Python SDK (which rewrites it on every store).
    static let sdkVersionField = "globus-sdk.version"

    /// Whether reading leaves the folder exactly as it is: no lock file, no folder, and a file
    /// that cannot be parsed left in place (a store made with `create: false`).
    private let readsLeaveNoTrace: Bool

    /// A store in the JSON file at `path` (made when first written); its files are opened
    /// through `files`. With `create` (the default) its folder is made (0700) if missing; a
    /// store made without it is one that is only read (to know which tokens exist): reading
    /// it makes nothing, not even the lock file, and never moves a file aside.
    public init(path: String, namespace: String = "DEFAULT", files: FileAccess = .anywhere, create: Bool = true) throws(GlobusError) {
        self.path = path
        self.namespace = namespace
        self.files = files
        self.readsLeaveNoTrace = !create
        guard create else { return }
        do { _ = try files.directory(of: path, what: "the token file", create: true) } catch {
            throw .storage("Encountered an error while initializing the token storage file '\(path)': \(error.message)")
        }
    }

    /// The token file's folder, opened afresh (so a folder swapped for a link is caught).
    func folder(create: Bool = false) throws(GlobusError) -> OpenDirectory {
        do { return try files.directory(of: path, what: "the token file", create: create) } catch { throw .storage(error.message) }
    }

    /// The token file.
    public var location: String { path }

    /// `~/.globus/app/{client_id}/{slug(app name)}/{env-}tokens.json`, as the Python SDK's `UserApp`.
    public static func defaultPath(
        clientID: String, appName: String, environment: String, fileExtension: String = "json",
        home: String
    ) throws(GlobusError) -> String {
        let prefix = environment == "production" ? "" : "\(environment)-"
        return "\(home)/.globus/app/\(clientID)/\(try slug(appName))/\(prefix)tokens.\(fileExtension)"
    }

    /// The app-name slug: `<>:"/\|?*` → `+`, `.` and space → `-`, non-printables dropped, lowercased.
    public static func slug(_ name: String) throws(GlobusError) -> String {
        var out = ""
        for c in name.unicodeScalars {
            if "<>:\"/\\|?*".unicodeScalars.contains(c) {
                out += "+"
            } else if c == "." || c == " " {
                out += "-"
            } else if c.properties.generalCategory != .control && c.value >= 0x20 {
                out.unicodeScalars.append(c)
            }
        }
        out = out.lowercased()
        if out.isEmpty { throw .configuration("App name results in the empty string. Please choose a different name.") }
        let reserved = ["con", "prn", "aux", "nul"] + (0...9).map { "com\($0)" } + (0...9).map { "lpt\($0)" }
        if reserved.contains(out) { throw .configuration("App name results in a reserved filename (\"\(out)\"). Please choose a different name.") }
        return out
    }

    /// The entries. Every call is a fresh look at the file, because another process (a kernel,
    /// the Python SDK) may have written it; when `stat` shows the same file, unchanged, since a
    /// read that came well after its last change, the entries of that read are returned without
    /// opening it (a warm call's token costs one `lstat` of the path, not a lock, a read and a
    /// parse). The path is looked at as the system resolves it: a match of device, inode, size
    /// and both times is the very file read before, unchanged, whatever route reached it; a
    /// mismatch (a folder swapped for a link included) is a full read through `files`. A path
    /// that names nothing holds no tokens (and nothing is made to find that out), unless `files`
    /// limits where tokens may be: then the path is checked against its rule first.
    public func all() throws(GlobusError) -> [String: TokenData] {
        let now = FileStamp.realtimeNow()
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT && files.rule == .anywhere { return [:] }
        } else if let kept = lastRead.withLock({ $0 }), kept.settled, FileStamp(st) == kept.stamp {
            return kept.entries
        }
        if readsLeaveNoTrace {
            // Our own writers replace the file whole (rename), so a read needs no lock; a file
            // that cannot be parsed is someone else's to repair.
            let dir: OpenDirectory
            do { dir = try files.directory(of: path, what: "the token file", create: false) } catch {
                if error.code == ENOENT { return [:] }
                throw .storage(error.message)
            }
            do { return try readKeeping(dir, at: now, repairs: false) } catch {
                // Caught half written by a writer without a lock: the entries last read stand.
                if let kept = lastRead.withLock({ $0 }) { return kept.entries }
                throw error
            }
        }
        return try withLock { (dir) throws(GlobusError) in try readKeeping(dir, at: now, repairs: true) }
    }

    /// This namespace's entries, read in `dir`, kept for later calls when the file did not
    /// change while it was read and had been quiet a while.
    private func readKeeping(_ dir: OpenDirectory, at now: Double, repairs: Bool) throws(GlobusError) -> [String: TokenData] {
        let before = FileStamp(dir)
        let entries = try read(dir, repairs: repairs).entries[namespace] ?? [:]
        lastRead.withLock { $0 = before.flatMap { b in b == FileStamp(dir) ? CachedRead(stamp: b, readAt: now, entries: entries) : nil } }
        return entries
    }

    /// Stores entries, replacing those with the same resource server (under the file's lock).
    public func store(_ entries: [TokenData]) throws(GlobusError) {
        try withLock { (dir) throws(GlobusError) in
            var f = try read(dir)
            for e in entries { f.set(namespace, e) }
            try write(f, dir)
        }
    }

    /// The identity check and the write happen under one lock, so two processes logging in as
    /// different people can never mix their tokens in the file.
    public func store(_ entries: [TokenData], ifIdentityIs identity: String) throws(GlobusError) -> String? {
        try withLock { (dir) throws(GlobusError) -> String? in
            var f = try read(dir)
            if let other = (f.entries[namespace] ?? [:]).values.compactMap(\.identityID).first(where: { $0 != identity }) { return other }
            for e in entries { f.set(namespace, e) }
            try write(f, dir)
            return nil
        }
    }

    /// Reads, changes and writes one entry as a single step under the cross-process lock (a
    /// refresh seen by every process, none lost).
    public func update(_ rs: String, _ change: (TokenData?) throws(GlobusError) -> TokenData) throws(GlobusError) {
        try withLock { (dir) throws(GlobusError) in
            var f = try read(dir)
            f.set(namespace, try change(f.entries[namespace]?[rs]))
            try write(f, dir)
        }
    }

    /// Removes one entry (under the file's lock); true when it existed.
    @discardableResult public func remove(_ rs: String) throws(GlobusError) -> Bool {
        try withLock { (dir) throws(GlobusError) in
            var f = try read(dir)
            let existed = f.remove(namespace, rs)
            if existed { try write(f, dir) }
            return existed
        }
    }

    /// The file's content as read: the whole document (unknown top-level keys, other
    /// namespaces and entries this process does not change are written back as they were, as
    /// the Python SDK does), and the entries that pass validation. An entry that does not (say,
    /// a float `expires_at_seconds`, which the Python SDK refuses too) is unusable, not a
    /// reason to call the whole file corrupt: it is kept in the file and replaced at the next login.
    struct FileContent {
        var document = JSONObject()
        var entries: [String: [String: TokenData]] = [:]
        /// Entries that failed validation: "namespace/resource server: why".
        var invalid: [String] = []

        init() {
            document["data"] = .object(JSONObject())
            document["format_version"] = "2.0"
            document[JSONTokenStorage.sdkVersionField] = .string(SDKInfo.pythonCompatibleVersion)
        }

        /// Reads the entries of `document["data"]` (checked to be an object by the caller).
        init(document: JSONObject) {
            self.document = document
            for (ns, values) in document["data"]?.object ?? JSONObject() {
                guard let o = values.object else { invalid.append("\(ns): not an object"); continue }
                for (rs, v) in o {
                    do { entries[ns, default: [:]][rs] = try TokenData(json: v) } catch { invalid.append("\(ns)/\(rs): \(error)") }
                }
            }
        }

        var data: JSONObject {
            get { document["data"]?.object ?? JSONObject() }
            set { document["data"] = .object(newValue) }
        }

        mutating func set(_ ns: String, _ e: TokenData) {
            entries[ns, default: [:]][e.resourceServer] = e
            var d = data
            var n = d[ns]?.object ?? JSONObject()
            n[e.resourceServer] = e.json
            d[ns] = .object(n)
            data = d
        }

        mutating func remove(_ ns: String, _ rs: String) -> Bool {
            entries[ns]?.removeValue(forKey: rs)
            var d = data
            guard var n = d[ns]?.object, n[rs] != nil else { return false }
            n[rs] = nil
            d[ns] = .object(n)
            data = d
            return true
        }
    }

    /// How long a file that cannot be parsed may stay so before it is judged corrupt, whatever
    /// else is seen (the Python SDK rewrites the file in place, without a lock: a reader can see
    /// it empty or half written for a moment, or longer when the writer is not scheduled).
    static let settleTime = 3.0
    /// How long the same unreadable bytes must stay before the file is moved aside.
    static let stableTime = 0.3
    /// How long ago the file must have been last written before its unreadable bytes are judged
    /// corrupt: a writer that stalled mid-write on a busy machine (the bytes stay the same for a
    /// while) wrote it just now.
    static let quietTime = 1.0

    /// The file's content, read in `dir` (opened by the locked operation this read is part of).
    /// Without `repairs`, a file that cannot be parsed is left in place, at once, and the error says so.
    func read(_ dir: OpenDirectory, repairs: Bool = true) throws(GlobusError) -> FileContent {
        fileReads.withLock { $0 += 1 }
        var last: [UInt8]? = nil
        var sameSince = monotonicSeconds()
        let start = sameSince
        while true {
            let bytes: [UInt8]
            do { bytes = try files.read(in: dir, what: "the token file", maxBytes: JSONTokenStorage.maximumSize, singleLink: true) } catch {
                if error.code == ENOENT { return FileContent() }
                throw .storage(error.message)
            }
            let problem: GlobusError
            do { return try parse(bytes) } catch { problem = error }
            guard repairs else { throw .storage("The token file '\(path)' could not be read (\(problem)). It was left untouched.") }
            let now = monotonicSeconds()
            if bytes != last { last = bytes; sameSince = now }
            let settled = now - sameSince >= JSONTokenStorage.stableTime && JSONTokenStorage.secondsSinceWritten(dir.status(dir.name)) >= JSONTokenStorage.quietTime
            if settled || now - start >= JSONTokenStorage.settleTime {
                let suffix = ".corrupt-\(time(nil))"
                let aside = path + suffix
                let moved = dir.rename(dir.name, dir.name + suffix)
                throw .storage(
                    "The token file '\(path)' could not be read (\(problem)). "
                        + (moved
                            ? "It was moved aside to '\(aside)' and nothing was lost; log in again to create a new one."
                            : "It was left untouched; fix or remove it, then log in again."))
            }
            usleep(10_000)
        }
    }

    /// Seconds since a file's content or status last changed (0 when unknown or in the future:
    /// a clock set back, or another host's clock on a network file system).
    static func secondsSinceWritten(_ st: stat?) -> Double {
        guard let st else { return 0 }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        func seconds(_ t: timespec) -> Double { Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
        return max(0, seconds(now) - max(seconds(st.st_mtim), seconds(st.st_ctim)))
    }

    func parse(_ bytes: [UInt8]) throws(GlobusError) -> FileContent {
        let doc: JSON
        do { doc = try JSON.parse(bytes) } catch { throw .storage("not valid JSON: \(error)") }
        guard case .object(let top) = doc else { throw .storage("Found non-dict root data while loading from '\(path)' for JSON Token Storage") }
        switch doc["format_version"]?.string {
        case "2.0":
            guard doc["data"]?.object != nil, doc[JSONTokenStorage.sdkVersionField]?.string != nil else {
                throw .storage("Missing required keys in '\(path)' (data, format_version, globus-sdk.version)")
            }
            return FileContent(document: top)
        case "1.0":
            guard let byRS = doc["by_rs"] else { throw .storage("Missing required key 'by_rs' in format 1.0 file '\(path)'") }
            // Rewritten as format 2.0 with the entries under DEFAULT, as the Python SDK does.
            var top = FileContent().document
            top["data"] = ["DEFAULT": byRS]
            return FileContent(document: top)
        default:
            throw .storage(
                "cannot store data using JSONTokenStorage(\(path)) existing data file is in an unknown format (format_version=\(doc["format_version"]?.serialized ?? "missing"))")
        }
    }

    /// Writes the file atomically in `dir` (opened by the locked operation this write is part of).
    func write(_ f: FileContent, _ dir: OpenDirectory) throws(GlobusError) {
        lastRead.withLock { $0 = nil }
        var top = f.document
        top["format_version"] = "2.0"
        top[JSONTokenStorage.sdkVersionField] = .string(SDKInfo.pythonCompatibleVersion)
        let doc = JSON.object(top)
        let bytes = Array(doc.pythonSerialized.utf8)
        let tmp = dir.name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd: Int32
        do { fd = try dir.open(tmp, what: "the token file", flags: O_WRONLY | O_CREAT | O_EXCL) } catch {
            throw .storage("cannot write token file '\(path)': \(error.message)")
        }
        var ok = true
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            off += n
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, dir.rename(tmp, dir.name) else {
            let why = String(cString: strerror(errno))
            dir.remove(tmp)
            throw .storage("cannot write token file '\(path)': \(why)")
        }
        dir.sync()
    }

    /// Runs `body` holding an exclusive lock shared by every process using this file, with the
    /// file's folder opened once for the whole operation.
    func withLock<T>(_ body: (OpenDirectory) throws(GlobusError) -> T) throws(GlobusError) -> T {
        let dir = try folder(create: true)
        let fd: Int32
        do { fd = try dir.open(dir.name + ".lock", what: "the token file's lock", flags: O_RDWR | O_CREAT) } catch {
            throw .storage("cannot open lock file '\(path).lock': \(error.message)")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                // Never write without the lock: another process could be writing too.
                throw .storage("cannot lock the token file '\(path).lock': \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body(dir)
    }
}

/// What `stat` says identifies a file's content: device, inode, size, modification and change times.
struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    /// The stamp of the file `dir.name` in `dir` (a link is not followed).
    init?(_ dir: OpenDirectory) {
        guard let st = dir.status(dir.name) else { return nil }
        self.init(st)
    }

    /// The stamp `st` describes.
    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = st.st_mtim
        changed = st.st_ctim
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }

    /// The latest of the two times, in seconds.
    var lastChange: Double {
        max(Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9, Double(changed.tv_sec) + Double(changed.tv_nsec) / 1e9)
    }

    static func realtimeNow() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// A read of the token file and the stamp the file had then.
struct CachedRead {
    /// File times come from a coarse clock (a few milliseconds), so a write just after a read
    /// could carry the same time as an earlier one. A read made at least this long after the
    /// file's last change cannot be confused that way: any later write gets a later time.
    static let quietTime = 1.0
    var stamp: FileStamp
    var readAt: Double
    var entries: [String: TokenData]
    var settled: Bool { readAt - stamp.lastChange >= CachedRead.quietTime }
}

extension SDKInfo {
    /// What `globus-sdk.version` says in files we write: the Python SDK format this matches.
    public static let pythonCompatibleVersion = "4.10.0"
}

func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
