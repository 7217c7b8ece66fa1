import JSON
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// A kernelspec to install: `kernel.json` plus resource files (logos).
public struct KernelSpec: Sendable {
    public var name: String
    public var displayName: String
    public var language: String
    public var argv: [String]
    public var env: [(String, String)] = []
    public var metadata: JSON = [:]
    /// How Jupyter interrupts the kernel: `message` (an `interrupt_request` on the control
    /// channel) or `signal` (SIGINT to the process, or what a gateway's launcher does with it).
    public var interruptMode = "message"
    public var resources: [(name: String, bytes: [UInt8])] = []

    public init(name: String, displayName: String, language: String, argv: [String]) {
        self.name = name
        self.displayName = displayName
        self.language = language
        self.argv = argv
    }

    /// The `kernel.json` document.
    public var json: JSON {
        var o: JSON = [
            "argv": .array(argv.map(JSON.string)),
            "display_name": .string(displayName),
            "language": .string(language),
            "interrupt_mode": .string(interruptMode),
            "metadata": metadata,
            "kernel_protocol_version": .string(HeaderFactory.protocolVersion)
        ]
        if !env.isEmpty {
            var e = JSONObject()
            for (k, v) in env { e[k] = .string(v) }
            o.setMember("env", .object(e))
        }
        return o
    }

    /// Where kernelspecs are installed.
    public enum Location: Sendable, Equatable {
        /// A Jupyter data directory (`kernels` lies in it).
        case dataDirectory(String)
        /// `PREFIX/share/jupyter`.
        case prefix(String)

        /// The user's Jupyter data directory as `variables` (the process's environment) name it:
        /// `JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else `~/.local/share/jupyter`.
        public static func user(_ variables: [String: String]) -> Location {
            func value(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
            if let d = value("JUPYTER_DATA_DIR") { return .dataDirectory(d) }
            if let x = value("XDG_DATA_HOME") { return .dataDirectory(x + "/jupyter") }
            return .dataDirectory((value("HOME") ?? "/") + "/.local/share/jupyter")
        }

        /// The `kernels` directory of this location.
        public var kernelsDirectory: String {
            switch self {
            case .dataDirectory(let d): d + "/kernels"
            case .prefix(let p): p + "/share/jupyter/kernels"
            }
        }
    }

    /// A failure to install or remove a kernelspec.
    public struct InstallError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Validates a kernel name (`^[a-z0-9._-]+$`, lowercased as jupyter does).
    public static func validName(_ name: String) -> String? {
        let n = name.lowercased()
        guard !n.isEmpty, n.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "." || $0 == "_" || $0 == "-" }) else { return nil }
        return n
    }

    /// Writes the spec into `location`, replacing an existing one; returns its directory.
    @discardableResult
    public func install(into location: Location) throws(InstallError) -> String {
        guard let n = KernelSpec.validName(name) else {
            throw InstallError(description: "invalid kernel name '\(name)': use letters, digits, '.', '_' and '-'")
        }
        let dir = location.kernelsDirectory + "/" + n
        guard makeDirectories(dir, mode: 0o755) else { throw InstallError(description: "cannot create \(dir): \(String(cString: strerror(errno)))") }
        var files: [(String, [UInt8])] = [("kernel.json", Array(json.serialized(indent: 1).utf8) + [0x0A])]
        files += resources.map { ($0.name, $0.bytes) }
        for (file, bytes) in files {
            guard writeFile(dir + "/" + file, bytes, mode: 0o644) else {
                throw InstallError(description: "cannot write \(dir)/\(file): \(String(cString: strerror(errno)))")
            }
        }
        return dir
    }

    /// Removes the kernelspec named `name` from `location`; returns the removed directory.
    public static func uninstall(name: String, from location: Location) throws(InstallError) -> String {
        guard let n = validName(name) else { throw InstallError(description: "invalid kernel name '\(name)'") }
        let dir = location.kernelsDirectory + "/" + n
        guard access(dir + "/kernel.json", F_OK) == 0 else {
            throw InstallError(description: "no kernelspec named '\(n)' in \(location.kernelsDirectory)")
        }
        guard let d = opendir(dir) else { throw InstallError(description: "cannot read \(dir)") }
        var names: [String] = []
        while let e = readdir(d) {
            let s = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if s != "." && s != ".." { names.append(s) }
        }
        closedir(d)
        for f in names where unlink(dir + "/" + f) != 0 {
            throw InstallError(description: "cannot remove \(dir)/\(f): \(String(cString: strerror(errno)))")
        }
        guard rmdir(dir) == 0 else { throw InstallError(description: "cannot remove \(dir): \(String(cString: strerror(errno)))") }
        return dir
    }
}

/// Writes a whole file (truncating), with `mode` for a new file.
func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return false }
        off += n
    }
    return true
}
