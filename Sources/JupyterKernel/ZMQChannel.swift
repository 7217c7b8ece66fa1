import JSON
import ZeroMQ

/// `ChannelIO` over ZeroMQ for one thread: a ROUTER (shell or control), this thread's own
/// PUSH into the IOPub publisher, and (shell only) the stdin ROUTER.
/// Handed once to its owner thread at start-up, then used only there.
final class ZMQChannel: ChannelIO, @unchecked Sendable {
    let socket: Socket
    let iopub: Socket
    let stdin: Socket?
    let codec: MessageCodec
    let log: Log

    init(socket: Socket, iopub: Socket, stdin: Socket?, codec: MessageCodec, log: Log) {
        self.socket = socket
        self.iopub = iopub
        self.stdin = stdin
        self.codec = codec
        self.log = log
    }

    func publish(_ msgType: String, content: JSON, parent: Request?) {
        let frames = codec.encode(
            msgType, content: content, parent: parent?.rawHeader,
            identities: [Array("kernel.\(codec.headers.session).\(msgType)".utf8)])
        do { try iopub.send(frames) } catch { log.error("IOPub send failed: \(error)") }
    }

    func reply(_ msgType: String, content: JSON, to request: Request) {
        let frames = codec.encode(msgType, content: content, parent: request.rawHeader, identities: request.identities)
        do { try socket.send(frames) } catch { log.error("reply \(msgType) failed: \(error)") }
    }

    func takeQueued() -> [Request] {
        var out: [Request] = []
        while let frames = try? socket.receive(dontWait: true) {
            if let r = decodeOrLog(frames, channel: "queued") { out.append(r) }
        }
        return out
    }

    /// Bad messages are logged at most 20 a minute (the rest are counted).
    static let dropLog = RateLimiter(perWindow: 20, windowSeconds: 60)

    func decodeOrLog(_ frames: [[UInt8]], channel: String) -> Request? {
        do { return try codec.decode(frames) } catch {
            if let suppressed = ZMQChannel.dropLog.admit() {
                log.warning("dropped a message on \(channel): \(error)" + (suppressed > 0 ? " (\(suppressed) more not logged)" : ""))
            }
            return nil
        }
    }

    func input(prompt: String, password: Bool, parent: Request, interruption: Interruption) throws(InputError) -> String {
        guard let stdin else { throw .notAllowed }
        // Forget replies to earlier, abandoned prompts.
        while (try? stdin.receive(dontWait: true)) ?? nil != nil {}
        let frames = codec.encode(
            "input_request", content: ["prompt": .string(prompt), "password": .bool(password)],
            parent: parent.rawHeader, identities: parent.identities)
        do { try stdin.send(frames) } catch { log.error("input_request failed: \(error)"); throw .endOfFile }
        while true {
            if interruption.isRequested { throw .interrupted }
            guard (try? stdin.waitReadable(timeoutMs: 50)) == true,
                let raw = try? stdin.receive(dontWait: true), let reply = decodeOrLog(raw, channel: "stdin")
            else { continue }
            guard reply.msgType == "input_reply" else { continue }
            let value = reply.content["value"]?.string ?? ""
            if value == "\u{4}" { throw .endOfFile }
            return value
        }
    }
}
