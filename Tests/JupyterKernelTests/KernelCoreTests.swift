import Synchronization
import JSON
import Testing
@testable import JupyterKernel

/// An in-memory transport recording what the kernel core sends.
final class MockChannel: ChannelIO {
    var published: [(type: String, content: JSON, parent: String?)] = []
    var replies: [(type: String, content: JSON, to: String)] = []
    var queued: [Request] = []
    var inputs: [String] = []

    func publish(_ msgType: String, content: JSON, parent: Request?) {
        published.append((msgType, content, parent?.msgID))
    }
    func reply(_ msgType: String, content: JSON, to request: Request) {
        replies.append((msgType, content, request.msgID))
    }
    func input(prompt: String, password: Bool, parent: Request, interruption: Interruption) throws(InputError) -> String {
        guard !inputs.isEmpty else { throw .endOfFile }
        return inputs.removeFirst()
    }
    func takeQueued() -> [Request] { defer { queued = [] }; return queued }

    var types: [String] { published.map(\.type) }
}

/// A scripted interpreter: each cell's code says what to do.
final class ScriptInterpreter: Interpreter, @unchecked Sendable {
    var info: KernelInfo {
        KernelInfo(
            implementation: "mock", implementationVersion: "1", languageName: "mock", languageVersion: "1",
            mimetype: "text/plain", fileExtension: ".m", pygmentsLexer: "text", codemirrorMode: "text",
            banner: "b", helpLinks: [])
    }
    func execute(_ code: String, context: ExecutionContext, output: OutputSink) -> ExecutionOutcome {
        switch code {
        case "fail": return .error(ExecutionError(ename: "Oops", evalue: "bad"))
        case "value": output.result(MimeBundle(text: "v")); return .ok()
        case "chatty":
            for i in 0..<100 { output.stream(.stdout, "\(i)") }
            output.stream(.stderr, "e")
            output.stream(.stdout, "x")
            return .ok()
        case "ask": return .ok(payload: [.string((try? output.input(prompt: "?", password: false)) ?? "none")])
        default: return .ok()
        }
    }
    func complete(_ code: String, cursor: Int) -> Completion { Completion(matches: ["m"], start: 0, end: cursor) }
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> Inspection? { nil }
    func isComplete(_ code: String) -> Completeness { code.hasSuffix("\\") ? .incomplete(indent: "  ") : .complete }
    func interrupt() {}
}

@Suite struct KernelCoreTests {
    func execute(_ code: String, id: String = "e", stopOnError: Bool = true, allowStdin: Bool = false) -> Request {
        Request(
            msgType: "execute_request",
            content: [
                "code": .string(code), "silent": false, "store_history": true,
                "allow_stdin": .bool(allowStdin), "stop_on_error": .bool(stopOnError)
            ], msgID: id)
    }

    @Test func everyRequestIsWrappedInBusyAndIdle() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        core.handle(Request(msgType: "kernel_info_request", content: [:]), io: io, channel: .control)
        #expect(io.types == ["status", "status"])
        #expect(io.published.first?.content["execution_state"] == "busy")
        #expect(io.published.last?.content["execution_state"] == "idle")
        #expect(io.replies.map(\.type) == ["kernel_info_reply"])
        #expect(io.replies[0].content["protocol_version"] == "5.3")
    }

    @Test func unknownTypesGetBusyIdleButNoReply() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption(), log: Log(level: .error))
        let io = MockChannel()
        core.handle(Request(msgType: "frobnicate_request", content: [:]), io: io, channel: .shell)
        #expect(io.types == ["status", "status"])
        #expect(io.replies.isEmpty)
    }

    @Test func executeCountsAndOrdersMessages() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        core.handle(execute("value", id: "a"), io: io, channel: .shell)
        core.handle(execute("nothing", id: "b"), io: io, channel: .shell)
        #expect(io.types == ["status", "execute_input", "execute_result", "status", "status", "execute_input", "status"])
        #expect(io.replies.map { $0.content["execution_count"] } == [1, 2])
        #expect(io.published.allSatisfy { $0.parent != nil })
    }

    @Test func streamsAreCoalescedAndFlushedBeforeTheReply() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        core.handle(execute("chatty"), io: io, channel: .shell)
        let streams = io.published.filter { $0.type == "stream" }
        #expect(streams.count == 3)
        #expect(streams.map { $0.content["name"]!.string! } == ["stdout", "stderr", "stdout"])
        #expect(streams[0].content["text"]!.string!.hasPrefix("0123"))
    }

    @Test func errorsPublishErrorAndAbortOnlyQueuedExecutes() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        io.queued = [execute("x", id: "q1"), Request(msgType: "kernel_info_request", content: [:], msgID: "k"), execute("y", id: "q2")]
        core.handle(execute("fail", id: "f"), io: io, channel: .shell)
        #expect(io.replies.map(\.type) == ["execute_reply", "execute_reply", "kernel_info_reply", "execute_reply"])
        #expect(io.replies.map { $0.content["status"]!.string! } == ["error", "aborted", "ok", "aborted"])
        #expect(io.published.contains { $0.type == "error" && $0.content["ename"] == "Oops" })
        // Queued cells are aborted before the failed cell's idle: a client that sends its next
        // cell when that idle arrives finds nothing left to abort it.
        let failedIdle = io.published.lastIndex { $0.type == "status" && $0.parent == "f" && $0.content["execution_state"] == "idle" }!
        let lastQueued = io.published.lastIndex { $0.parent == "q2" }!
        #expect(lastQueued < failedIdle)
        #expect(failedIdle == io.published.count - 1)
    }

    @Test func stopOnErrorFalseAbortsNothing() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        io.queued = [execute("x", id: "q1")]
        core.handle(execute("fail", stopOnError: false), io: io, channel: .shell)
        #expect(io.replies.count == 1)
        #expect(io.queued.count == 1)
    }

    @Test func inputIsRefusedWithoutAllowStdin() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        io.inputs = ["typed"]
        core.handle(execute("ask", allowStdin: false), io: io, channel: .shell)
        core.handle(execute("ask", allowStdin: true), io: io, channel: .shell)
        #expect(io.replies.map { $0.content["payload"]!.array![0] } == ["none", "typed"])
    }

    @Test func shutdownRepliesPublishesAndNotifies() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        let flag = Interruption()
        core.onShutdown = { restart in if restart { flag.request() } }
        core.handle(Request(msgType: "shutdown_request", content: ["restart": true]), io: io, channel: .control)
        #expect(io.replies[0].content == ["status": "ok", "restart": true])
        #expect(io.types == ["status", "shutdown_reply", "status"])
        #expect(flag.isRequested)
    }

    @Test func interruptSetsTheFlag() {
        let i = Interruption()
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: i)
        let io = MockChannel()
        core.handle(Request(msgType: "interrupt_request", content: [:]), io: io, channel: .control)
        #expect(i.isRequested)
        #expect(io.replies[0].content == ["status": "ok"])
    }

    @Test func shellRequestsOnControlAreRefusedWithoutTouchingState() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        for type in ["execute_request", "history_request", "complete_request", "inspect_request", "is_complete_request", "comm_info_request"] {
            core.handle(Request(msgType: type, content: ["code": "x"], msgID: type), io: io, channel: .control)
        }
        #expect(io.replies.allSatisfy { $0.content["status"] == "error" && $0.content["ename"] == "WrongChannel" })
        #expect(io.replies.map(\.type) == ["execute_reply", "history_reply", "complete_reply", "inspect_reply", "is_complete_reply", "comm_info_reply"])
        #expect(core.executionCount == 0)
        core.handle(execute("x", id: "s"), io: io, channel: .shell)
        #expect(io.replies.last?.content["execution_count"] == 1)
    }

    /// Shell and control on their own threads at once, as the server runs them: under the
    /// thread sanitizer (make sanitize) this shows that control touches no shell state.
    @Test func shellAndControlAtOnceShareNoState() async {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let n = 2000
        let shell = MockChannel(), control = MockChannel()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished = Mutex(0)
            for (io, channel) in [(shell, ChannelKind.shell), (control, ChannelKind.control)] {
                let box = UncheckedBox((core, io))
                detachThread {
                    let (core, io) = box.value
                    for i in 0..<n {
                        let type = channel == .shell ? "execute_request" : (i % 2 == 0 ? "execute_request" : "kernel_info_request")
                        core.handle(Request(msgType: type, content: ["code": "x"], msgID: "\(channel)-\(i)"), io: io, channel: channel)
                    }
                    if finished.withLock({
                        $0 += 1; return $0
                    }) == 2 {
                        done.resume()
                    }
                }
            }
        }
        #expect(core.executionCount == n)
        #expect(control.replies.filter { $0.type == "execute_reply" }.allSatisfy { $0.content["ename"] == "WrongChannel" })
    }

    @Test func cursorIsClampedAndCountedInScalars() {
        #expect(clampCursor(nil, in: "é😀") == 2)
        #expect(clampCursor(99, in: "é😀") == 2)
        #expect(clampCursor(-3, in: "abc") == 0)
        #expect(clampCursor(1, in: "👨‍👩‍👧") == 1)
    }

    @Test func isCompleteCarriesIndent() {
        let core = KernelCore(interpreter: ScriptInterpreter(), interruption: Interruption())
        let io = MockChannel()
        core.handle(Request(msgType: "is_complete_request", content: ["code": "a \\"]), io: io, channel: .shell)
        #expect(io.replies[0].content == ["status": "incomplete", "indent": "  "])
    }
}
