/// Paths on a simulated collection, as clients write them: `/~/` is the person's home, a path
/// without a leading `/` is in the home, and a folder's own path ends in `/`.
enum SimPath {
    /// A folder's path: the home when empty, in the home when relative, ending in `/`.
    static func folder(_ p: String) -> String {
        var s = p.isEmpty ? "/~/" : p
        if !s.hasPrefix("/") { s = "/~/" + s }
        if !s.hasSuffix("/") { s += "/" }
        return s
    }

    /// The folder a path is in and its name: `/~/data/a.txt` → (`/~/data/`, `a.txt`).
    static func split(_ p: String) -> (folder: String, name: String) {
        let full = p.hasPrefix("/") ? p : "/~/" + p
        let trimmed = full.hasSuffix("/") ? String(full.dropLast()) : full
        guard let slash = trimmed.lastIndex(of: "/") else { return ("/~/", trimmed) }
        return (String(trimmed[...slash]), String(trimmed[trimmed.index(after: slash)...]))
    }

    /// Whether a POSIX file system would refuse the path as too long (ENAMETOOLONG): a name of
    /// more than 255 bytes, or more than 4096 bytes in all.
    static func tooLong(_ p: String) -> Bool {
        p.utf8.count > SimLimits.pathBytes || p.split(separator: "/").contains { $0.utf8.count > SimLimits.nameBytes }
    }
}

/// One person's files on one collection: each folder's path (ending in `/`) with its entries.
/// Every change keeps to the person's quota (`SimLimits`): entries, and bytes of folder paths
/// and entry names, counted as they change (a change costs what it touches, not the tree).
struct FileTree: Sendable {
    private(set) var folders: [String: [SimFile]]
    /// What the tree holds: its entries, and the bytes of its folder paths and entry names.
    private(set) var usage: (entries: Int, bytes: Int)

    init(folders: [String: [SimFile]]) {
        self.folders = folders
        usage = folders.reduce((0, 0)) { ($0.0 + $1.value.count, $0.1 + FileTree.bytes($1.key, $1.value)) }
    }

    /// Why a change was not made.
    enum Refusal: Error, Equatable {
        /// No file or folder at this path.
        case notFound(String)
        /// No folder at this path (to make or move something in).
        case noFolder(String)
        case exists
        case tooLong
        case quotaExceeded
        /// A folder moved into itself or below itself.
        case intoItself
    }

    static func bytes(_ folder: String, _ entries: [SimFile]) -> Int {
        folder.utf8.count + entries.reduce(0) { $0 + $1.name.utf8.count }
    }

    /// Whether the tree is within the person's quota on a collection.
    var withinQuota: Bool { FileTree.fits(usage) }

    static func fits(_ usage: (entries: Int, bytes: Int)) -> Bool {
        usage.entries <= SimLimits.entriesPerCollection && usage.bytes <= SimLimits.bytesPerCollection
    }

    func entries(in folder: String) -> [SimFile]? { folders[folder] }

    /// The file or folder at `path`, if there is one.
    func entry(at path: String) -> SimFile? {
        let (folder, name) = SimPath.split(path)
        return folders[folder]?.first { $0.name == name }
    }

    /// Every file below `folder` (a path ending in `/`), at any depth.
    func files(under folder: String) -> [SimFile] {
        folders.filter { $0.key.hasPrefix(folder) }.flatMap { $0.value.filter { $0.type == "file" } }
    }

    /// Makes the folder `folder` (a path ending in `/`) in its parent.
    mutating func makeFolder(_ folder: String) throws(Refusal) {
        if folders[folder] != nil { throw .exists }
        let (parent, name) = SimPath.split(folder)
        guard folders[parent] != nil else { throw .noFolder(parent) }
        if SimPath.tooLong(folder) { throw .tooLong }
        guard FileTree.fits((usage.entries + 1, usage.bytes + folder.utf8.count + name.utf8.count)) else { throw .quotaExceeded }
        setFolder(folder, [])
        add(SimFile(name: name, type: "dir", size: 4096), in: parent)
    }

    /// Puts the file `file` into `folder` (a path ending in `/`, which must exist), replacing a
    /// file of that name: an upload. A folder of that name is not replaced (`exists`).
    mutating func put(_ file: SimFile, in folder: String) throws(Refusal) {
        guard let entries = folders[folder] else { throw .noFolder(folder) }
        let existing = entries.first { $0.name == file.name }
        if existing?.type == "dir" { throw .exists }
        if SimPath.tooLong(folder + file.name) { throw .tooLong }
        if existing == nil, !FileTree.fits((usage.entries + 1, usage.bytes + file.name.utf8.count)) { throw .quotaExceeded }
        removeEntries(named: file.name, in: folder)
        add(file, in: folder)
    }

    /// The bytes of file content the tree holds in memory (uploads and samples).
    var storedBytes: Int { folders.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.content.storedBytes } } }

    /// Renames (moves) `old` to `new`, a folder with everything below it; never into itself.
    mutating func rename(_ old: String, to new: String) throws(Refusal) {
        let (oldFolder, oldName) = SimPath.split(old), (newFolder, newName) = SimPath.split(new)
        guard let entry = folders[oldFolder]?.first(where: { $0.name == oldName }) else { throw .notFound(old) }
        guard folders[newFolder] != nil else { throw .noFolder(newFolder) }
        guard !(folders[newFolder]!.contains { $0.name == newName }) else { throw .exists }
        let from = oldFolder + oldName + "/", to = newFolder + newName + "/"
        if entry.type == "dir" && to.hasPrefix(from) { throw .intoItself }
        if SimPath.tooLong(newFolder + newName) { throw .tooLong }
        let moved = folders.filter { $0.key.hasPrefix(from) }
        let growth = newName.utf8.count - oldName.utf8.count + moved.count * (to.utf8.count - from.utf8.count)
        guard FileTree.fits((usage.entries, usage.bytes + growth)) else { throw .quotaExceeded }
        removeEntries(named: oldName, in: oldFolder)
        add(SimFile(name: newName, type: entry.type, size: entry.size, content: entry.content), in: newFolder)
        for key in moved.keys { setFolder(key, nil) }
        for (key, entries) in moved { setFolder(to + key.dropFirst(from.count), entries) }
    }

    /// Removes the file or folder at `path`, a folder with everything below it.
    mutating func remove(_ path: String) {
        let (folder, name) = SimPath.split(path)
        removeEntries(named: name, in: folder)
        let below = folder + name + "/"
        for key in folders.keys where key.hasPrefix(below) { setFolder(key, nil) }
    }

    /// Copies `entry` (found in `source`'s folder `from`) into `folder` as `name`, replacing what
    /// has that name there; a folder comes with its whole tree. The caller checks the quota.
    mutating func copy(_ entry: SimFile, in from: String, of source: FileTree, into folder: String, as name: String) {
        if folders[folder] == nil { setFolder(folder, []) }
        removeEntries(named: name, in: folder)
        add(SimFile(name: name, type: entry.type, size: entry.size, content: entry.content), in: folder)
        let below = from + entry.name + "/", to = folder + name + "/"
        for (key, entries) in source.folders where key.hasPrefix(below) {
            setFolder(to + key.dropFirst(below.count), entries)
        }
    }

    /// Sets a folder's entries (nil: no such folder), keeping `usage` current.
    private mutating func setFolder(_ key: String, _ entries: [SimFile]?) {
        if let old = folders[key] { usage = (usage.entries - old.count, usage.bytes - FileTree.bytes(key, old)) }
        folders[key] = entries
        if let entries { usage = (usage.entries + entries.count, usage.bytes + FileTree.bytes(key, entries)) }
    }

    private mutating func add(_ file: SimFile, in folder: String) {
        if folders[folder] == nil { setFolder(folder, []) }
        folders[folder]!.append(file)
        usage = (usage.entries + 1, usage.bytes + file.name.utf8.count)
    }

    private mutating func removeEntries(named name: String, in folder: String) {
        guard let before = folders[folder]?.count else { return }
        folders[folder]!.removeAll { $0.name == name }
        let gone = before - folders[folder]!.count
        usage = (usage.entries - gone, usage.bytes - gone * name.utf8.count)
    }
}
