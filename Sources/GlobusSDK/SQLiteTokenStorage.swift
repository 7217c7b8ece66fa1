import Support
import CSQLite
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// The Python SDK's SQLite token store (schema version 2): table `token_storage(namespace,
/// resource_server, token_data_json)` holding the same per-token JSON as the JSON file, and
/// `sdk_storage_adapter_internal` with the versions. New files are 0600 in a 0700 directory;
/// SQLite's own locking serialises writers across processes.
public final class SQLiteTokenStorage: TokenStorage {
    /// The database file.
    public let path: String
    /// The namespace of its entries (`DEFAULT` for apps).
    public let namespace: String
    /// How the file and its folder are opened (see `FileAccess`).
    public let files: FileAccess
    private let db: Locked<Connection>
    /// The database's folder, as opened and checked.
    private let folder: OpenDirectory

    final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        let sqlite: SQLiteLibrary
        init(_ h: OpaquePointer, _ sqlite: SQLiteLibrary) {
            handle = h
            self.sqlite = sqlite
        }
        deinit { _ = sqlite.close(handle) }
        /// SQLite's message for the last failure.
        var message: String { sqlite.errmsg(handle).map { String(cString: $0) } ?? "unknown error" }
    }

    /// Opens (or creates) the database at `path`; its files are opened through `files`.
    public init(path: String, namespace: String = "DEFAULT", files: FileAccess = .anywhere) throws(GlobusError) {
        guard path != ":memory:" else {
            throw .configuration("SQLiteTokenStorage cannot be used with a ':memory:' database. If you want to store tokens in memory, use MemoryTokenStorage instead.")
        }
        self.path = path
        self.namespace = namespace
        self.files = files
        do throws(FileAccess.Failure) {
            folder = try files.directory(of: path, what: "the token database", create: true)
            // Made 0600 if new; in any case a regular file, not a link, with one name on a hub.
            let fd = try folder.open(folder.name, what: "the token database", flags: O_RDWR | O_CREAT)
            var st = stat()
            let links = fstat(fd, &st) == 0 ? st.st_nlink : 1
            close(fd)
            if files.isConfined && links > 1 {
                throw FileAccess.Failure(
                    message: "the token database '\(path)' has \(links) hard links; a file shared under another name may be someone else's, so it is not used", code: 0)
            }
        } catch {
            throw .storage("Encountered an error while initializing the token storage file '\(path)': \(error.message)")
        }
        // SQLite opens by path: the folder's walked path, with no link allowed anywhere on it
        // when confined; then it must be the very file checked above.
        let sqlite = try SQLiteLibrary.shared.get()
        var h: OpaquePointer?
        let walked = folder.folderPath + "/" + folder.name
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (folder.confined ? SQLITE_OPEN_NOFOLLOW : 0)
        guard sqlite.open(walked, &h, flags, nil) == SQLITE_OK, let h else {
            _ = sqlite.close(h)
            throw .storage("cannot open token database '\(path)'" + (folder.confined ? " (is a folder on its path a symbolic link?)" : ""))
        }
        guard folder.isSameFile(folder.name, asPath: walked) else {
            _ = sqlite.close(h)
            throw .storage("the token database '\(path)' changed while it was opened; it is not used")
        }
        _ = sqlite.busyTimeout(h, 10_000)
        db = Locked(Connection(h, sqlite))
        try exec(
            """
            CREATE TABLE IF NOT EXISTS token_storage (namespace VARCHAR NOT NULL, resource_server VARCHAR NOT NULL,
                token_data_json VARCHAR NOT NULL, PRIMARY KEY (namespace, resource_server));
            CREATE TABLE IF NOT EXISTS sdk_storage_adapter_internal (attribute VARCHAR NOT NULL, value VARCHAR NOT NULL,
                PRIMARY KEY (attribute));
            INSERT OR IGNORE INTO sdk_storage_adapter_internal(attribute, value) VALUES
                ('globus-sdk.version', '\(SDKInfo.pythonCompatibleVersion)'), ('globus-sdk.database_schema_version', '2');
            """)
    }

    /// The database file.
    public var location: String { path }

    func exec(_ sql: String) throws(GlobusError) {
        try db.withLock { (c: inout Connection) throws(GlobusError) in
            var err: UnsafeMutablePointer<CChar>?
            guard c.sqlite.exec(c.handle, sql, nil, nil, &err) == SQLITE_OK else {
                let m = err.map { String(cString: $0) } ?? "unknown error"
                c.sqlite.free(err)
                throw .storage("token database '\(path)': \(m)")
            }
        }
    }

    /// Runs a prepared statement with text bindings, calling `row` for each result row.
    func run(_ sql: String, _ binds: [String], row: (SQLiteLibrary, OpaquePointer) -> Void = { _, _ in }) throws(GlobusError) {
        try db.withLock { (c: inout Connection) throws(GlobusError) in
            var stmt: OpaquePointer?
            guard c.sqlite.prepare(c.handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                throw .storage("token database '\(path)': \(c.message)")
            }
            defer { _ = c.sqlite.finalize(stmt) }
            for (i, b) in binds.enumerated() { _ = c.sqlite.bindText(stmt, Int32(i + 1), b, -1, gk_sqlite_transient()) }
            while true {
                let rc = c.sqlite.step(stmt)
                if rc == SQLITE_ROW { row(c.sqlite, stmt); continue }
                if rc == SQLITE_DONE { return }
                throw .storage("token database '\(path)': \(c.message)")
            }
        }
    }

    /// All entries of the namespace.
    public func all() throws(GlobusError) -> [String: TokenData] {
        var raw: [(String, String)] = []
        try run("SELECT resource_server, token_data_json FROM token_storage WHERE namespace=?", [namespace]) { sqlite, s in
            // A NULL column (another program's row) is an unusable entry, never a crash.
            guard let rs = sqlite.columnText(s, 0), let text = sqlite.columnText(s, 1) else { return }
            raw.append((String(cString: rs), String(cString: text)))
        }
        var out: [String: TokenData] = [:]
        // As in the JSON store: an entry that cannot be used is skipped (a login replaces it),
        // it does not make every other entry unreadable.
        for (rs, text) in raw {
            guard let doc = try? JSON.parse(text), let t = try? TokenData(json: doc) else { continue }
            out[rs] = t
        }
        return out
    }

    /// Stores entries, replacing those with the same resource server.
    public func store(_ entries: [TokenData]) throws(GlobusError) {
        for e in entries {
            try run(
                "REPLACE INTO token_storage(namespace, resource_server, token_data_json) VALUES(?, ?, ?)",
                [namespace, e.resourceServer, e.json.pythonSerialized])
        }
    }

    /// Removes one entry; true when it existed.
    @discardableResult public func remove(_ rs: String) throws(GlobusError) -> Bool {
        let existed = try get(rs) != nil
        try run("DELETE FROM token_storage WHERE namespace=? AND resource_server=?", [namespace, rs])
        return existed
    }
}
