import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// A client of one collection's HTTPS server on Globus Connect Server v5: downloads and uploads
/// of single files (the server lists nothing: use ``TransferClient/operationLs(_:path:showHidden:orderBy:filter:limit:offset:)``).
/// Its base URL is the `https_server` of the collection's Transfer document (``forCollection(_:transfer:options:)``
/// finds it), and its token is the collection's own: scope `https://auth.globus.org/scopes/<ID>/https`,
/// whose resource server is the collection, with the `data_access` consent under it for a
/// mapped collection (``GCSCollectionScopes/httpsWithDataAccess``). The token is sent to that
/// server's origin only, and redirects are never followed.
///
/// ```swift
/// let https = try CollectionHTTPSClient.forCollection(collectionID, transfer: TransferClient(app: app))
/// let info = try https.head("/~/data/results.csv")               // size, type
/// let start = try https.get("/~/data/results.csv", range: FileRange(first: 1024))
/// try https.download("/~/big.h5", to: "/tmp/big.h5", progress: { print($0.bytes) })
/// try https.upload("/tmp/notes.txt", to: "/~/notes.txt")
/// ```
///
/// Paths are the collection's (`/~/…` is the person's home on collections that have one); each
/// segment is percent-encoded, and `.` or `..` segments are refused. Calls block the calling
/// thread; ``ClientOptions/isCancelled`` and each call's `isCancelled` end them promptly. A
/// missing, expired or insufficient login becomes ``GlobusError/loginRequired(_:)`` naming the
/// scope to consent to (and, with ``ClientOptions/onLoginRequired``, a login and one more try).
public struct CollectionHTTPSClient: GlobusClient {
    /// The collection's scopes.
    public let scopes: GCSCollectionScopes
    /// The scope the client's token needs (with `data_access` for a mapped collection).
    public let requiredScope: Scope
    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// When to retry: network errors (a download cut off starts over, into an emptied file)
    /// and 429/5xx answers, as every client (``RetryPolicy``).
    public var retry = RetryPolicy()

    /// A client of collection `collectionID`'s HTTPS server at `httpsServer` (its `https_server`)
    /// that calls with `app`'s tokens; adds the https scope (with `data_access` when
    /// `dataAccess`, which a non-high-assurance mapped collection needs) to the app's
    /// requirements for the collection.
    public init(collectionID: String, httpsServer: String, app: GlobusApp, dataAccess: Bool, options: ClientOptions = ClientOptions()) {
        scopes = GCSCollectionScopes(collectionID)
        requiredScope = dataAccess ? scopes.httpsWithDataAccess : scopes.https
        app.addScopeRequirements(collectionID, [requiredScope])
        connection = ServiceConnection(
            .app(app), service: CollectionHTTPSClient.service(collectionID), resourceServer: collectionID,
            baseURL: httpsServer, options: options)
    }

    /// A client of the collection's HTTPS server that calls with `authorizer`'s credentials (a
    /// token for the collection's https scope).
    public init(
        collectionID: String, httpsServer: String, authorizer: any Authorizer, dataAccess: Bool = false, http: GlobusHTTP = GlobusHTTP(),
        options: ClientOptions = ClientOptions()
    ) {
        scopes = GCSCollectionScopes(collectionID)
        requiredScope = dataAccess ? scopes.httpsWithDataAccess : scopes.https
        connection = ServiceConnection(
            .authorizer(authorizer, http, .production), service: CollectionHTTPSClient.service(collectionID),
            resourceServer: collectionID, baseURL: httpsServer, options: options)
    }

    /// A client found through Transfer: the collection's document gives its `https_server`, and
    /// whether it is a mapped collection that is not high assurance (then `data_access` is
    /// asked for). It calls with `transfer`'s app. Throws a usage error for a collection without
    /// HTTPS access or a Transfer client made without an app.
    public static func forCollection(
        _ collectionID: String, transfer: TransferClient,
        options: ClientOptions? = nil
    ) throws(GlobusError) -> CollectionHTTPSClient {
        guard PathSegment.isUUID(collectionID) else { throw .usage("'\(collectionID)' is not a collection id (a UUID)") }
        let app = try transfer.connection.app(for: "CollectionHTTPSClient.forCollection")
        let document = try transfer.getEndpoint(collectionID).document
        guard let server = document.json["https_server"]?.string, !server.isEmpty, let origin = Origin(server) else {
            throw .usage("collection \(collectionID) has no HTTPS access (its https_server is empty): use a transfer instead")
        }
        // The collection's document names where its token goes: never in clear over a network.
        guard origin.carriesTokens else {
            throw .usage("collection \(collectionID)'s https_server (\(server)) is not an https:// address; its token is not sent there")
        }
        let dataAccess = document.isMappedCollection && document.json["high_assurance"]?.bool != true
        return CollectionHTTPSClient(
            collectionID: collectionID, httpsServer: server, app: app, dataAccess: dataAccess,
            options: options ?? transfer.connection.options)
    }

    /// The collection's id (its resource server).
    public var collectionID: String { scopes.collectionID }

    static func service(_ collectionID: String) -> GlobusService {
        GlobusService(name: "https", resourceServer: collectionID, defaultScopes: [], pathPrefix: nil, exemptPrefixes: [])
    }

    // MARK: calls

    /// `HEAD path`: the file's size and type, without its bytes.
    public func head(_ path: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> RemoteFile {
        let answer = try send(request("HEAD", path), isCancelled: isCancelled)
        return RemoteFile(path: path, headers: answer.headers)
    }

    /// Whether something is at `path` (a `HEAD`: 404 means nothing is; any other error is thrown).
    public func exists(_ path: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> Bool {
        do throws(GlobusError) {
            _ = try head(path, isCancelled: isCancelled)
            return true
        } catch {
            if case .api(let e) = error, e.httpStatus == 404 { return false }
            throw error
        }
    }

    /// `GET path`: the file's bytes, or those of `range`, in memory: at most `maximumBytes`
    /// (a larger answer ends the call with a `ResponseTooLarge` network error before it is held;
    /// ``download(_:to:range:files:replace:progress:isCancelled:)`` takes files of any size).
    public func get(
        _ path: String, range: FileRange? = nil, maximumBytes: Int = 16 << 20,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> [UInt8] {
        var r = request("GET", path, range: range)
        // A range's length bounds the answer (with room for an error's body).
        r.maximumResponseBytes = min(maximumBytes, range?.count.map { max(Int(clamping: $0), 64 << 10) } ?? maximumBytes)
        let answer = try send(r, isCancelled: isCancelled)
        // A server that ignores `Range` answers 200 with the whole file: the part asked for is
        // taken from it.
        guard let range, answer.status == 200 else { return answer.body }
        let whole = answer.body.count
        let start = Int(clamping: range.start), end = range.end.map { $0 >= Int64(whole) - 1 ? whole : Int(clamping: $0) + 1 } ?? whole
        return start < end ? Array(answer.body[start..<end]) : []
    }

    /// `GET path` (or `range` of it) into the local file `localPath`, written as it arrives:
    /// memory stays small whatever the size. The bytes go to a new file next to `localPath`
    /// that replaces it only once complete (or, without `replace`, takes its place only if
    /// there is still no file there); on an error or a cancel that file is removed and
    /// `localPath` is as it was. `files` opens the folder (confined to a home on a shared
    /// machine: no symbolic link, no `..`). `progress` is called as bytes arrive. Answers the
    /// bytes written.
    @discardableResult
    public func download(
        _ path: String, to localPath: String, range: FileRange? = nil, files: FileAccess = .anywhere, replace: Bool = true,
        progress: ProgressHandler? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> Int64 {
        let dir: OpenDirectory
        do { dir = try files.directory(of: localPath, what: "the download", create: false) } catch { throw .usage(error.message) }
        let partial = dir.name + ".part-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let fd: Int32
        do { fd = try dir.open(partial, what: "the download", flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644) } catch { throw .usage(error.message) }
        var done = false
        defer {
            close(fd)
            if !done { dir.remove(partial) }
        }
        let sink = DownloadSink(fd: fd, progress: progress)
        var r = request("GET", path, range: range)
        r.download = sink
        r.maximumResponseBytes = 1 << 20
        let answer = try send(r, isCancelled: isCancelled)
        // A transport that knows no sink (a test's) answers in memory: written here.
        if sink.written == 0 && !answer.body.isEmpty {
            guard answer.body.withUnsafeBytes({ sink.write($0) }) else { throw localFileError("GET", path, sink.failure) }
        }
        if let expected = sink.expected, expected != sink.written {
            throw .network(
                NetworkError(
                    kind: .other, method: "GET", url: redacted((connection.baseURL ?? "") + r.path),
                    detail: "the answer ended after \(sink.written) of \(expected) bytes"))
        }
        if replace {
            guard dir.rename(partial, dir.name) else { throw localFileError("GET", path, errno) }
        } else {
            // A hard link fails when the name is taken: the file that appeared meanwhile is kept.
            guard linkat(dir.fd, partial, dir.fd, dir.name, 0) == 0 else {
                if errno == EEXIST { throw .usage("\(localPath) already exists; it was kept") }
                throw localFileError("GET", path, errno)
            }
            dir.remove(partial)
        }
        done = true
        return sink.written
    }

    /// `PUT path` with the local file `localPath`'s bytes, read as they are sent (memory stays
    /// small whatever the size): makes the file or replaces it. `progress` is called as bytes
    /// go. `files` opens it (confined to a home on a shared machine). Answers the bytes sent.
    @discardableResult
    public func upload(
        _ localPath: String, to path: String, files: FileAccess = .anywhere, progress: ProgressHandler? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> Int64 {
        // Opened as every file is (`FileAccess`): a regular file only, not through a symbolic link.
        let fd: Int32
        do {
            let dir = try files.directory(of: localPath, what: "the file to upload", create: false)
            fd = try dir.open(dir.name, what: "the file to upload", flags: O_RDONLY)
        } catch { throw .usage(error.message) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .usage("cannot read \(localPath): \(String(cString: strerror(errno)))") }
        var r = request("PUT", path)
        r.upload = UploadSource(fd: fd, length: Int64(st.st_size), progress: progress)
        r.headers.append(("Content-Type", "application/octet-stream"))
        _ = try send(r, isCancelled: isCancelled)
        return Int64(st.st_size)
    }

    /// `PUT path` with `bytes` (small content made in memory).
    public func put(_ bytes: [UInt8], to path: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) {
        var r = request("PUT", path)
        r.body = bytes
        r.headers.append(("Content-Type", "application/octet-stream"))
        _ = try send(r, isCancelled: isCancelled)
    }

    // MARK: requests

    /// A request for `path`, with `X-Requested-With: XMLHttpRequest` (so that a missing login is
    /// answered 401 with the scope it needs, not a redirect to a browser sign-in).
    func request(_ method: String, _ path: String, range: FileRange? = nil) -> ServiceRequest {
        var r = ServiceRequest(service: connection.service, method: method, path: CollectionHTTPSClient.encodedPath(path))
        r.headers = [("Accept", "*/*"), ("X-Requested-With", "XMLHttpRequest")]
        if let range { r.headers.append(("Range", range.header)) }
        r.retry = retry
        return r
    }

    /// `path` with each segment percent-encoded (`/` kept); a path that would climb (`..`) or
    /// that is empty becomes one the server refuses, never another URL.
    static func encodedPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        return absolute.split(separator: "/", omittingEmptySubsequences: false)
            .map { FormEncoding.percentEncoded($0, spaceAsPlus: false) }.joined(separator: "/")
    }

    /// Sends `r` (refusing `.` and `..` segments), ending early when `isCancelled` or the
    /// options' turns true; a 401, or a 403 that carries an authorization requirement, becomes
    /// ``GlobusError/loginRequired(_:)`` naming the scope to consent to, and with
    /// ``ClientOptions/onLoginRequired`` a login is done and the call made once more.
    func send(_ r: ServiceRequest, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> HTTPResponse {
        if r.path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) {
            throw .usage("refusing the path \(r.path): '.' and '..' segments are not sent")
        }
        var c = connection
        let mine = c.options.isCancelled
        c.options.isCancelled = { mine() || isCancelled() }
        // The login handler runs here, once, for the requirements this client recognizes.
        let onLogin = c.options.onLoginRequired
        c.options.onLoginRequired = nil
        var loggedIn = false
        while true {
            do throws(GlobusError) {
                let answer = try c.send(r)
                // Redirects are not followed (the token would go with them): a server that sends
                // one elsewhere (a sign-in page) is answered as it is, an error.
                if (300..<400).contains(answer.status) {
                    let to = answer.header("location").map { Origin($0)?.description ?? redacted($0) } ?? "nowhere"
                    throw GlobusError.network(
                        NetworkError(
                            kind: .redirectRefused, method: r.method, url: redacted((c.baseURL ?? "") + r.path),
                            detail: "redirected to \(to): not followed, so that the token is not sent there"))
                }
                return answer
            } catch {
                let need = loginRequirement(try explained(error, r, c))
                guard let need else { throw error }
                guard !loggedIn, let onLogin else { throw .loginRequired(need) }
                loggedIn = true
                try onLogin(need)
            }
        }
    }

    /// A HEAD answer has no body, so a 403 to one cannot say why: the same request as a GET
    /// of one byte can (a consent to give, say). Any other error is returned as it is.
    func explained(_ error: GlobusError, _ r: ServiceRequest, _ c: ServiceConnection) throws(GlobusError) -> GlobusError {
        guard r.method == "HEAD", case .api(let e) = error, e.httpStatus == 403, e.text.isEmpty else { return error }
        var probe = r
        probe.method = "GET"
        probe.headers.append(("Range", "bytes=0-0"))
        probe.maximumResponseBytes = 64 << 10
        do throws(GlobusError) {
            _ = try c.send(probe)
            return error
        } catch let probed {
            if case .api(let why) = probed, why.httpStatus == 403, why.gare != nil { return probed }
            return error
        }
    }

    /// What a login must give for the collection, from an error: a missing or unusable login
    /// (the app's own finding, or the server's 401), or a 403 with an authorization requirement
    /// (a `data_access` consent not given). The scopes are the server's, else ``requiredScope``.
    func loginRequirement(_ error: GlobusError) -> LoginRequired? {
        switch error {
        case .loginRequired(let need):
            return need
        case .api(let e) where e.httpStatus == 401 || (e.httpStatus == 403 && e.gare != nil):
            var parameters = e.gare?.authorizationParameters ?? AuthorizationParameters()
            if (parameters.requiredScopes ?? []).isEmpty { parameters.requiredScopes = [requiredScope.description] }
            return LoginRequired(
                reason: .missingScopes(parameters.requiredScopes ?? []), resourceServer: collectionID,
                authorizationParameters: parameters)
        default:
            return nil
        }
    }

    func localFileError(_ method: String, _ path: String, _ code: Int32?) -> GlobusError {
        .network(NetworkError(kind: .localFile, method: method, url: path, detail: "the local file failed: \(String(cString: strerror(code ?? EIO)))"))
    }
}

/// A part of a file, as a `Range: bytes=…` header asks for it: from `start` to `end` (inclusive),
/// or to the file's end. GCS answers a suffix range (the last N bytes) 416, so there is none.
public struct FileRange: Sendable, Equatable {
    /// The first byte's offset.
    public var start: Int64
    /// The last byte's offset, or nil for the file's end.
    public var end: Int64?

    /// Bytes `start` through `end` (inclusive), or through the file's end.
    public init(start: Int64, end: Int64? = nil) {
        self.start = start
        self.end = end
    }

    /// The file's first `count` bytes (its head).
    public init(first count: Int64) { self.init(start: 0, end: max(count, 1) - 1) }

    /// How many bytes it asks for, when it has an end (0 for an end before the start; at most
    /// `Int64.max`, whatever the offsets).
    public var count: Int64? {
        end.map { end in
            let (gap, overflow) = end.subtractingReportingOverflow(start)
            return overflow || gap == .max ? .max : max(0, gap + 1)
        }
    }

    /// `bytes=start-end` or `bytes=start-`.
    public var header: String { "bytes=\(start)-" + (end.map(String.init) ?? "") }
}

/// What a HEAD request tells of a remote file.
public struct RemoteFile: Sendable, Equatable {
    /// The path asked for.
    public var path: String
    /// Its size in bytes (`Content-Length`), when given.
    public var size: Int64?
    /// Its media type (`Content-Type`), when given.
    public var contentType: String?
    /// Whether the server takes `Range` requests for it (`Accept-Ranges: bytes`).
    public var acceptsRanges: Bool

    init(path: String, headers: [(String, String)]) {
        self.path = path
        let h = { (n: String) in headers.last { $0.0 == n }?.1 }
        size = h("content-length").flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil }
        contentType = h("content-type")
        acceptsRanges = h("accept-ranges")?.lowercased() == "bytes"
    }
}
