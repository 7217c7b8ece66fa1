import GlobusSDK

/// The rule on a shared hub: the files `%globus` reads or writes (the token file, `--body-file`,
/// the class simulator's announcement, demo tokens) lie in the home folder the kernel started
/// in, reached without symbolic links, checked again at every open (`FileAccess`). JupyterHub
/// sets `JUPYTERHUB_USER` for each person's server; a spawner may run everyone as one system
/// user (SimpleLocalProcessSpawner does), so file permissions alone would not keep one
/// student's kernel from another's tokens. Changing `HOME` with `%env` or choosing
/// `token_path` later cannot move the rule, and a hub kernel without a usable home opens no
/// file at all (the rule fails closed).
struct HomeConfinement: Sendable {
    /// How files are opened under the rule.
    let files: FileAccess

    /// The rule for a kernel started under JupyterHub, else nil.
    init?(environment: KernelEnvironment) {
        guard let home = environment.settings.hub?.home else { return nil }
        guard home.hasPrefix("/"), home.split(separator: "/").contains(where: { $0 != "." && $0 != ".." }), !home.contains("/../") else {
            self.init(
                files: .refused(
                    "On JupyterHub, %globus keeps each person's files in their own home folder, but this kernel started with HOME="
                        + (home.isEmpty ? "(not set)" : "'\(home)'")
                        + ", which is no home folder; so it reads and writes no file. Ask whoever runs the hub to set HOME for each person."))
            return
        }
        self.init(home: home)
    }

    init(home: String) {
        self.init(files: .inside(home, explanation: "On JupyterHub, {what} must be inside your home folder (\(home))"))
    }

    init(files: FileAccess) { self.files = files }

    /// The home folder, when there is one.
    var home: String? { files.root }

    /// Throws unless `path` (relative to the working folder) could lie inside the home.
    func check(_ path: String, what: String) throws(GlobusError) {
        do { try files.check(path, what: what) } catch { throw .configuration(error.message) }
    }
}
