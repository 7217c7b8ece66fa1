#if canImport(Glibc)
    import Glibc
#endif

/// Pages handed from the thread that fetches them to the task that reads them, one page ahead:
/// the fetching thread may fetch page `n + 1` once the reader has asked for page `n`, so the
/// next page is on its way while the reader works on this one, and at most two pages wait.
/// Cancelling (the reader's task cancelled, or the reader gone) wakes the fetching thread and
/// makes its `isCancelled` true.
final class PageChannel<Element: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var buffer: [Element] = []
    private var end: GlobusError??
    private var reader: UnsafeContinuation<Result<Element?, GlobusError>, Never>?
    private var asked = 0
    private var cancelled = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    // MARK: the fetching thread

    /// Whether the reader cancelled or went away.
    var isCancelled: Bool { locked { cancelled } }

    /// Blocks until the reader has asked for `n` elements, or cancelled (then throws).
    func waitUntilAsked(_ n: Int) throws(GlobusError) {
        pthread_mutex_lock(mutex)
        while asked < n && !cancelled { pthread_cond_wait(condition, mutex) }
        let stop = cancelled
        pthread_mutex_unlock(mutex)
        if stop { throw .cancelled }
    }

    /// Hands an element to the reader.
    func send(_ element: Element) {
        let waiting: UnsafeContinuation<Result<Element?, GlobusError>, Never>? = locked {
            guard !cancelled else { return nil }
            if let r = reader { reader = nil; return r }
            buffer.append(element)
            return nil
        }
        waiting?.resume(returning: .success(element))
    }

    /// Ends the sequence, with an error or without.
    func finish(_ error: GlobusError?) {
        let waiting = locked { () -> UnsafeContinuation<Result<Element?, GlobusError>, Never>? in
            if end == nil { end = .some(error) }
            defer { reader = nil }
            return reader
        }
        waiting?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    // MARK: the reader

    /// Asks for the next element and waits for it; nil at the end.
    func next() async throws(GlobusError) -> Element? {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Result<Element?, GlobusError>, Never>) in
                pthread_mutex_lock(mutex)
                asked += 1
                pthread_cond_broadcast(condition)
                if !buffer.isEmpty {
                    let e = buffer.removeFirst()
                    pthread_mutex_unlock(mutex)
                    c.resume(returning: .success(e))
                } else if let end {
                    pthread_mutex_unlock(mutex)
                    c.resume(returning: end.map { .failure($0) } ?? .success(nil))
                } else if cancelled {
                    pthread_mutex_unlock(mutex)
                    c.resume(returning: .failure(.cancelled))
                } else {
                    reader = c
                    pthread_mutex_unlock(mutex)
                }
            }
        } onCancel: {
            cancel()
        }
        return try result.get()
    }

    /// Stops the fetching thread and ends a waiting reader with `.cancelled`.
    func cancel() {
        let waiting = locked { () -> UnsafeContinuation<Result<Element?, GlobusError>, Never>? in
            let finished = end != nil && buffer.isEmpty
            cancelled = true
            buffer = []
            pthread_cond_broadcast(condition)
            defer { reader = nil }
            return finished ? nil : reader
        }
        waiting?.resume(returning: .failure(.cancelled))
    }
}
