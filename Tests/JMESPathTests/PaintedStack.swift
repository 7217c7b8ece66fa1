#if os(Linux)
    import Glibc

    /// Measures how much stack a piece of code uses: it runs on a thread whose stack is memory we
    /// fill with a pattern first, and the bytes no longer holding the pattern were used.
    enum PaintedStack {
        static let size = 8 << 20
        static let paint: UInt8 = 0xA5

        final class Work {
            let body: () -> Void
            init(_ body: @escaping () -> Void) { self.body = body }
        }

        static func bytesUsed(_ body: @escaping () -> Void) -> Int {
            var memory: UnsafeMutableRawPointer?
            guard posix_memalign(&memory, 1 << 16, size) == 0, let stack = memory else { return -1 }
            defer { free(stack) }
            stack.initializeMemory(as: UInt8.self, repeating: paint, count: size)
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstack(&attributes, stack, size)
            let work = Unmanaged.passRetained(Work(body)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(
                &thread, &attributes,
                { context in
                    Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
                    return nil
                }, work)
            guard started == 0 else { return -1 }
            pthread_join(thread, nil)
            // The stack grows down, from the end of the memory towards its start.
            let bytes = stack.assumingMemoryBound(to: UInt8.self)
            var untouched = 0
            while untouched < size, bytes[untouched] == paint { untouched += 1 }
            return size - untouched
        }
    }
#endif
