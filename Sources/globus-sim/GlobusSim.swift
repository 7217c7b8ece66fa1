import ArgumentParser
import GlobusSimulator
import Support
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Starts `globus-sim` with Swift concurrency's jobs running on NIO's event loops, so a request
/// is read, answered and written on one thread (without this, each one hops to the concurrency
/// pool and back: two thread wake-ups a request, about a third of its cost).
@main
enum GlobusSimMain {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await GlobusSim.main()
    }
}

/// `globus-sim`: an offline Globus on loopback.
struct GlobusSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "globus-sim",
        abstract: "An offline Globus (Auth, Transfer, Groups, Search, Timers, Flows) on 127.0.0.1.",
        discussion: """
            Prints the environment that points Globus SDKs here, as shell export lines, then the line
            "\(Simulator.readyLine)". With --tls it serves HTTPS with a private CA made at start and
            exports GLOBUS_SDK_VERIFY_SSL=<its certificate>. Faults (also taskfail, taskfaults=N, taskpause: the next submitted task fails halfway, reports N faults, or is paused):
              latency=MS  status=CODE  429=RETRY_AFTER  drop  domain=DOMAIN  mfa
              cut=N  throttle=BPS  (a collection's HTTPS server: route @/https/<COLLECTION_ID>/)
            each optionally @ROUTE (a path prefix such as /transfer/v0.10/task_list) and xN (only N times),
            e.g. --fault 'status=503@/transfer/x2'. At run time: POST /admin/faults {"fault": SPEC}.
            """)

    @Option(help: "Port on 127.0.0.1 (0: any free port).")
    var port = 0
    @Option(help: "Also write the export lines to this file.")
    var envFile: String?
    @Option(name: .customLong("fault"), help: "A fault to inject (repeatable); also GLOBUS_SIM_FAULTS, comma-separated.")
    var faults: [String] = []
    @Option(help: "Access token lifetime in seconds.")
    var tokenLifetime = 172_800
    @Option(help: "Seconds a transfer or delete task takes, making progress (files, bytes, rate) as it goes (default 1, or GLOBUS_SIM_TASK_SECONDS).")
    var taskSeconds: Double?
    @Option(help: "Approve logins at once as this username (for demos and scripts); someone not among the simulator's people is added (a bare name gets @classroom.example.edu).")
    var autoApprove: String?
    @Flag(help: "Serve HTTPS with a private CA made at start (its certificate goes to --ca-file, announced as GLOBUS_SDK_VERIFY_SSL).")
    var tls = false
    @Option(help: "With --tls: where to write the CA certificate (default: a new folder under $TMPDIR).")
    var caFile: String?
    @Option(help: "Give the id_token signing key and id_token headers this kid (Globus Auth uses none).")
    var signingKeyID: String?
    @Flag(help: "Print one JSON line instead of the export lines: {\"ready\": true, \"environment\": {NAME: VALUE, …}} (for programs that start the simulator).")
    var readyJSON = false
    @Option(help: "Exit when this process id goes away (for a parent that starts the simulator).")
    var parentPid: Int32?
    @Option(help: "With --parent-pid: a folder of the parent's whose files (and then the folder) are removed if the parent goes away without doing so (a kernel's demo tokens).")
    var parentFolder: String?
    @Option(
        help: "Add a class roster of this many people, student01@classroom.example.edu onward (each signs in as themselves: a hub user named student07 is approved as student07@…)."
    )
    var people = 0
    @Option(
        help:
            "Also write the --ready-json line to this file (readable by all; it holds addresses, no secrets): kernels started with GLOBUS_KERNEL_DEMO_SIMULATOR=<file> share this simulator."
    )
    var readyFile: String?
    @Option(
        help:
            "Serve a class on this JupyterHub (its REST API, http://…/hub/api): a sign-in is approved only as the hub user who owns the JupyterHub API token it carries. On by itself when globus-sim runs as a JupyterHub managed service (JUPYTERHUB_SERVICE_NAME and JUPYTERHUB_API_URL set), unless started by a kernel (--parent-pid)."
    )
    var hubApiUrl: String?
    @Option(
        help:
            "The admin API (/admin/…) then needs the key in this file (Authorization: Bearer KEY): a file of yours, mode 0600, one line of 16 characters or more. Without it a class's simulator has no admin API."
    )
    var adminKeyFile: String?
    @Option(
        help:
            "As --admin-key-file, with the key read from this inherited file descriptor (a pipe its parent writes one line to, then closes): for a program that starts the simulator and keeps the key to itself. Without a key, a simulator started with --parent-pid has no admin API."
    )
    var adminKeyFd: Int32?

    func run() async throws {
        guard parentFolder == nil || parentPid != nil else { throw ValidationError("--parent-folder goes with --parent-pid") }
        let cleanup = ExitCleanup()
        defer { cleanup.run(parentGone: false) }
        if let parentFolder { cleanup.parentFolder(parentFolder) }
        // The environment, read once here and passed down.
        let variables = processVariables()
        func variable(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        var config = Simulator.Configuration()
        guard (1...SimLimits.century).contains(tokenLifetime) else { throw ValidationError("--token-lifetime must be from 1 second to 100 years") }
        config.tokenLifetime = tokenLifetime
        let seconds =
            try taskSeconds ?? variables["GLOBUS_SIM_TASK_SECONDS"].map { text throws -> Double in
                guard let v = Double(text) else { throw ValidationError("GLOBUS_SIM_TASK_SECONDS must be a number of seconds") }
                return v
            } ?? 1
        guard seconds >= 0 && seconds <= 86_400 else { throw ValidationError("--task-seconds must be from 0 to 86400") }
        config.taskDuration = seconds
        config.autoApprove = autoApprove
        guard people >= 0 && people <= 999 else { throw ValidationError("--people must be from 0 to 999") }
        config.identities += SimIdentity.roster(people)
        // Whoever logins are approved as is a person here (a hub user's kernel with its own simulator).
        if let autoApprove { config.ensurePerson(autoApprove) }
        config.signingKeyID = signingKeyID
        try classSettings(&config, variable: variable)
        if tls {
            let material = try TLSMaterial.make()
            let path: String
            if let caFile {
                path = caFile
            } else {
                var template = Array(((variable("TMPDIR") ?? "/tmp") + "/globus-sim-XXXXXX").utf8CString)
                guard let dir = mkdtemp(&template) else { throw ValidationError("cannot make a folder for the CA certificate") }
                path = String(cString: dir) + "/ca.pem"
                cleanup.own(file: path, in: String(cString: dir))
            }
            config.tls = material
            config.caPath = try material.writeCA(to: path)
        }
        let fromEnv = variables["GLOBUS_SIM_FAULTS"].map { $0.split(separator: ",").map(String.init) } ?? []
        for spec in faults + fromEnv {
            guard let f = Fault(spec: spec) else { throw ValidationError("invalid fault '\(spec)'") }
            config.faults.append(f)
        }
        let signals = cleanup.onSignals()
        defer { withExtendedLifetime(signals) {} }
        let sim = try Simulator(config)
        let envFile = self.envFile
        let parent = parentPid
        let readyJSON = self.readyJSON
        let readyFile = self.readyFile
        try await sim.run(port: port) { _ in
            // The last line marks the end, for programs that start the simulator and read this.
            let lines = sim.environment.map { "export \($0.0)=\($0.1)" }.joined(separator: "\n") + "\n" + Simulator.readyLine + "\n"
            print(readyJSON ? sim.readyDocument + "\n" : lines, terminator: "")
            fflush(nil)
            if let envFile, let f = fopen(envFile, "w") {
                fputs(lines, f)
                fclose(f)
            }
            if let readyFile, !writeAtomically(sim.readyDocument + "\n", to: readyFile) { cleanup.exit(1) }
            if let parent {
                Task.detached {
                    // Re-parenting happens the moment the parent exits (kill(pid, 0) still
                    // succeeds while it is an unreaped zombie).
                    while getppid() == parent && kill(parent, 0) == 0 { try? await Task.sleep(nanoseconds: 100_000_000) }
                    cleanup.exit(0, parentGone: true)
                }
            }
        }
    }
}

extension GlobusSim {
    /// The class's hub (from --hub-api-url, or the environment of a JupyterHub managed service)
    /// and who may use the admin API. Says on stderr what is enforced; never the key.
    func classSettings(_ config: inout Simulator.Configuration, variable: (String) -> String?) throws {
        // A kernel's own simulator (--parent-pid) is never a class's, whatever it inherited.
        let managed = parentPid == nil && variable("JUPYTERHUB_SERVICE_NAME") != nil
        if let url = hubApiUrl ?? (managed ? variable("JUPYTERHUB_API_URL") : nil) {
            guard let hub = HubDirectory(apiURL: url) else {
                throw ValidationError("the hub API URL must be http://HOST:PORT/PATH, as JupyterHub gives it to its services (got \(url))")
            }
            guard autoApprove == nil else { throw ValidationError("--auto-approve cannot go with a class on JupyterHub: each student is approved as their own hub user") }
            config.hub = hub
        }
        guard adminKeyFile == nil || adminKeyFd == nil else { throw ValidationError("give the admin key one way: --admin-key-file or --admin-key-fd") }
        if let adminKeyFile {
            do { config.admin = .key(try AdminAccess.readKey(file: adminKeyFile)) } catch { throw ValidationError(error.description) }
        } else if let adminKeyFd {
            do { config.admin = .key(try AdminAccess.readKey(fd: adminKeyFd)) } catch { throw ValidationError(error.description) }
        } else if config.hub != nil || parentPid != nil {
            // A class's, or a kernel's own on a machine others share: nobody else's business.
            config.admin = .off
        }
        guard let hub = config.hub else { return }
        let admin = if case .key = config.admin { "needs the operator's key" } else { "is off" }
        let clients = ConfidentialClients(class: true, admin: config.admin).notice.map { "; " + $0 } ?? ""
        let note =
            "globus-sim: serving a class on JupyterHub (\(hub.apiURL)): each sign-in is approved only as the hub user who owns the token it carries; the admin API \(admin)\(clients); requests are not recorded.\n"
        _ = Array(note.utf8).withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Writes `text` to a new file beside `path` and renames it into place, so a reader sees the
/// whole file or none (mode 0644). False (with the reason on stderr) when it cannot.
func writeAtomically(_ text: String, to path: String) -> Bool {
    let temporary = path + ".\(getpid()).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    func complain() {
        let message = Array("globus-sim: cannot write \(path): \(String(cString: strerror(errno)))\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
    guard fd >= 0 else { complain(); return false }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    if written != bytes.count || rename(temporary, path) != 0 {
        complain()
        unlink(temporary)
        return false
    }
    return true
}
