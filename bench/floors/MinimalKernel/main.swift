// The floor of the kernel's start-up and of a cell's round trip (bench/floors.py): the least a
// kernel process can do, in the kernel's language, with its ZeroMQ wrapper, JSON and HMAC, and
// nothing else (no Foundation, no libcurl, no argument parser: the kernel's costs for those are
// part of what is measured against this).
//
//   minimal-kernel kernel CONNECTION_FILE   binds the five sockets and answers every shell request
//                                           with a signed reply (an execute_request with busy, one
//                                           stream line and idle on iopub)
//   minimal-kernel echo ENDPOINT            a ROUTER that sends back what it gets: ZeroMQ's round
//                                           trip; prints the bound endpoint

import Crypto
import JSON
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

func say(_ text: String, to fd: Int32) {
    let line = Array(text.utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    say("minimal-kernel: \(message)\n", to: 2)
    exit(2)
}

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return out
}

/// The least a kernel does: five sockets, HMAC-signed replies, the status messages around a cell.
func serveMinimalKernel(_ connectionFile: String) throws {
    guard let bytes = readFile(connectionFile), let cfg = try? JSON.parse(bytes) else { fail("cannot read \(connectionFile)") }
    let ip = cfg["ip"]?.string ?? "127.0.0.1"
    let transport = cfg["transport"]?.string ?? "tcp"
    func endpoint(_ name: String) -> String { "\(transport)://\(ip):\(cfg[name]?.int ?? 0)" }
    let key = SymmetricKey(data: Array((cfg["key"]?.string ?? "").utf8))
    let context = try Context()
    let shell = try context.socket(.router), control = try context.socket(.router), stdinSocket = try context.socket(.router)
    let iopub = try context.socket(.pub), heartbeat = try context.socket(.rep)
    for (socket, name) in [(shell, "shell_port"), (control, "control_port"), (stdinSocket, "stdin_port"), (iopub, "iopub_port"), (heartbeat, "hb_port")] {
        try socket.bind(endpoint(name))
    }
    let session = "floor-\(getpid())"
    var counter = 0
    func header(_ type: String) -> [UInt8] {
        counter += 1
        let h: JSON = [
            "msg_id": .string("\(session)-\(counter)"), "session": .string(session), "username": "floor",
            "date": "2026-01-01T00:00:00Z", "msg_type": .string(type), "version": "5.3"
        ]
        return Array(h.serialized.utf8)
    }
    func signed(_ ids: [[UInt8]], _ type: String, parent: [UInt8], content: JSON) -> [[UInt8]] {
        let frames = [header(type), parent, Array("{}".utf8), Array(content.serialized.utf8)]
        var mac = HMAC<SHA256>(key: key)
        for f in frames { mac.update(data: f) }
        let hex = Array("0123456789abcdef".utf8)
        let signature = Array(mac.finalize()).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0x0F)]] }
        return ids + [Array("<IDS|MSG>".utf8), signature] + frames
    }
    while true {
        let ready = try poll([shell, control, heartbeat], timeoutMs: -1)
        if ready[2], let ping = try heartbeat.receive() { try heartbeat.send(ping) }
        for (i, socket) in [shell, control].enumerated() where ready[i] {
            guard let frames = try socket.receive(), let d = frames.firstIndex(of: Array("<IDS|MSG>".utf8)), frames.count >= d + 6 else { continue }
            let ids = Array(frames[..<d]), parent = frames[d + 2]
            let type = (try? JSON.parse(parent))?["msg_type"]?.string ?? ""
            let replyType = type.hasSuffix("_request") ? String(type.dropLast("_request".count)) + "_reply" : "error"
            if type == "execute_request" {
                try iopub.send(signed([Array("status".utf8)], "status", parent: parent, content: ["execution_state": "busy"]))
                try iopub.send(signed([Array("stream".utf8)], "stream", parent: parent, content: ["name": "stdout", "text": "hi\n"]))
                try socket.send(signed(ids, replyType, parent: parent, content: ["status": "ok", "execution_count": .int(counter)]))
                try iopub.send(signed([Array("status".utf8)], "status", parent: parent, content: ["execution_state": "idle"]))
            } else {
                let content: JSON =
                    type == "kernel_info_request"
                    ? [
                        "status": "ok", "protocol_version": "5.3", "implementation": "floor", "implementation_version": "0",
                        "language_info": ["name": "text", "version": "", "mimetype": "text/plain", "file_extension": ".txt"], "banner": ""
                    ]
                    : ["status": "ok"]
                try socket.send(signed(ids, replyType, parent: parent, content: content))
                if type == "shutdown_request" { exit(0) }
            }
        }
    }
}

func echo(_ endpoint: String) throws -> Never {
    let context = try Context()
    let socket = try context.socket(.router)
    try socket.bind(endpoint)
    say(socket.lastEndpoint + "\n", to: 1)
    while true { if let frames = try socket.receive() { try socket.send(frames) } }
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch (args.first, args.count) {
    case ("kernel", 2): try serveMinimalKernel(args[1])
    case ("echo", 2): try echo(args[1])
    default: fail("usage: minimal-kernel kernel CONNECTION_FILE | echo ENDPOINT")
    }
} catch {
    fail("\(error)")
}
