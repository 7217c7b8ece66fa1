#if os(Linux)
    import Glibc
    import Support

    /// Measures how much stack a piece of code uses: it runs on a thread whose stack is memory we
    /// fill with a pattern first, and the bytes no longer holding the pattern were used.
    enum PaintedStack {
        static let size = 8 << 20
        static let paint: UInt8 = 0xA5

        static func bytesUsed(_ body: @escaping () -> Void) -> Int {
            var memory: UnsafeMutableRawPointer?
            guard posix_memalign(&memory, 1 << 16, size) == 0, let stack = memory else { return -1 }
            defer { free(stack) }
            stack.initializeMemory(as: UInt8.self, repeating: paint, count: size)
            guard let thread = PosixThread.start(detached: false, stack: UnsafeMutableRawBufferPointer(start: stack, count: size), body) else { return -1 }
            thread.join()
            // The stack grows down, from the end of the memory towards its start.
            let bytes = stack.assumingMemoryBound(to: UInt8.self)
            var untouched = 0
            while untouched < size, bytes[untouched] == paint { untouched += 1 }
            return size - untouched
        }
    }
#endif
