import GlobusSDK
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Counts the changes this process makes to the secrets a session knows (tokens stored or
/// removed through a `WatchedTokenStorage`), so that the secret mask is made again only when
/// something it was made from may have changed.
final class SecretChanges: Sendable {
    private let count = Atomic<UInt64>(0)

    /// The number of changes so far.
    var value: UInt64 { count.load(ordering: .acquiring) }

    /// Notes one change.
    func bump() { count.add(1, ordering: .releasing) }
}

/// A token store that notes every write in `changes` and otherwise is `base`.
final class WatchedTokenStorage: TokenStorage {
    let base: any TokenStorage
    let changes: SecretChanges

    init(_ base: any TokenStorage, changes: SecretChanges) {
        self.base = base
        self.changes = changes
    }

    var namespace: String { base.namespace }
    var location: String { base.location }
    func all() throws(GlobusError) -> [String: TokenData] { try base.all() }

    func store(_ entries: [TokenData]) throws(GlobusError) {
        defer { changes.bump() }
        try base.store(entries)
    }

    @discardableResult func remove(_ resourceServer: String) throws(GlobusError) -> Bool {
        defer { changes.bump() }
        return try base.remove(resourceServer)
    }

    func store(_ entries: [TokenData], ifIdentityIs identity: String) throws(GlobusError) -> String? {
        defer { changes.bump() }
        return try base.store(entries, ifIdentityIs: identity)
    }

    func update(_ rs: String, _ change: (TokenData?) throws(GlobusError) -> TokenData) throws(GlobusError) {
        defer { changes.bump() }
        try base.update(rs, change)
    }
}

/// What a token file looked like (`lstat`: device, inode, size, both times), to tell whether
/// another process may have changed it since. A file changed within the last second is never
/// taken as unchanged: two writes in one tick of the file system's clock can share a stamp.
struct TokenFileLook: Equatable {
    var device: UInt64 = 0
    var inode: UInt64 = 0
    var size: Int64 = -1
    var modified = 0, modifiedNanoseconds = 0, changed = 0, changedNanoseconds = 0
    /// False when the file changed too recently for its stamp to tell a later change.
    var settled = true

    /// How `path` looks now (a missing file has a look of its own).
    init(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        (modified, modifiedNanoseconds) = (st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
        (changed, changedNanoseconds) = (st.st_ctim.tv_sec, st.st_ctim.tv_nsec)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        settled = now.tv_sec - max(st.st_mtim.tv_sec, st.st_ctim.tv_sec) >= 2
    }
}
