import Support
import CCurl
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP request.
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: String
    /// The full URL.
    public var url: String
    /// The headers.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]?
    /// Whether the transport may follow redirects (`GlobusHTTP` follows them itself).
    public var followRedirects: Bool
    /// Timeout, certificate checks and proxies for this request (`GlobusHTTP` sets its own).
    public var settings: HTTPSettings
    /// Work for the calling thread while the answer is awaited (see `WhileWaiting`).
    public var whileWaiting: WhileWaiting?
    /// The largest answer taken, in bytes; a larger one ends the request with an error before
    /// it is held in memory whole.
    public var maximumResponseBytes = HTTPRequest.defaultMaximumResponseBytes
    /// 64 MB: a Globus answer is a few kilobytes to a few megabytes; a listing larger than
    /// that comes in pages.
    public static let defaultMaximumResponseBytes = 64 << 20
    /// Where a 2xx answer's body goes instead of memory (a download); `maximumResponseBytes`
    /// then bounds only an error's body. Transports that do not know it answer in memory.
    var download: DownloadSink?
    /// Where the body comes from instead of `body` (an upload, sent as it is read).
    var upload: UploadSource?

    /// A request; see the properties.
    public init(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, followRedirects: Bool = false,
        settings: HTTPSettings = HTTPSettings()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.followRedirects = followRedirects
        self.settings = settings
    }
}

/// Work that the sending thread does once while a request's answer is on its way (a paginator
/// parses the previous page there, so parsing and the server's work overlap without another
/// thread). A transport runs it once the request is sent; `run` after the answer is a no-op if
/// the transport already did (a transport that cannot wait that way need not run it at all).
/// Used by one thread only: the one that sends.
public final class WhileWaiting: @unchecked Sendable {
    private var work: (() -> Void)?

    /// Work to run once.
    public init(_ work: @escaping () -> Void) { self.work = work }

    /// Runs the work if it has not run yet.
    public func run() {
        let w = work
        work = nil
        w?()
    }
}

/// An HTTP response. Header names are lowercased.
public struct HTTPResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The headers, names lowercased.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// A response.
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The last value of a header (`name` in any case), or nil.
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.0 == n }?.1
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends HTTP requests. The production transport is libcurl; tests may substitute one.
public protocol Transport: Sendable {
    /// Sends `request`, returning promptly with `.cancelled` once `isCancelled` turns true.
    func send(_ request: HTTPRequest, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> HTTPResponse
}

/// HTTP over libcurl on the calling thread (never call it from Swift's cooperative pool).
/// Easy handles are pooled so that connections are kept alive between calls.
public final class CurlTransport: Transport {
    /// An easy handle and the multi handle that drives it (and caches its connections); used by
    /// one thread at a time, taken from and returned to the pool.
    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let multi: UnsafeMutableRawPointer
    }
    // Shared by every thread that sends (a pthread mutex, so that the thread sanitizer sees it).
    private let pool = Locked<[Handle]>([])

    /// The transport every app uses unless given another.
    public static let shared = CurlTransport()

    /// A transport with its own pool of connections.
    public init() {}

    final class Exchange {
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        /// The status of the answer being read (from its status line), for the write callback.
        var status = 0
        let sink: DownloadSink?
        let source: UploadSource?
        let isCancelled: @Sendable () -> Bool
        /// Responses larger than this are refused rather than exhausting memory.
        let limit: Int
        var overLimit = false
        init(_ c: @escaping @Sendable () -> Bool, limit: Int, sink: DownloadSink?, source: UploadSource?) {
            isCancelled = c
            self.limit = limit
            self.sink = sink
            self.source = source
        }

        /// Whether a body chunk goes to the download's file (a 2xx answer's) rather than memory.
        var toSink: Bool { sink != nil && (200..<300).contains(status) }
    }

    /// Sends a request on this thread, in 50 ms slices so that a cancel ends it promptly.
    public func send(_ request: HTTPRequest, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> HTTPResponse {
        if isCancelled() { throw .cancelled }
        // Each attempt starts the local file over: a retried download does not append to a
        // partial one, and a retried upload sends the file from its start.
        if request.download?.restart() == false || request.upload?.restart() == false {
            throw .network(
                NetworkError(
                    kind: .localFile, method: request.method, url: redacted(request.url),
                    detail: "the local file cannot be rewound: \(String(cString: strerror(request.download?.failure ?? request.upload?.failure ?? EIO)))"))
        }
        let curl = try CurlLibrary.shared.get()
        let setopt = curl.setopt
        guard let handle = pool.withLock({ $0.popLast() }) ?? curl.easyInit().flatMap({ e in curl.multiInit().map { Handle(pointer: e, multi: $0) } }) else {
            throw .network(NetworkError(kind: .other, method: request.method, url: redacted(request.url), detail: "libcurl could not create a handle"))
        }
        let h = handle.pointer
        defer {
            curl.easyReset(h)
            let keep = pool.withLock { p in
                guard p.count < 8 else { return false }
                p.append(handle)
                return true
            }
            if !keep { curl.easyCleanup(h); _ = curl.multiCleanup(handle.multi) }
        }
        let exchange = Exchange(isCancelled, limit: request.maximumResponseBytes, sink: request.download, source: request.upload)
        let box = Unmanaged.passRetained(exchange)
        defer { box.release() }

        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl.slistFreeAll(list) }
        for (k, v) in request.headers { list = curl.slistAppend(list, "\(k): \(v)") }
        if (request.body != nil || request.upload != nil) && !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            list = curl.slistAppend(list, "Expect:")
        }

        gk_setopt_string(setopt, h, CURLOPT_URL, request.url)
        gk_setopt_long(setopt, h, CURLOPT_NOSIGNAL, 1)
        gk_setopt_string(setopt, h, CURLOPT_ACCEPT_ENCODING, "")
        gk_setopt_long(setopt, h, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        gk_setopt_slist(setopt, h, CURLOPT_HTTPHEADER, list)
        switch request.method {
        case "GET": gk_setopt_long(setopt, h, CURLOPT_HTTPGET, 1)
        case "HEAD": gk_setopt_long(setopt, h, CURLOPT_NOBODY, 1)
        default: gk_setopt_string(setopt, h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let source = request.upload {
            gk_setopt_long(setopt, h, CURLOPT_UPLOAD, 1)
            gk_setopt_off(setopt, h, CURLOPT_INFILESIZE_LARGE, curl_off_t(source.length))
        } else if let body = request.body {
            _ = body.withUnsafeBytes { gk_setopt_blob(setopt, h, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), body.count) }
        }
        let settings = request.settings
        if let timeout = settings.timeout {
            gk_setopt_long(setopt, h, CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000))
            gk_setopt_long(setopt, h, CURLOPT_LOW_SPEED_LIMIT, 1)
            gk_setopt_long(setopt, h, CURLOPT_LOW_SPEED_TIME, max(1, Int(timeout)))
        }
        // Always set: an empty proxy turns off libcurl's own reading of the process environment.
        gk_setopt_string(setopt, h, CURLOPT_PROXY, settings.proxies.proxy(for: request.url))
        if let noProxy = settings.proxies.noProxy { gk_setopt_string(setopt, h, CURLOPT_NOPROXY, noProxy) }
        switch settings.tls {
        case .on: break
        case .off:
            gk_setopt_long(setopt, h, CURLOPT_SSL_VERIFYPEER, 0)
            gk_setopt_long(setopt, h, CURLOPT_SSL_VERIFYHOST, 0)
        case .caBundle(let path): gk_setopt_string(setopt, h, CURLOPT_CAINFO, path)
        }
        let ctx = box.toOpaque()
        gk_setopt_write(setopt, h, CURLOPT_WRITEFUNCTION) { ptr, size, n, user in
            let ex = Unmanaged<Exchange>.fromOpaque(user!).takeUnretainedValue()
            let count = size * n
            if ex.toSink, let sink = ex.sink {
                guard let ptr else { return count }
                return sink.write(UnsafeRawBufferPointer(start: ptr, count: count)) ? count : 0
            }
            if ex.body.count + count > ex.limit { ex.overLimit = true; return 0 }
            if let ptr { ptr.withMemoryRebound(to: UInt8.self, capacity: count) { ex.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) } }
            return count
        }
        gk_setopt_pointer(setopt, h, CURLOPT_WRITEDATA, ctx)
        gk_setopt_write(setopt, h, CURLOPT_HEADERFUNCTION) { ptr, size, n, user in
            let ex = Unmanaged<Exchange>.fromOpaque(user!).takeUnretainedValue()
            let count = size * n
            guard let ptr else { return count }
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
            if line.hasPrefix("HTTP/") {
                ex.headers = []
                ex.status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(" \t\r\n")
                ex.headers.append((name, value))
                if name == "content-length", ex.toSink { ex.sink?.expected = Int64(value) }
            }
            return count
        }
        gk_setopt_pointer(setopt, h, CURLOPT_HEADERDATA, ctx)
        if request.upload != nil {
            gk_setopt_write(setopt, h, CURLOPT_READFUNCTION) { ptr, size, n, user in
                let ex = Unmanaged<Exchange>.fromOpaque(user!).takeUnretainedValue()
                guard let ptr, let source = ex.source else { return 0 }
                // CURL_READFUNC_ABORT: the file failed; the transfer ends with CURLE_ABORTED_BY_CALLBACK.
                return source.read(into: UnsafeMutableRawBufferPointer(start: ptr, count: size * n)) ?? 0x1000_0000
            }
            gk_setopt_pointer(setopt, h, CURLOPT_READDATA, ctx)
        }
        gk_setopt_long(setopt, h, CURLOPT_NOPROGRESS, 0)
        gk_setopt_progress(setopt, h) { user, _, _, _, _ in
            Unmanaged<Exchange>.fromOpaque(user!).takeUnretainedValue().isCancelled() ? 1 : 0
        }
        gk_setopt_pointer(setopt, h, CURLOPT_XFERINFODATA, ctx)

        // Drive the transfer in 50 ms slices so that a cancel ends it promptly.
        let m = handle.multi
        _ = curl.multiAdd(m, h)
        defer { _ = curl.multiRemove(m, h) }
        var running: Int32 = 1
        while true {
            _ = curl.multiPerform(m, &running)
            if running == 0 { break }
            request.whileWaiting?.run()
            if isCancelled() { throw .cancelled }
            _ = curl.multiPoll(m, nil, 0, 50, nil)
        }
        var rc = CURLE_OK
        var left: Int32 = 0
        while let msg = curl.multiInfoRead(m, &left) {
            if msg.pointee.msg == CURLMSG_DONE { rc = msg.pointee.data.result }
        }
        if rc != CURLE_OK {
            if let errno = exchange.sink?.failure ?? exchange.source?.failure {
                throw .network(
                    NetworkError(
                        kind: .localFile, method: request.method, url: redacted(request.url),
                        detail: "the local file failed: \(String(cString: strerror(errno)))"))
            }
            if rc == CURLE_ABORTED_BY_CALLBACK { throw .cancelled }
            var detail =
                exchange.overLimit ? "response larger than \(exchange.limit / 1024 / 1024) MB" : (curl.easyStrerror(rc).map { String(cString: $0) } ?? "error \(rc.rawValue)")
            let kind: NetworkError.Kind =
                switch rc {
                case _ where exchange.overLimit: .tooLarge
                case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connect
                case CURLE_OPERATION_TIMEDOUT: .timeout
                case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM: .tls
                default: .other
                }
            if kind == .tls {
                detail +=
                    " — the server's certificate could not be verified against the trusted certificate authorities. If this Globus"
                    + " service uses a private certificate authority, set GLOBUS_SDK_VERIFY_SSL to its CA bundle file"
                    + settings.tls.caBundleNote
            }
            throw .network(NetworkError(kind: kind, method: request.method, url: redacted(request.url), detail: detail))
        }
        var status = 0
        gk_getinfo_long(curl.getinfo, h, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: exchange.headers, body: exchange.body)
    }
}

/// A URL without its query string (queries can carry codes or tokens; errors never show them).
func redacted(_ url: String) -> String {
    guard let q = url.firstIndex(of: "?") else { return url }
    return String(url[..<q])
}
