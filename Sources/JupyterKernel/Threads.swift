import Support
#if canImport(Glibc)
    import Glibc
#endif

/// Starts a detached POSIX thread running `body`. Blocking ZeroMQ and libcurl work runs on
/// threads like this one, never on Swift's cooperative pool.
public func spawnThread(name: String, _ body: @escaping @Sendable () -> Void) {
    guard PosixThread.start(body) != nil else { preconditionFailure("no thread could be made for \(name)") }
}

/// A one-shot signal between threads.
public final class Latch: @unchecked Sendable {
    private var sem = sem_t()
    public init() { sem_init(&sem, 0, 0) }
    deinit { sem_destroy(&sem) }
    public func signal() { sem_post(&sem) }
    public func wait() { while sem_wait(&sem) != 0 && errno == EINTR {} }
}
