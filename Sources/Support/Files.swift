#if canImport(Glibc)
    import Glibc
#endif

/// The whole of the file at `path`, or nil (errno set) when it cannot be opened or read. For
/// small files a program reads once (a connection file, a test's output); the SDK's token
/// files are opened through its `FileAccess`, which checks where they are.
public func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { return out }
        out += chunk[0..<n]
    }
}

/// `mkdir -p`: makes each missing folder of `path` with `mode` (those already there are left as
/// they are). False, with errno set, when one cannot be made.
public func makeDirectories(_ path: String, mode: mode_t) -> Bool {
    var built = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        built += "/" + part
        if mkdir(built, mode) != 0 && errno != EEXIST { return false }
    }
    return true
}
