import Support
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif
import JSON
import Testing
@testable import JupyterKernel

@Suite struct HistoryTests {
    var history: History {
        var h = History()
        h.append(line: 1, input: "%echo a", output: nil)
        h.append(line: 2, input: "%env X", output: "1")
        h.append(line: 3, input: "%echo a", output: nil)
        h.append(line: 4, input: "%env Y", output: "2")
        return h
    }

    @Test func tail() {
        #expect(history.answer(["hist_access_type": "tail", "n": 2]) == [[1, 3, "%echo a"], [1, 4, "%env Y"]])
    }

    @Test func rangeIsStopExclusive() {
        #expect(history.answer(["hist_access_type": "range", "session": 1, "start": 2, "stop": 3]) == [[1, 2, "%env X"]])
        #expect(history.answer(["hist_access_type": "range", "session": 0, "start": 1, "stop": 3]).count == 2)
        #expect(history.answer(["hist_access_type": "range", "session": -1, "start": 1, "stop": 3]).isEmpty)
    }

    @Test func searchWithGlobUniqueAndLimit() {
        #expect(history.answer(["hist_access_type": "search", "pattern": "%echo*"]).count == 2)
        #expect(history.answer(["hist_access_type": "search", "pattern": "%echo*", "unique": true]) == [[1, 3, "%echo a"]])
        #expect(history.answer(["hist_access_type": "search", "pattern": "%e??*", "n": 3]).count == 3)
    }

    @Test func outputPairs() {
        #expect(history.answer(["hist_access_type": "tail", "n": 1, "output": true]) == [[1, 4, ["%env Y", "2"]]])
    }
}

/// Hands a non-Sendable value to one other thread (the test joins before reading it again).
struct UncheckedBox<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }

/// Runs `body` on a new POSIX thread (never Swift's cooperative pool).
func detachThread(_ body: @escaping @Sendable () -> Void) { _ = PosixThread.start(body)! }
