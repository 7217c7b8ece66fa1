#if canImport(Glibc)
    import Glibc
#endif

/// A POSIX thread of its own, for work that blocks (ZeroMQ, libcurl, a test that waits), which
/// must never run on Swift's cooperative pool.
public struct PosixThread: @unchecked Sendable {
    private let id: pthread_t

    /// A closure handed to the new thread, retained until it has run.
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread, or returns nil (and does not run it) when none can be made.
    /// A `detached` thread cleans up after itself; another must be `join`ed, once. With `stack`,
    /// the thread runs on that memory (which must outlive it), else on a stack of its own.
    /// `body` may be non-`Sendable`: the caller answers for what it touches from the new thread.
    public static func start(detached: Bool = true, stack: UnsafeMutableRawBufferPointer? = nil, _ body: @escaping () -> Void) -> PosixThread? {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        if let stack, let base = stack.baseAddress { pthread_attr_setstack(&attributes, base, stack.count) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var id = pthread_t()
        let rc = pthread_create(
            &id, &attributes,
            { p in
                Unmanaged<Body>.fromOpaque(p!).takeRetainedValue().run()
                return nil
            }, box)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return nil
        }
        return PosixThread(id: id)
    }

    /// Waits for a thread started with `detached: false` to end.
    public func join() { pthread_join(id, nil) }
}
