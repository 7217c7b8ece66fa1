#if canImport(Glibc)
    import Glibc
#endif

/// How far a download or upload got: bytes so far, and the total when it is known.
public struct TransferProgress: Sendable, Equatable {
    /// Bytes written to the local file (a download) or sent (an upload) so far.
    public var bytes: Int64
    /// All the bytes there are to move, when known (a download's `Content-Length`).
    public var total: Int64?

    /// A progress report; see the properties.
    public init(bytes: Int64, total: Int64?) {
        self.bytes = bytes
        self.total = total
    }
}

/// Called on the sending thread as bytes move (after each chunk of at most a few tens of
/// kilobytes): it must be quick, and must not call the SDK.
public typealias ProgressHandler = @Sendable (TransferProgress) -> Void

/// The open file a download's body is written to as it arrives, never held in memory. The
/// transport starts it over (empty) at each attempt, and writes to it only the body of a 2xx
/// answer (an error's body is read into memory, bounded, to be reported). Used by the one
/// thread that sends the request, whose transport callbacks run on it.
final class DownloadSink: @unchecked Sendable {
    let fd: Int32
    let progress: ProgressHandler?
    private(set) var written: Int64 = 0
    /// The answer's `Content-Length`, when it gave one.
    var expected: Int64?
    /// The `errno` of a failed write, if one failed.
    private(set) var failure: Int32?

    init(fd: Int32, progress: ProgressHandler?) {
        self.fd = fd
        self.progress = progress
    }

    /// Empties the file for a new attempt; false (with `failure` set) when it cannot.
    func restart() -> Bool {
        written = 0
        expected = nil
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { failure = errno; return false }
        return true
    }

    /// Writes all of `bytes`; false (with `failure` set) when the file refuses them.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { failure = errno; return false }
            done += n
        }
        written += Int64(bytes.count)
        progress?(TransferProgress(bytes: written, total: expected))
        return true
    }
}

/// The open file an upload's body is read from as it is sent, never held in memory: `length`
/// bytes from its start, read again from the start at each attempt. Used by the one thread
/// that sends the request.
final class UploadSource: @unchecked Sendable {
    let fd: Int32
    let length: Int64
    let progress: ProgressHandler?
    private(set) var sent: Int64 = 0
    /// The `errno` of a failed read, if one failed.
    private(set) var failure: Int32?

    init(fd: Int32, length: Int64, progress: ProgressHandler?) {
        self.fd = fd
        self.length = length
        self.progress = progress
    }

    /// Goes back to the file's start for a new attempt; false (with `failure` set) when it cannot.
    func restart() -> Bool {
        sent = 0
        guard lseek(fd, 0, SEEK_SET) == 0 else { failure = errno; return false }
        return true
    }

    /// Reads the next bytes into `buffer`: how many (0 at the end), or nil when the file fails or
    /// grew shorter than `length` (a file changed while it was sent is not sent as something else).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let want = Int(min(Int64(buffer.count), length - sent))
        guard want > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, want)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { failure = n == 0 ? EIO : errno; return nil }
            sent += Int64(n)
            progress?(TransferProgress(bytes: sent, total: length))
            return n
        }
    }
}
