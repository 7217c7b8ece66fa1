import Support
import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel's own `globus-sim` process and the private folder of the demo's tokens and CA
/// certificate. Released once, by whichever comes first: `%globus demo off`, a new demo, or
/// the kernel's end (from the thread that ends the process, while a cell may still run). If the
/// kernel is killed before it can, the simulator removes the folder itself when it sees its
/// parent gone (`--parent-folder`).
final class DemoChild: Sendable {
    let pid: pid_t
    let folder: String
    private let released = Locked(false)

    /// The files the demo keeps in its folder: the token stores (and their lock or journal) and
    /// the simulator's CA certificate.
    static let fileNames = ["tokens.json", "tokens.json.lock", "tokens.db", "tokens.db-journal", "ca.pem"]

    init(pid: pid_t, folder: String) {
        self.pid = pid
        self.folder = folder
    }

    /// Stops the simulator, then removes the demo's files and folder. Only the first call acts.
    func release() {
        guard
            released.withLock({ done in
                defer { done = true }; return !done
            })
        else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        DemoChild.removeFolder(folder)
    }

    /// Removes the demo's files from `folder`, then the folder (left in place if anything else is in it).
    static func removeFolder(_ folder: String) {
        for name in fileNames { unlink(folder + "/" + name) }
        rmdir(folder)
    }
}

/// The offline demo: a Globus Simulator on loopback. Either the kernel's own `globus-sim` child
/// process (installed beside the kernel; the kernel itself contains none of the simulator's code),
/// which exits with the kernel, or a class's shared simulator that an operator started with
/// `globus-sim --people N --ready-file FILE` and named with `GLOBUS_KERNEL_DEMO_SIMULATOR=FILE`.
/// Its service URLs are variables laid over the kernel's own when the settings are made; nothing
/// in the process changes.
final class DemoSimulator {
    /// Where the simulator comes from.
    enum Origin {
        /// The kernel's own child process, and the private folder of its tokens (gone at stop).
        case own(DemoChild)
        /// A class's simulator, announced in this file; tokens are kept in the person's home.
        case shared(file: String)
    }

    let origin: Origin
    /// What the simulator announced: its service URLs, CA bundle and environment name.
    let variables: [String: String]
    /// Logins are approved at once as this person (unattended runs), or by a click in the browser.
    let autoApprove: String?
    /// The JupyterHub API token the kernel inherited from its single-user server, shown to a
    /// class's simulator (and nothing else) so that it can ask the hub whose kernel this is.
    let hubToken: String?

    /// The environment name of a shared simulator's tokens: the Python SDK's file naming then
    /// gives `~/.globus/app/CLIENT/APP/demo-tokens.json`, beside (never in) the real tokens.
    static let sharedEnvironmentName = "demo"

    /// `globus-sim` next to this executable.
    static var binary: String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "globus-kernel"
        return String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)]) + "/globus-sim"
    }

    /// Uses the shared simulator named by `GLOBUS_KERNEL_DEMO_SIMULATOR`, or starts the kernel's own.
    /// On a hub the file is the one the operator named when the kernel started: `%env` cannot
    /// point a student's kernel at another file.
    static func start(autoApprove: String?, environment: KernelEnvironment) throws(GlobusError) -> DemoSimulator {
        let decided = environment.decided
        if let file = decided.demoAnnouncementFile {
            return try DemoSimulator(sharedFile: file, autoApprove: autoApprove, hubToken: decided.hubAPIToken)
        }
        return try DemoSimulator(autoApprove: autoApprove, environment: environment)
    }

    /// The largest announcement read (a real one is under a kilobyte).
    static let announcementSize = 64 << 10

    /// A class's running simulator, from the JSON line it wrote with `--ready-file`. The file
    /// is the operator's (on a hub, named when the kernel started), read as a regular file of
    /// at most `announcementSize` bytes: a device or a FIFO is refused, not read.
    init(sharedFile file: String, autoApprove: String?, hubToken: String?) throws(GlobusError) {
        let bytes: [UInt8]
        do { bytes = try FileAccess.anywhere.read(file, what: "the class simulator's file", maxBytes: DemoSimulator.announcementSize) } catch {
            throw .configuration("demo mode: \(error.message) (GLOBUS_KERNEL_DEMO_SIMULATOR). Ask whoever runs the hub to start it (globus-sim --people N --ready-file \(file)).")
        }
        guard let env = DemoSimulator.announcedEnvironment(bytes) else {
            throw .configuration("demo mode: \(file) (GLOBUS_KERNEL_DEMO_SIMULATOR) is not a simulator's announcement (globus-sim --ready-file writes it)")
        }
        origin = .shared(file: file)
        self.autoApprove = autoApprove
        self.hubToken = hubToken.flatMap { $0.isEmpty ? nil : $0 }
        variables = env
    }

    /// The environment in a `--ready-json` line, if it is one.
    static func announcedEnvironment(_ line: [UInt8]) -> [String: String]? {
        guard let doc = try? JSON.parse(line), doc["ready"]?.bool == true, let env = doc["environment"]?.object,
            env["GLOBUS_SDK_SERVICE_URL_AUTH"]?.string != nil
        else { return nil }
        return env.reduce(into: [:]) { $0[$1.key] = $1.value.string }
    }

    /// Starts the simulator with the kernel's environment and reads its announcement: one JSON
    /// line, `{"ready": true, "environment": {…}}` (`globus-sim --ready-json`).
    init(autoApprove: String?, environment: KernelEnvironment) throws(GlobusError) {
        self.autoApprove = autoApprove
        hubToken = nil
        let bin = DemoSimulator.binary
        guard access(bin, X_OK) == 0 else {
            throw .configuration("demo mode needs globus-sim beside the kernel (\(bin)); build it with `swift build --product globus-sim`, or reinstall with `make kernelspec`")
        }
        var template = Array(((environment.decided.temporaryFolder) + "/globus-kernel-demo-XXXXXX").utf8CString)
        guard let dir = mkdtemp(&template) else { throw .configuration("demo mode: cannot make a folder for the demo's tokens: \(String(cString: strerror(errno)))") }
        let folder = String(cString: dir)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { rmdir(folder); throw .configuration("demo mode: cannot create a pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        // The simulator writes its CA certificate into the demo's folder, and removes that
        // folder if the kernel dies without doing so.
        var args = [bin, "--port", "0", "--parent-pid", String(getpid()), "--parent-folder", folder, "--ready-json"]
        // Unattended runs use HTTPS, as production does. When a person signs in, their own
        // browser opens the simulator's page: plain HTTP on loopback, so that it opens without a
        // certificate warning (the banner says so).
        if let autoApprove { args += ["--auto-approve", autoApprove, "--tls", "--ca-file", folder + "/ca.pem"] }
        // A person watching a demo sees tasks move (4 s); unattended runs take 1 s.
        // GLOBUS_SIM_TASK_SECONDS in the kernel's environment sets it either way.
        if environment["GLOBUS_SIM_TASK_SECONDS"] == nil && autoApprove == nil { args += ["--task-seconds", "4"] }
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.childEnvironment().map { strdup($0) } + [nil]
        defer { for a in argv + envp { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, bin, &actions, nil, &argv, &envp)
        posix_spawn_file_actions_destroy(&actions)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); rmdir(folder); throw .configuration("demo mode: cannot start globus-sim: \(String(cString: strerror(rc)))") }
        // One line of JSON once it listens.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let deadline = monotonicNanoseconds() + 20_000_000_000
        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        while monotonicNanoseconds() < deadline, poll(&pfd, 1, Int32((deadline - monotonicNanoseconds()) / 1_000_000)) == 1,
            read(fds[0], &byte, 1) == 1, byte != UInt8(ascii: "\n")
        { line.append(byte) }
        close(fds[0])
        guard let env = DemoSimulator.announcedEnvironment(line) else {
            DemoChild(pid: child, folder: folder).release()
            throw .configuration("demo mode: globus-sim did not start (it announced: \(String(decoding: line.prefix(200), as: UTF8.self)))")
        }
        origin = .own(DemoChild(pid: child, folder: folder))
        variables = env
    }

    /// The demo's own token file (`tokens.json` or `tokens.db`) in its private folder; nil for a
    /// shared simulator, whose tokens are kept in the person's home under the `demo` environment.
    func privateTokenPath(fileExtension: String) -> String? {
        guard case .own(let child) = origin else { return nil }
        return child.folder + "/tokens." + fileExtension
    }

    /// How the demo's own token files are opened: inside its private folder only.
    var privateFiles: FileAccess? {
        guard case .own(let child) = origin else { return nil }
        return .inside(child.folder, explanation: "{what} of demo mode must be inside its own folder (\(child.folder))")
    }

    /// Stops the kernel's own simulator and removes the demo's tokens; a shared one runs on, and
    /// the person's demo tokens stay for the next kernel.
    func stop() { ownChild?.release() }

    /// The kernel's own simulator process, if it is one.
    var ownChild: DemoChild? {
        guard case .own(let child) = origin else { return nil }
        return child
    }

    var authURL: String { variables["GLOBUS_SDK_SERVICE_URL_AUTH"] ?? "" }

    var banner: String {
        if case .shared = origin {
            return "Demo mode: this kernel talks to the class's Globus Simulator at \(authURL), shared by everyone on this hub, not the real Globus. "
                + (autoApprove.map { "Logins are approved automatically as \($0). " } ?? "Sign in on the simulator's page and paste the code as usual. ")
                + "Demo tokens are kept in your home as demo-tokens.json, apart from any real ones."
        }
        return "Demo mode: this kernel talks to a local Globus Simulator at \(authURL), not the real Globus. "
            + (autoApprove.map { "Logins are approved automatically as \($0) (HTTPS with the simulator's own certificate authority)." }
                ?? "Sign in on the simulator's page and paste the code as usual. The simulator uses plain HTTP on this computer only, so that your browser opens its sign-in page without a certificate warning.")
    }
}

/// Demo mode's unattended sign-in, as a login flow: the simulator's sign-in page, asked for JSON,
/// approves at once as the demo's person and answers the code (what a person does by clicking).
struct SimulatorApproval: LoginFlow {
    let http: GlobusHTTP
    let identity: String
    /// A class's simulator: the JupyterHub token it is shown (`Authorization: token …`) and its
    /// auth URL; the token goes with an authorize request to that URL only.
    var classSimulator: (hubToken: String, authURL: String)?

    func obtainCode(authorizeURL: String) throws(GlobusError) -> String {
        // The person is named in the request; a class's simulator approves each student only
        // as the hub user who owns the token, whatever the request names.
        let url = authorizeURL + (authorizeURL.contains("?") ? "&" : "?") + "sim_identity=" + FormEncoding.escape(identity)
        var headers = [("Accept", "application/json")]
        if let sim = classSimulator, authorizeURL.hasPrefix(sim.authURL), Origin(authorizeURL) == Origin(sim.authURL) {
            headers.append(("Authorization", "token " + sim.hubToken))
        }
        let answer: HTTPResponse
        do {
            answer = try http.perform(HTTPRequest(method: "GET", url: url, headers: headers))
        } catch {
            if case .api(let refusal) = error { throw refused(refusal.json?["error_description"]?.string ?? refusal.message) }
            throw error
        }
        guard let code = (try? JSON.parse(answer.body))?["code"]?.string else { throw refused(nil) }
        return code
    }

    /// The simulator did not approve: its reason when it gave one.
    func refused(_ reason: String?) -> GlobusError {
        .auth("demo mode: the simulator did not approve the sign-in as \(identity): " + (reason ?? "is that person on its roster?"))
    }
}
