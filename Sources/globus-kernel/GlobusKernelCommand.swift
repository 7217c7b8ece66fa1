import ArgumentParser
import FoundationEssentials
import GlobusMagics
import GlobusSDK
import JSON
import JupyterKernel
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// `globus-kernel`: the Globus Jupyter kernel.
@main
struct GlobusKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "globus-kernel",
        abstract: "A Jupyter kernel for Globus: %globus login, %globus call and friends.",
        version: GlobusInterpreter.version,
        subcommands: [Run.self, Launch.self, Install.self, Uninstall.self])

    /// Serves the kernel at once when started as the kernelspec starts it (`run -f FILE`), and
    /// otherwise parses the command line with ArgumentParser. Its parse costs a third of
    /// start-up's instructions (the runtime's protocol-conformance lookups for each declared
    /// option), which a kernel start does not need: `Run.connectionFile(in:)` accepts only the
    /// three spellings of the one option that ArgumentParser reads the same way.
    static func main() {
        if let file = Run.connectionFile(in: Array(CommandLine.arguments.dropFirst())) { Run.serve(file) }
        main(nil)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Serve one kernel (Jupyter starts this for you).")

    @Option(name: [.customShort("f"), .long], help: "The connection file written by Jupyter.")
    var connectionFile: String

    func run() throws { Run.serve(connectionFile) }

    /// Serves one kernel on the connection file's sockets until it is shut down; exits.
    static func serve(_ connectionFile: String) -> Never {
        do {
            let info = try ConnectionInfo(path: connectionFile)
            try makeKernelServer(info).run()
        } catch {
            fail("\(error)")
        }
        Glibc.exit(0)
    }

    /// The connection file of `run -f FILE`, `run --connection-file FILE` or
    /// `run --connection-file=FILE` (the arguments after the program's name), when that is the
    /// whole command and FILE is no option; nil for anything else, which ArgumentParser parses.
    static func connectionFile(in arguments: [String]) -> String? {
        guard arguments.first == "run" else { return nil }
        let rest = arguments.dropFirst()
        var file: String?
        if rest.count == 2, rest.first == "-f" || rest.first == "--connection-file" {
            file = rest.last
        } else if rest.count == 1, let only = rest.first, only.hasPrefix("--connection-file=") {
            file = String(only.dropFirst("--connection-file=".count))
        }
        guard let file, !file.isEmpty, !file.hasPrefix("-") else { return nil }
        return file
    }
}

/// The process's environment variables, read once, when a command first needs them: the kernel's
/// settings, the kernelspec's location and the gateway's limits are all made from these.
let startVariables = Settings.processVariables()

/// The Globus kernel's server on `info`'s sockets (bound on return), with its settings from the
/// environment.
func makeKernelServer(_ info: ConnectionInfo) throws -> KernelServer {
    let settings: KernelSettings
    do { settings = try KernelSettings(variables: startVariables) } catch { fail(error.description) }
    Heap.useOneArena()  // while the process has one thread: every thread the server makes shares it
    skipUnusedLibraryInitialization()
    return try KernelServer(connection: info, interpreter: GlobusInterpreter(settings: settings), settings: settings.server)
}

/// GnuTLS comes with libcurl's dependencies librtmp and libldap, but the kernel never uses it
/// (its HTTPS is libcurl's OpenSSL), and it initializes itself when loaded: its ASN.1 trees and
/// more, ~130 KB of heap in every kernel that makes a call, which a class of 30 on one hub pays
/// 30 times (`make classroom`). `GNUTLS_NO_IMPLICIT_INIT` skips that; those libraries call
/// `gnutls_global_init` themselves before any use. Set while the process has one thread, after
/// its variables were read (neither its settings nor `%env` see it); a value already set is kept.
func skipUnusedLibraryInitialization() {
    setLibraryVariable("GNUTLS_NO_IMPLICIT_INIT", "1")
}

/// Where to put the kernelspec (shared by install and uninstall).
struct LocationOptions: ParsableArguments {
    @Flag(help: "The user's Jupyter data directory (the default; honours JUPYTER_DATA_DIR).")
    var user = false
    @Flag(help: "The active Python environment's prefix (VIRTUAL_ENV or CONDA_PREFIX).")
    var sysPrefix = false
    @Option(help: "Install under DIR/share/jupyter/kernels.")
    var prefix: String?
    @Option(help: "The kernelspec name.")
    var name = "globus"

    func location() -> KernelSpec.Location {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 { fail("choose one of --user, --sys-prefix and --prefix") }
        if let prefix { return .prefix(absolute(prefix)) }
        if sysPrefix {
            guard let p = [startVariables["VIRTUAL_ENV"], startVariables["CONDA_PREFIX"]].lazy.compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
                fail("--sys-prefix needs an active Python environment (VIRTUAL_ENV or CONDA_PREFIX)")
            }
            return .prefix(p)
        }
        return .user(startVariables)
    }
}

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "Install the kernelspec so Jupyter can find this kernel.")

    @OptionGroup var where_: LocationOptions
    @Option(help: "The name shown in Jupyter's launcher.")
    var displayName = "Globus"
    @Option(name: .customLong("env"), help: "An environment variable for the kernel, NAME=VALUE (repeatable).")
    var environment: [String] = []
    @Option(
        help: ArgumentHelp(
            "A kernelspec for Jupyter Enterprise Gateway: 'distributed' (its DistributedProcessProxy starts the kernel over SSH on a remote host, through `globus-kernel launch`).",
            valueName: "kind"))
    var gateway: GatewayKind?
    @Option(
        help: ArgumentHelp(
            "With --gateway distributed: the hosts to start kernels on, comma-separated (process_proxy.config.remote_hosts; else the gateway's EG_REMOTE_HOSTS).",
            valueName: "hosts"))
    var remoteHosts: String?

    enum GatewayKind: String, ExpressibleByArgument, CaseIterable { case distributed }

    func run() throws {
        var spec = KernelSpec(
            name: where_.name, displayName: displayName, language: "globus",
            argv: [executablePath(), "run", "--connection-file", "{connection_file}"])
        spec.metadata = ["debugger": false, "supported_encryption": ["curve"]]
        if remoteHosts != nil && gateway == nil { fail("--remote-hosts needs --gateway distributed") }
        if gateway == .distributed {
            // The gateway fills in the placeholders; the same executable path must exist on every remote host.
            spec.argv = [
                executablePath(), "launch",
                "--RemoteProcessProxy.kernel-id", "{kernel_id}",
                "--RemoteProcessProxy.response-address", "{response_address}",
                "--RemoteProcessProxy.public-key", "{public_key}",
                "--RemoteProcessProxy.port-range", "{port_range}"
            ]
            var proxy = JSONObject()
            proxy["class_name"] = "enterprise_gateway.services.processproxies.distributed.DistributedProcessProxy"
            if let remoteHosts {
                guard !remoteHosts.isEmpty, !remoteHosts.contains(where: \.isWhitespace) else {
                    fail("--remote-hosts takes host names or addresses separated by commas, got '\(remoteHosts)'")
                }
                proxy["config"] = ["remote_hosts": .string(remoteHosts)]
            }
            spec.metadata = ["debugger": false, "process_proxy": .object(proxy)]
            // Interrupts travel as SIGINT through the launcher's communication port.
            spec.interruptMode = "signal"
        }
        for pair in environment {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else { fail("--env takes NAME=VALUE, got '\(pair)'") }
            spec.env.append((String(pair[..<eq]), String(pair[pair.index(after: eq)...])))
        }
        spec.resources = kernelSpecAssets.map { (name: $0.name, bytes: Array(Data(base64Encoded: $0.base64) ?? Data())) }
        do {
            let dir = try spec.install(into: where_.location())
            print("Installed kernelspec \(spec.name) in \(dir)")
        } catch { fail("\(error)") }
    }
}

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Remove the kernelspec.")

    @OptionGroup var where_: LocationOptions

    func run() throws {
        do {
            let dir = try KernelSpec.uninstall(name: where_.name, from: where_.location())
            print("Removed \(dir)")
        } catch { fail("\(error)") }
    }
}

/// Prints `globus-kernel: message` on stderr and exits with status 1.
func fail(_ message: String) -> Never {
    let line = Array("globus-kernel: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    Glibc.exit(1)
}

/// The absolute path of this executable.
func executablePath() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    guard n > 0 else { return absolute(CommandLine.arguments[0]) }
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    var buf = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buf, buf.count) != nil else { return path }
    return String(cString: buf) + "/" + path
}
