import CSQLite
import JSON
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The Python SDK's SQLite token store (schema version 2): table `token_storage(namespace,
/// resource_server, token_data_json)` holding the same per-token JSON as the JSON file, and
/// `sdk_storage_adapter_internal` with the versions. New files are 0600 in a 0700 directory;
/// SQLite's own locking serialises writers across processes.
public final class SQLiteTokenStorage: TokenStorage {
    public let path: String
    public let namespace: String
    private let db: Mutex<Connection>

    final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ h: OpaquePointer) { handle = h }
        deinit { sqlite3_close(handle) }
    }

    public init(path: String, namespace: String = "DEFAULT") throws(GlobusError) {
        guard path != ":memory:" else {
            throw .configuration("SQLiteTokenStorage cannot be used with a ':memory:' database. If you want to store tokens in memory, use MemoryTokenStorage instead.")
        }
        self.path = path
        self.namespace = namespace
        guard makePrivateDirectories(parent(of: path)) else {
            throw .storage("Encountered an error while initializing the token storage file '\(path)': \(String(cString: strerror(errno)))")
        }
        let existed = access(path, F_OK) == 0
        if !existed {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        }
        var h: OpaquePointer?
        guard sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil) == SQLITE_OK, let h else {
            throw .storage("cannot open token database '\(path)'")
        }
        sqlite3_busy_timeout(h, 10_000)
        db = Mutex(Connection(h))
        try exec("""
            CREATE TABLE IF NOT EXISTS token_storage (namespace VARCHAR NOT NULL, resource_server VARCHAR NOT NULL,
                token_data_json VARCHAR NOT NULL, PRIMARY KEY (namespace, resource_server));
            CREATE TABLE IF NOT EXISTS sdk_storage_adapter_internal (attribute VARCHAR NOT NULL, value VARCHAR NOT NULL,
                PRIMARY KEY (attribute));
            INSERT OR IGNORE INTO sdk_storage_adapter_internal(attribute, value) VALUES
                ('globus-sdk.version', '\(SDKInfo.pythonCompatibleVersion)'), ('globus-sdk.database_schema_version', '2');
            """)
    }

    public var location: String { path }

    func exec(_ sql: String) throws(GlobusError) {
        try db.withLock { (c: inout Connection) throws(GlobusError) in
            var err: UnsafeMutablePointer<CChar>?
            guard sqlite3_exec(c.handle, sql, nil, nil, &err) == SQLITE_OK else {
                let m = err.map { String(cString: $0) } ?? "unknown error"
                sqlite3_free(err)
                throw .storage("token database '\(path)': \(m)")
            }
        }
    }

    /// Runs a prepared statement with text bindings, calling `row` for each result row.
    func run(_ sql: String, _ binds: [String], row: (OpaquePointer) -> Void = { _ in }) throws(GlobusError) {
        try db.withLock { (c: inout Connection) throws(GlobusError) in
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(c.handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                throw .storage("token database '\(path)': \(String(cString: sqlite3_errmsg(c.handle)))")
            }
            defer { sqlite3_finalize(stmt) }
            for (i, b) in binds.enumerated() { sqlite3_bind_text(stmt, Int32(i + 1), b, -1, gk_sqlite_transient()) }
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_ROW { row(stmt); continue }
                if rc == SQLITE_DONE { return }
                throw .storage("token database '\(path)': \(String(cString: sqlite3_errmsg(c.handle)))")
            }
        }
    }

    public func all() throws(GlobusError) -> [String: TokenData] {
        var raw: [(String, String)] = []
        try run("SELECT resource_server, token_data_json FROM token_storage WHERE namespace=?", [namespace]) { s in
            // A NULL column (another program's row) is an unusable entry, never a crash.
            guard let rs = sqlite3_column_text(s, 0), let text = sqlite3_column_text(s, 1) else { return }
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

    public func store(_ entries: [TokenData]) throws(GlobusError) {
        for e in entries {
            try run("REPLACE INTO token_storage(namespace, resource_server, token_data_json) VALUES(?, ?, ?)",
                    [namespace, e.resourceServer, e.json.pythonSerialized])
        }
    }

    @discardableResult public func remove(_ rs: String) throws(GlobusError) -> Bool {
        let existed = try get(rs) != nil
        try run("DELETE FROM token_storage WHERE namespace=? AND resource_server=?", [namespace, rs])
        return existed
    }
}
