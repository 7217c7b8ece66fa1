import JSON
import Support
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// Serves one kernel over the five sockets of a connection file. Threads: heartbeat
/// (`zmq_proxy` echo), IOPub publisher (`zmq_proxy` from an inproc PULL to the PUB socket; every
/// other thread owns its own PUSH), control, and shell (which also owns stdin). Each socket is
/// used by exactly one thread.
public final class KernelServer: @unchecked Sendable {
    /// Why the server could not start (a one-line reason for stderr).
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let connection: ConnectionInfo
    public let core: KernelCore
    let context: Context
    let headers = HeaderFactory()
    let settings: ServerSettings
    let log: Log
    let stopped = Latch()

    let shell: Socket, control: Socket, stdin: Socket, iopub: Socket, heartbeat: Socket, iopubPull: Socket

    static let iopubInproc = "inproc://iopub"

    /// A server for `interpreter` on `connection`'s sockets, bound on return.
    public init(connection: ConnectionInfo, interpreter: Interpreter, settings: ServerSettings = ServerSettings()) throws(StartError) {
        self.connection = connection
        self.settings = settings
        let log = settings.log
        self.log = log
        core = KernelCore(interpreter: interpreter, log: log)
        do {
            context = try Context()
            shell = try context.socket(.router)
            control = try context.socket(.router)
            stdin = try context.socket(.router)
            iopub = try context.socket(.pub)
            heartbeat = try context.socket(.rep)
            iopubPull = try context.socket(.pull)
        } catch { throw StartError(description: "cannot create ZeroMQ sockets: \(error)") }
        let named: [(String, Socket, Int)] = [
            ("shell", shell, connection.shellPort), ("control", control, connection.controlPort),
            ("stdin", stdin, connection.stdinPort), ("iopub", iopub, connection.iopubPort),
            ("heartbeat", heartbeat, connection.hbPort)
        ]
        for (name, socket, port) in named {
            do {
                try socket.setLinger(1000)
                if name == "shell" || name == "control" || name == "stdin" {
                    try socket.setRouterHandover(true)
                    try socket.setMaximumMessageSize(settings.maxMessageSize)
                }
                if name == "iopub" { try socket.setSendHighWaterMark(100_000) }
                if let secret = connection.curveSecretKey {
                    guard Context.hasCurve else { throw StartError(description: "this libzmq was built without CURVE support") }
                    try socket.makeCurveServer(secretKeyZ85: secret)
                }
            } catch let e as StartError { throw e } catch {
                throw StartError(description: "cannot configure the \(name) socket: \(error)")
            }
            do { try socket.bind(connection.endpoint(port)) } catch {
                throw StartError(description: "cannot bind the \(name) socket to \(connection.endpoint(port)): \(error)")
            }
        }
        do {
            try iopubPull.setReceiveHighWaterMark(0)
            try iopubPull.bind(KernelServer.iopubInproc)
        } catch { throw StartError(description: "cannot start the IOPub publisher: \(error)") }
    }

    /// A PUSH socket into the IOPub publisher, for the calling thread.
    func makeIOPubPush() throws -> Socket {
        let s = try context.socket(.push)
        try s.setSendHighWaterMark(0)
        try s.setLinger(1000)
        try s.connect(KernelServer.iopubInproc)
        return s
    }

    /// Starts every thread, publishes `starting`, and serves until a shutdown request has been
    /// answered; then ends the process (other threads still own their sockets, so the context
    /// is never torn down in-process).
    public func run() throws -> Never {
        Interruption.installSignalHandler()
        core.onShutdown = { [stopped] _ in stopped.signal() }
        let key = connection.key
        let (heartbeat, iopub, iopubPull, control, shell, stdin) = (self.heartbeat, self.iopub, self.iopubPull, self.control, self.shell, self.stdin)
        spawnThread(name: "heartbeat") { proxy(frontend: heartbeat, backend: heartbeat) }
        spawnThread(name: "iopub") { proxy(frontend: iopubPull, backend: iopub) }

        // One replay history for every channel: a message accepted on shell is a replay on control.
        let replays = ReplayHistory()
        let controlIO = ZMQChannel(
            socket: control, iopub: try makeIOPubPush(), stdin: nil,
            codec: MessageCodec(key: key, headers: headers, history: replays), log: log)
        let shellIO = ZMQChannel(
            socket: shell, iopub: try makeIOPubPush(), stdin: stdin,
            codec: MessageCodec(key: key, headers: headers, history: replays), log: log)
        let core = self.core
        spawnThread(name: "control") { KernelServer.serve(controlIO, core: core, channel: .control) }
        spawnThread(name: "shell") { KernelServer.serve(shellIO, core: core, channel: .shell) }
        let startPush = try makeIOPubPush()
        try startPush.send(
            MessageCodec(key: key, headers: headers).encode(
                "status", content: ["execution_state": "starting"], parent: nil, identities: [Array("kernel.status".utf8)]))
        watchParent()
        stopped.wait()
        core.interpreter.shutdown()
        // Give the I/O thread a moment to flush the reply and the final idle.
        usleep(50_000)
        exit(0)
    }

    /// The receive loop of one ROUTER socket; bad messages are logged and dropped.
    static func serve(_ io: ZMQChannel, core: KernelCore, channel: ChannelKind) {
        while true {
            let frames: [[UInt8]]
            do {
                guard let f = try io.socket.receive() else { continue }
                frames = f
            } catch {
                if (error as? ZMQError)?.isTerminated == true { return }
                io.log.error("\(channel.rawValue) receive failed: \(error)")
                continue
            }
            guard let request = io.decodeOrLog(frames, channel: channel.rawValue) else { continue }
            core.handle(request, io: io, channel: channel)
            // After a cell, once no request has come for 5 ms (its reply and idle are on their
            // way), the heap's freed pages go back to the system: ~150 KB a kernel after the
            // tour (`make classroom`). A request that comes within the 5 ms is served at once.
            if channel == .shell && request.msgType == "execute_request" && (try? io.socket.waitReadable(timeoutMs: 5)) == false {
                Heap.releaseFreePages()
            }
        }
    }

    /// Exits when the process that started the kernel (`settings.parentPID`) goes away.
    func watchParent() {
        guard let pid = settings.parentPID else { return }
        let log = self.log
        let interpreter = core.interpreter
        spawnThread(name: "parent-watch") {
            while true {
                sleep(1)
                if getppid() != pid && kill(pid, 0) != 0 {
                    log.info("parent process \(pid) is gone; exiting")
                    interpreter.shutdown()
                    exit(0)
                }
            }
        }
    }
}
