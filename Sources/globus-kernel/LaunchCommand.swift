import ArgumentParser
import FoundationEssentials
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `globus-kernel launch`: the kernel as Jupyter Enterprise Gateway's remote-kernel launcher
/// starts it (the gateway's DistributedProcessProxy runs this over SSH on a remote host).
///
/// It picks the kernel's ports in the port range, binds them, sends the encrypted connection
/// information to the gateway's response address, and serves the kernel in this same process,
/// while a thread answers the gateway on the communication port: a signal request is raised in
/// this process (SIGINT interrupts the running cell, SIGTERM ends the kernel), a shutdown
/// request ends it. Nothing else is started, so nothing outlives the kernel.
struct Launch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Serve one kernel for Jupyter Enterprise Gateway (its remote-kernel launcher protocol).",
        discussion:
            "Enterprise Gateway starts this through the kernelspec `globus-kernel install --gateway distributed` writes. The --RemoteProcessProxy.* spellings are the gateway's; the short ones are the same options."
    )

    @Option(name: [.customLong("RemoteProcessProxy.kernel-id"), .customLong("kernel-id")], help: ArgumentHelp("The kernel's id, from the gateway.", valueName: "id"))
    var kernelID: String
    @Option(
        name: [.customLong("RemoteProcessProxy.response-address"), .customLong("response-address")],
        help: ArgumentHelp("Where the gateway waits for the connection information.", valueName: "ip:port"))
    var responseAddress: String
    @Option(
        name: [.customLong("RemoteProcessProxy.public-key"), .customLong("public-key")],
        help: ArgumentHelp("The gateway's RSA public key (base64 DER), to encrypt the connection information with.", valueName: "key"))
    var publicKey: String
    @Option(
        name: [.customLong("RemoteProcessProxy.port-range"), .customLong("port-range")],
        help: ArgumentHelp("The ports the kernel may use (0..0: any).", valueName: "lower..upper"))
    var portRange: String?
    // Accepted for kernelspecs written after the gateway's Python template; a Globus kernel has no Spark.
    @Option(name: [.customLong("RemoteProcessProxy.spark-context-initialization-mode"), .customLong("spark-context-initialization-mode")], help: .hidden)
    var sparkContextInitializationMode: String?
    @Option(name: [.customLong("RemoteProcessProxy.cluster-type"), .customLong("cluster-type")], help: .hidden)
    var clusterType: String?

    func run() throws {
        // The gateway passes its limits on to its launchers in these variables.
        let minimumSize = try environmentInt("EG_MIN_PORT_RANGE_SIZE", default: 1000)
        let retries = try environmentInt("EG_MAX_PORT_RANGE_RETRIES", default: 5)
        do {
            guard !kernelID.isEmpty else { throw GatewayLauncher.Failure("--kernel-id is empty") }
            let range = try GatewayLauncher.PortRange(parsing: portRange, minimumSize: minimumSize)
            let key = try GatewayLauncher.PublicKey(base64: publicKey)
            let address = try GatewayLauncher.ResponseAddress(parsing: responseAddress)

            let ports = try GatewayLauncher.pickPorts(5, in: range, retries: retries)
            let comm = try GatewayLauncher.bindListener(in: range, retries: retries)
            let connection = GatewayLauncher.connectionJSON(
                ports: ports, key: UUID().uuidString.lowercased(),
                kernelID: kernelID, commPort: comm.port)
            // The kernel's sockets are bound before the gateway learns of them.
            let server = try makeKernelServer(ConnectionInfo(json: connection.serialized))
            try GatewayLauncher.send(key.seal(Array(connection.serialized.utf8)), to: address)
            note(
                "kernel \(kernelID): ports \(ports.map(String.init).joined(separator: ",")), communication port \(comm.port), pid \(getpid()); connection information sent to \(address.host):\(address.port)"
            )

            let interpreter = server.core.interpreter
            GatewayLauncher.serve(comm) { request in
                switch request {
                case .signal(0):
                    break  // the gateway's liveness poll: answering is the answer
                case .signal(let signum):
                    note("signal \(signum) from the gateway")
                    kill(getpid(), signum)
                case .shutdown:
                    note("shutdown from the gateway")
                    interpreter.shutdown()
                    _exit(0)
                }
            }
            try server.run()
        } catch {
            fail("launch: \(error)")
        }
    }

    private func environmentInt(_ name: String, default value: Int) throws -> Int {
        guard let text = startVariables[name], !text.isEmpty else { return value }
        guard let n = Int(text), n >= 0 else { fail("launch: \(name) must be a whole number, got '\(text)'") }
        return n
    }
}

/// One line on stderr (the gateway sends the launcher's output to the kernel's log file).
private func note(_ message: String) {
    let line = Array("globus-kernel launch: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
