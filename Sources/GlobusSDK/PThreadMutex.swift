#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a pthread mutex. For state shared between threads where the thread
/// sanitizer must see the locking: it intercepts pthread mutexes, but not the futex under the
/// standard library's `Mutex`, and reports accesses ordered by one as races.
final class PThreadMutex<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
