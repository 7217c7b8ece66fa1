import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

/// The rule on a shared hub: the files `%globus` reads or writes (the token file, `--body-file`)
/// lie in the home folder the kernel started in. JupyterHub sets `JUPYTERHUB_USER` for each
/// person's server; a spawner may run everyone as one system user (SimpleLocalProcessSpawner
/// does), so file permissions alone would not keep one student's kernel from another's tokens.
/// Changing `HOME` with `%env` or choosing `token_path` later cannot move the rule.
struct HomeConfinement: Sendable {
    /// The home, without a trailing slash, with symbolic links resolved.
    let home: String

    /// The rule for a kernel under JupyterHub with a home, else nil.
    init?(environment: KernelEnvironment) {
        guard environment.underHub, let home = environment.atStart["HOME"], home.hasPrefix("/"), home != "/" else { return nil }
        self.init(home: home)
    }

    init(home: String) {
        self.home = HomeConfinement.resolved(home)
    }

    /// Throws unless `path` (relative to the working folder) lies inside the home.
    func check(_ path: String, what: String) throws(GlobusError) {
        let full = HomeConfinement.resolved(path)
        guard full.hasPrefix(home + "/") else {
            throw .configuration("On JupyterHub, \(what) must be inside your home folder (\(home)); '\(path)' is not.")
        }
    }

    /// The absolute form of `path` as the system would follow it: component by component, each
    /// symbolic link resolved as it is met (so `link/..` leaves the link's target, as `open`
    /// does); components that do not exist yet (a token file not made) are taken as written.
    static func resolved(_ path: String) -> String {
        var current = "/"
        if !path.hasPrefix("/") {
            var buf = [CChar](repeating: 0, count: 4096)
            if getcwd(&buf, buf.count) != nil { current = String(cString: buf) }
        }
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                current = String(current[..<(current.lastIndex(of: "/") ?? current.startIndex)])
                if current.isEmpty { current = "/" }
                continue
            }
            let next = (current == "/" ? "" : current) + "/" + part
            if let real = realpath(next, nil) {
                current = String(cString: real)
                free(real)
            } else {
                current = next
            }
        }
        return current
    }
}
