import Dispatch
import GlobusSimulator
import JSON
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A simulator serving on a loopback port for the lifetime of a test (shared by the SDK's and
/// the magics' tests).
public final class RunningSimulator: Sendable {
    public let sim: Simulator
    let task: Task<Void, Never>
    public let port: Int

    public init(_ config: Simulator.Configuration = Simulator.Configuration()) async throws {
        let sim = try Simulator(config)
        let ready = AsyncStream<Int>.makeStream()
        task = Task { try? await sim.run(port: 0) { p in ready.continuation.yield(p) } }
        var it = ready.stream.makeAsyncIterator()
        port = await it.next() ?? 0
        self.sim = sim
    }

    public func stop() { task.cancel() }

    /// The variables that point a Globus SDK here (what `globus-sim` prints).
    public var variables: [String: String] { Dictionary(uniqueKeysWithValues: sim.environment) }

    /// What the person does in the browser: approve and copy the code.
    public func approve(_ url: String, as identity: String = "alice@uchicago.edu") async -> String {
        let q = url.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        let r = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/sim/approve", query: FormCoding.decode(q) + [("identity", identity)],
                headers: ["accept": "application/json"]))
        return (try? JSON.parse(r.body)["code"]?.string) ?? ""
    }

    /// `approve`, from a thread that may block (not the cooperative pool).
    public func approveBlocking(_ url: String, as identity: String = "alice@uchicago.edu") -> String {
        blocking { await self.approve(url, as: identity) }
    }

    /// `admin`, from a thread that may block (not the cooperative pool).
    public func adminBlocking(_ path: String, _ body: String = "{}") {
        blocking { await self.admin(path, body) }
    }

    /// Waits on this thread for `work` (which runs on the cooperative pool, as the simulator does).
    /// Never call it from the pool itself (an async test's body): with as many pool threads as
    /// cores (2 here), two such waits leave no thread to run `work` or the simulator, and the
    /// whole test run hangs. There, `await` the async form.
    private func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let r = await work(); result.withLock { $0 = r }; done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    /// The paths of the requests the simulator has served so far (oldest first).
    public func requestedPaths() async -> [String] {
        let r = await sim.handle(SimRequest(method: "GET", path: "/admin/requests"))
        return ((try? JSON.parse(r.body)["requests"]?.array) ?? []).compactMap { $0["path"]?.string }
    }

    public func admin(_ path: String, _ body: String = "{}") async {
        _ = await sim.handle(SimRequest(method: path == "faults-clear" ? "DELETE" : "POST", path: "/admin/" + (path == "faults-clear" ? "faults" : path), body: Array(body.utf8)))
    }
}

/// Runs blocking work on a dedicated thread (libcurl must not block the cooperative pool,
/// which also serves the in-process simulator). What the thread wrote is visible to the caller
/// afterwards, and the thread sanitizer can see why: the thread releases a pthread mutex before
/// it resumes the caller, which takes it after (a continuation's own ordering lives in the
/// uninstrumented Swift runtime, so objects the thread filled in were reported as races).
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let gate = Gate()
    let result: T = try await withCheckedThrowingContinuation { c in
        let started = PosixThread.start {
            let r = Result { try body() }
            gate.pass()
            c.resume(with: r)
        }
        precondition(started != nil, "no thread could be made")
    }
    gate.pass()
    return result
}

/// A pthread mutex passed through (locked and unlocked): an ordering point the thread sanitizer
/// sees. (Not `Support.Locked`: passing through a `Locked<Void>`, the sanitizer reported the
/// exclusivity access of its empty value as a race.)
final class Gate: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    func pass() {
        pthread_mutex_lock(mutex)
        pthread_mutex_unlock(mutex)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
}

/// A closure to run on a new thread.

extension RunningSimulator {
    /// The requests the simulator has served so far (oldest first), as it recorded them
    /// (method, path, query, parsed body; secrets redacted).
    public func requests() async -> [JSON] {
        let r = await sim.handle(SimRequest(method: "GET", path: "/admin/requests"))
        return (try? JSON.parse(r.body)["requests"]?.array) ?? []
    }
}

/// Writes `bytes` as the whole file at `path` (made or emptied first): for tests, which set up
/// local files for the code under test. False when it could not be written.
@discardableResult
public func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
}

/// Reads a whole file, or nil (errno set): for tests, which look at files the code under test
/// wrote (the code itself opens files through `FileAccess` only).
public func readFile(_ path: String) -> [UInt8]? { readWholeFile(path) }
