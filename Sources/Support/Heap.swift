#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator, set for a process that runs one thing at a time and then waits (a kernel,
/// which a class of 30 on one hub pays for 30 times). `<malloc.h>` is not in Glibc's module, so
/// its functions are looked up: libc's, or a sanitizer runtime's (which ignores them); an
/// allocator put in with `LD_PRELOAD` (jemalloc) has neither, and libc's then act on a heap
/// nothing uses.
public enum Heap {
    /// One arena for every thread (`M_ARENA_MAX` 1). glibc otherwise gives each thread that
    /// allocates an arena of its own, with pages of its own that hold freed memory; a kernel's
    /// threads (shell, control, IOPub, heartbeat, libzmq's I/O thread) take turns rather than
    /// compete, and each thread's cache still serves small blocks without the arena's lock.
    /// Takes effect for threads that have not allocated yet: call it before making any.
    public static func useOneArena() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        if let f = dlsym(nil, "mallopt") { _ = unsafeBitCast(f, to: Mallopt.self)(arenaMaximum, 1) }
    }

    /// Gives the whole pages of freed memory back to the system (`malloc_trim(0)`): glibc
    /// returns only the top of its heap by itself, and keeps the pages freed below what is
    /// still in use. Takes the heap's lock while it walks the free blocks (a fraction of a
    /// millisecond for a kernel's heap): for when the process has nothing else to do.
    public static func releaseFreePages() {
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let f = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(f, to: MallocTrim.self)(0) }
    }
}
