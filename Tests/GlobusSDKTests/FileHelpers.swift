import JSON
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// A new empty directory under /tmp.
func scratchDirectory() -> String {
    var t = Array("/tmp/gk-sdk-XXXXXX".utf8CString)
    return String(cString: mkdtemp(&t)!)
}

func writeAll(_ path: String, _ text: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    defer { close(fd) }
    return text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) } >= 0
}

func listDir(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        out.append(withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
    }
    return out.filter { $0 != "." && $0 != ".." }
}
