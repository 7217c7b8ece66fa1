import GlobusSDK
import JupyterKernel

#if canImport(Glibc)
import Glibc
#endif

/// The offline demo: a `globus-sim` child process (installed beside the kernel; the kernel
/// itself contains none of the simulator's code) on loopback, with the kernel's environment
/// pointed at it. The child exits with the kernel.
final class DemoSimulator {
    let pid: pid_t
    let environment: [(String, String)]
    /// Logins are approved at once as this person (unattended runs), or by a click in the browser.
    let autoApprove: String?
    /// A private folder for the demo's own token store: demo mode never reads, writes or revokes
    /// the person's real tokens.
    let folder: String
    private var saved: [(String, String?)] = []

    /// `globus-sim` next to this executable.
    static var binary: String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "globus-kernel"
        return String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)]) + "/globus-sim"
    }

    init(autoApprove: String?) throws(GlobusError) {
        self.autoApprove = autoApprove
        var template = Array(((environmentValue("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/globus-kernel-demo-XXXXXX").utf8CString)
        guard let dir = mkdtemp(&template) else { throw .usage("demo mode: cannot make a folder for the demo's tokens: \(String(cString: strerror(errno)))") }
        folder = String(cString: dir)
        let bin = DemoSimulator.binary
        guard access(bin, X_OK) == 0 else {
            throw .usage("demo mode needs globus-sim beside the kernel (\(bin)); build it with `swift build --product globus-sim`")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .usage("demo mode: cannot create a pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var args = [bin, "--port", "0", "--parent-pid", String(getpid())]
        // Unattended runs use HTTPS, as production does. When a person signs in, their own
        // browser opens the simulator's page: plain HTTP on loopback, so that it opens without a
        // certificate warning (the banner says so).
        if let autoApprove { args += ["--auto-approve", autoApprove, "--tls"] }
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, bin, &actions, nil, &argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw .usage("demo mode: cannot start globus-sim: \(String(cString: strerror(rc)))") }
        pid = child
        // Read the export lines (the child prints them once it listens, then its ready line).
        var text = ""
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = time(nil) + 20
        while !text.contains(DemoSimulator.readyLine + "\n") && time(nil) < deadline {
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        close(fds[0])
        environment = text.split(separator: "\n").compactMap { line in
            let l = line.hasPrefix("export ") ? line.dropFirst(7) : line[...]
            guard let eq = l.firstIndex(of: "=") else { return nil }
            return (String(l[..<eq]), String(l[l.index(after: eq)...]))
        }
        guard text.contains(DemoSimulator.readyLine), environment.count >= 8 else {
            kill(child, SIGTERM)
            throw .usage("demo mode: globus-sim did not start")
        }
        for (k, v) in environment {
            saved.append((k, environmentValue(k)))
            setenv(k, v, 1)
        }
    }

    /// The demo's token file (`tokens.json` or `tokens.db`) in its private folder.
    func tokenPath(fileExtension: String) -> String { folder + "/tokens." + fileExtension }

    /// Stops the simulator, removes the demo's tokens and restores the environment.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        for name in ["tokens.json", "tokens.json.lock", "tokens.db", "tokens.db-journal"] { unlink(folder + "/" + name) }
        rmdir(folder)
        for (k, v) in saved { if let v { setenv(k, v, 1) } else { unsetenv(k) } }
    }

    /// What `globus-sim` prints after its export lines.
    static let readyLine = "# globus-sim ready"

    var authURL: String { environment.first { $0.0 == "GLOBUS_SDK_SERVICE_URL_AUTH" }?.1 ?? "" }

    var banner: String {
        "Demo mode: this kernel talks to a local Globus Simulator at \(authURL), not the real Globus. "
            + (autoApprove.map { "Logins are approved automatically as \($0) (HTTPS with the simulator's own certificate authority)." }
                ?? "Sign in on the simulator's page and paste the code as usual. The simulator uses plain HTTP on this computer only, so that your browser opens its sign-in page without a certificate warning.")
    }
}
