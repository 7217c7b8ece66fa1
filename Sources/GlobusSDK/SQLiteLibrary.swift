import CSQLite

/// SQLite, loaded on first use with `dlopen` (see `DynamicLibrary`): only the SQLite token
/// store needs it, so no other process pays for loading it.
struct SQLiteLibrary: @unchecked Sendable {
    typealias Handle = OpaquePointer
    let open: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Handle?>?, Int32, UnsafePointer<CChar>?) -> Int32
    let close: @convention(c) (Handle?) -> Int32
    let busyTimeout: @convention(c) (Handle?, Int32) -> Int32
    let exec:
        @convention(c) (
            Handle?, UnsafePointer<CChar>?,
            (@convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32)?,
            UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        ) -> Int32
    let free: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let errmsg: @convention(c) (Handle?) -> UnsafePointer<CChar>?
    let prepare: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<Handle?>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    let finalize: @convention(c) (Handle?) -> Int32
    let bindText: @convention(c) (Handle?, Int32, UnsafePointer<CChar>?, Int32, sqlite3_destructor_type?) -> Int32
    let step: @convention(c) (Handle?) -> Int32
    let columnText: @convention(c) (Handle?, Int32) -> UnsafePointer<UInt8>?

    /// The loaded library, or why it could not be loaded.
    static let shared: Result<SQLiteLibrary, GlobusError> = load()

    static func load() -> Result<SQLiteLibrary, GlobusError> {
        do throws(GlobusError) {
            let l = try DynamicLibrary(["libsqlite3.so.0", "libsqlite3.so"], install: "libsqlite3-0 (Debian: apt-get install libsqlite3-0)")
            do throws(DynamicLibrary.Missing) {
                return .success(
                    SQLiteLibrary(
                        open: try l.function("sqlite3_open_v2"), close: try l.function("sqlite3_close"),
                        busyTimeout: try l.function("sqlite3_busy_timeout"), exec: try l.function("sqlite3_exec"),
                        free: try l.function("sqlite3_free"), errmsg: try l.function("sqlite3_errmsg"),
                        prepare: try l.function("sqlite3_prepare_v2"), finalize: try l.function("sqlite3_finalize"),
                        bindText: try l.function("sqlite3_bind_text"), step: try l.function("sqlite3_step"),
                        columnText: try l.function("sqlite3_column_text")))
            } catch {
                return .failure(.configuration("this SQLite lacks \(error.name)"))
            }
        } catch {
            return .failure(error)
        }
    }
}
