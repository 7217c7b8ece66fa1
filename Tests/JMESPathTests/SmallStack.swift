import Foundation
import Synchronization

/// Runs `body` on a thread with a stack of `stackSize` bytes and waits for its answer.
func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) -> T {
    let answer = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let v = body()
        answer.withLock { $0 = v }
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    return answer.withLock { $0! }
}
