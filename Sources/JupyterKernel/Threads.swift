#if canImport(Glibc)
    import Glibc
#endif

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Starts a detached POSIX thread running `body`. Blocking ZeroMQ and libcurl work runs on
/// threads like this one, never on Swift's cooperative pool.
public func spawnThread(name: String, _ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var tid = pthread_t()
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
    let rc = pthread_create(
        &tid, &attr,
        { raw in
            let body = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, box)
    pthread_attr_destroy(&attr)
    precondition(rc == 0, "pthread_create failed: \(rc)")
}

/// A one-shot signal between threads.
public final class Latch: @unchecked Sendable {
    private var sem = sem_t()
    public init() { sem_init(&sem, 0, 0) }
    deinit { sem_destroy(&sem) }
    public func signal() { sem_post(&sem) }
    public func wait() { while sem_wait(&sem) != 0 && errno == EINTR {} }
}
