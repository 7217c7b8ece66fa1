import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Blocking SDK work from async code.
///
/// The SDK's calls are blocking: libcurl sends each request on the calling thread and waits for
/// the answer there. Called from an `async` function, such a call would hold one of the few
/// threads of Swift's cooperative pool for as long as the service takes. `GlobusThread` runs it
/// on a thread of its own instead, and maps the task's cancellation to the SDK's `isCancelled`:
///
/// ```swift
/// let task = try await GlobusThread.run { isCancelled in
///     try transfer.cancellable(isCancelled).getTask(taskID)
/// }
/// ```
///
/// The clients' paginators (``Paginator``) do the same for every listing they walk.
public enum GlobusThread {
    /// Runs `body` on a new thread and returns what it returns. When the calling task is
    /// cancelled, the `isCancelled` handed to `body` turns true: pass it to the client
    /// (``GlobusClient/cancellable(_:)``) and the call ends with ``GlobusError/cancelled``
    /// within about 50 ms.
    public static func run<T: Sendable>(_ body: @escaping @Sendable (_ isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> T)
        async throws(GlobusError) -> T
    {
        let flag = CancellationFlag()
        let result: Result<T, GlobusError> = await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Result<T, GlobusError>, Never>) in
                start {
                    let r: Result<T, GlobusError>
                    do throws(GlobusError) { r = .success(try body { flag.isSet }) } catch { r = .failure(error) }
                    c.resume(returning: r)
                }
            }
        } onCancel: {
            flag.set()
        }
        return try result.get()
    }

    /// Starts `body` on a new detached thread.
    static func start(_ body: @escaping @Sendable () -> Void) {
        // No thread could be made: run here rather than never.
        if PosixThread.start(body) == nil { body() }
    }
}

/// A flag that turns true once, read from any thread.
final class CancellationFlag: Sendable {
    private let value = Locked(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
