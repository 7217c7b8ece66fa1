import JSON

/// The transport-independent heart of the kernel: it answers each request following the
/// protocol (busy → side effects → reply → idle), keeps the execution counter and history,
/// and calls the interpreter. Shell requests come from one thread; control requests from
/// another and only touch the interruption flag and immutable state.
public final class KernelCore: @unchecked Sendable {
    public let interpreter: Interpreter
    public let interruption: Interruption
    private(set) var executionCount = 0
    private var history = History()
    private let log: Log

    /// Called after a `shutdown_request` has been answered and `idle` published.
    public var onShutdown: @Sendable (_ restart: Bool) -> Void = { _ in }

    public init(interpreter: Interpreter, interruption: Interruption = .shared, log: Log = .shared) {
        self.interpreter = interpreter
        self.interruption = interruption
        self.log = log
    }

    /// Answers one request that arrived on `channel`. Requests already queued behind a failed
    /// cell with `stop_on_error` are aborted (execute) or answered (anything else) here too.
    /// What the control channel answers itself; anything else sent there is refused without
    /// touching the state the shell thread owns (execution count, history, the interpreter).
    static let controlRequests: Set<String> = ["kernel_info_request", "interrupt_request", "shutdown_request"]

    public func handle(_ request: Request, io: ChannelIO, channel: ChannelKind) {
        var abort = false
        var shutdown: Bool?
        io.publish("status", content: ["execution_state": "busy"], parent: request)
        if channel == .control && !KernelCore.controlRequests.contains(request.msgType) {
            refuseOnControl(request, io: io)
            io.publish("status", content: ["execution_state": "idle"], parent: request)
            return
        }
        switch request.msgType {
        case "execute_request":
            abort = execute(request, io: io)
        case "kernel_info_request":
            io.reply("kernel_info_reply", content: kernelInfo(), to: request)
        case "complete_request":
            complete(request, io: io)
        case "inspect_request":
            inspect(request, io: io)
        case "is_complete_request":
            isComplete(request, io: io)
        case "history_request":
            io.reply("history_reply", content: ["status": "ok", "history": .array(history.answer(request.content))], to: request)
        case "comm_info_request":
            io.reply("comm_info_reply", content: ["status": "ok", "comms": [:]], to: request)
        case "comm_open":
            // No comm targets exist: close it at once, as the spec asks.
            io.publish("comm_close", content: ["comm_id": request.content["comm_id"] ?? "", "data": [:]], parent: request)
        case "comm_msg", "comm_close":
            break
        case "interrupt_request":
            interrupt()
            io.reply("interrupt_reply", content: ["status": "ok"], to: request)
        case "shutdown_request":
            let restart = request.content["restart"]?.bool ?? false
            let content: JSON = ["status": "ok", "restart": .bool(restart)]
            io.reply("shutdown_reply", content: content, to: request)
            io.publish("shutdown_reply", content: content, parent: request)
            shutdown = restart
        default:
            log.warning("ignoring unknown message type '\(request.msgType)' on \(channel.rawValue)")
        }
        // Queued cells are aborted before this request's idle, as ipykernel does: a client that
        // sends its next cell once it sees idle must never have that cell aborted.
        if abort { drainAfterError(io: io, channel: channel) }
        io.publish("status", content: ["execution_state": "idle"], parent: request)
        if let restart = shutdown { onShutdown(restart); return }
    }

    /// Answers a shell request sent on control with an error reply (a comm message, which has
    /// no reply, is dropped): the shell thread alone runs cells and keeps their state.
    private func refuseOnControl(_ request: Request, io: ChannelIO) {
        guard request.msgType.hasSuffix("_request") else {
            log.warning("ignoring \(request.msgType) sent on the control channel")
            return
        }
        let replyType = String(request.msgType.dropLast("_request".count)) + "_reply"
        io.reply(
            replyType,
            content: [
                "status": "error", "ename": "WrongChannel",
                "evalue": "\(request.msgType) is answered on the shell channel, not on control",
                "traceback": ["WrongChannel: \(request.msgType) is answered on the shell channel, not on control"]
            ],
            to: request)
    }

    /// Interrupts the running cell, if any.
    public func interrupt() {
        interruption.request()
        interpreter.interrupt()
    }

    /// After an error with `stop_on_error`, abort only the execute requests already queued.
    private func drainAfterError(io: ChannelIO, channel: ChannelKind) {
        for queued in io.takeQueued() {
            if queued.msgType == "execute_request" {
                io.publish("status", content: ["execution_state": "busy"], parent: queued)
                io.reply("execute_reply", content: ["status": "aborted", "execution_count": .int(executionCount)], to: queued)
                io.publish("status", content: ["execution_state": "idle"], parent: queued)
            } else {
                handle(queued, io: io, channel: channel)
            }
        }
    }

    // MARK: execute

    /// Runs a cell; returns true when queued cells should be aborted.
    private func execute(_ request: Request, io: ChannelIO) -> Bool {
        let c = request.content
        let code = c["code"]?.string ?? ""
        let silent = c["silent"]?.bool ?? false
        let storeHistory = c["store_history"]?.bool ?? !silent
        let stopOnError = c["stop_on_error"]?.bool ?? true
        if !silent && storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent {
            io.publish("execute_input", content: ["code": .string(code), "execution_count": .int(count)], parent: request)
        }
        interruption.reset()
        let context = ExecutionContext(
            executionCount: count, allowStdin: c["allow_stdin"]?.bool ?? false,
            silent: silent, storeHistory: storeHistory)
        let sink = RequestOutput(request: request, io: io, count: count, silent: silent, interruption: interruption)
        let outcome = interpreter.execute(code, context: context, output: sink)
        sink.flush()
        if storeHistory && !silent {
            history.append(line: count, input: code, output: sink.resultText)
        }
        var reply: JSON
        switch outcome {
        case .ok(let payload):
            reply = ["status": "ok", "execution_count": .int(count), "payload": .array(payload), "user_expressions": [:]]
        case .error(let e):
            if !silent {
                io.publish(
                    "error",
                    content: [
                        "ename": .string(e.ename), "evalue": .string(e.evalue),
                        "traceback": .array(e.traceback.map(JSON.string))
                    ], parent: request)
            }
            reply = [
                "status": "error", "execution_count": .int(count), "ename": .string(e.ename),
                "evalue": .string(e.evalue), "traceback": .array(e.traceback.map(JSON.string))
            ]
        }
        if let asked = c["user_expressions"]?.object, !asked.isEmpty {
            var answers = JSONObject()
            for key in asked.keys {
                answers[key] = [
                    "status": "error", "ename": "NotSupported",
                    "evalue": "user_expressions are not evaluated by this kernel", "traceback": []
                ]
            }
            reply.setMember("user_expressions", .object(answers))
        }
        io.reply("execute_reply", content: reply, to: request)
        if case .error = outcome { return stopOnError }
        return false
    }

    // MARK: completion, inspection

    private func complete(_ request: Request, io: ChannelIO) {
        let code = request.content["code"]?.string ?? ""
        let cursor = clampCursor(request.content["cursor_pos"]?.int, in: code)
        let c = interpreter.complete(code, cursor: cursor)
        var metadata: JSON = [:]
        if let types = c.types, types.count == c.matches.count {
            let items: [JSON] = zip(c.matches, types).map { m, t in
                ["start": .int(c.start), "end": .int(c.end), "text": .string(m), "type": .string(t)]
            }
            metadata = ["_jupyter_types_experimental": .array(items)]
        }
        io.reply(
            "complete_reply",
            content: [
                "status": "ok", "matches": .array(c.matches.map(JSON.string)),
                "cursor_start": .int(c.start), "cursor_end": .int(c.end),
                "metadata": metadata
            ], to: request)
    }

    private func inspect(_ request: Request, io: ChannelIO) {
        let code = request.content["code"]?.string ?? ""
        let cursor = clampCursor(request.content["cursor_pos"]?.int, in: code)
        let found = interpreter.inspect(code, cursor: cursor, detailLevel: request.content["detail_level"]?.int ?? 0)
        io.reply(
            "inspect_reply",
            content: [
                "status": "ok", "found": .bool(found != nil),
                "data": found?.data.json ?? [:], "metadata": [:]
            ], to: request)
    }

    private func isComplete(_ request: Request, io: ChannelIO) {
        let content: JSON
        switch interpreter.isComplete(request.content["code"]?.string ?? "") {
        case .complete: content = ["status": "complete"]
        case .incomplete(let indent): content = ["status": "incomplete", "indent": .string(indent)]
        case .invalid: content = ["status": "invalid"]
        case .unknown: content = ["status": "unknown"]
        }
        io.reply("is_complete_reply", content: content, to: request)
    }

    private func kernelInfo() -> JSON {
        let i = interpreter.info
        return [
            "status": "ok",
            "protocol_version": .string(HeaderFactory.protocolVersion),
            "implementation": .string(i.implementation),
            "implementation_version": .string(i.implementationVersion),
            "language_info": [
                "name": .string(i.languageName), "version": .string(i.languageVersion),
                "mimetype": .string(i.mimetype), "file_extension": .string(i.fileExtension),
                "pygments_lexer": .string(i.pygmentsLexer), "codemirror_mode": .string(i.codemirrorMode),
                "nbconvert_exporter": "script"
            ],
            "banner": .string(i.banner),
            "help_links": .array(i.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
            "debugger": false
        ]
    }
}

/// Clamps a client's cursor position (Unicode scalars) into the code; a missing one means the end.
func clampCursor(_ pos: Int?, in code: String) -> Int {
    let n = code.unicodeScalars.count
    guard let pos else { return n }
    return min(max(pos, 0), n)
}

extension JSON {
    mutating func setMember(_ key: String, _ value: JSON) {
        if case .object(var o) = self { o[key] = value; self = .object(o) }
    }
}
