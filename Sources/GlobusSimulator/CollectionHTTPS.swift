import Support
import JSON

/// HTTPS access to a collection's files, as Globus Connect Server v5 gives it: each collection
/// has a server of its own, whose base URL Transfer's endpoint document names as `https_server`,
/// for downloads and uploads only (no listings). What is known of it, and where from, is in the
/// project's `gcs-https-access.md`; in short:
///
/// - The scope is `https://auth.globus.org/scopes/<COLLECTION_ID>/https`, whose resource server
///   is the collection (globus-sdk's `GCSCollectionScopes(ID).https`). A non-high-assurance
///   mapped collection also needs `data_access`, as a dependency of it (globusfs `login.py`):
///   `…/https[*…/data_access]`; a guest collection has no `data_access`.
/// - `Range: bytes=a-b` and `bytes=a-` answer 206 with `Content-Range`; a suffix range `bytes=-N`
///   answers 416; HEAD answers 200 with `Accept-Ranges: bytes` and the full `Content-Length`;
///   a missing file 404 (the body mentions `GridFTP-Errno: 2`; a HEAD's has none); PUT uploads
///   and answers 200 (globusfs `tests/test_gcs_behavior.py` and `errors.py`, run against a live
///   collection).
/// - Without a usable token, a client that sends `X-Requested-With: XMLHttpRequest` gets 401
///   JSON whose `authorization_parameters.required_scopes` names the scope; anyone else is
///   redirected to Globus Auth (neuroglancer `credentials_provider.ts`).
///
/// Not found in any source, so chosen here and open to correction: the `Content-Type` of a
/// download (by the name's extension), the other fields of the 401 body, the answer to a token
/// that is valid but lacks the `data_access` consent (403, the same JSON with code
/// `ConsentRequired`), GET or PUT on a folder (400), PUT into a missing folder (404), several
/// ranges in one header (416, so that no client relies on multipart answers), and where the
/// redirect to Auth leads exactly (its authorize URL with the collection's scope).
///
/// Paths are those `ls` and transfers use: `/~/…` is the caller's own home on the collection
/// (`/home/<caller>/…`, the absolute path `ls` reports, names it too).
extension Simulator {
    /// A data-access answer: a status, headers, and a body that may be a range of a file's
    /// content (streamed by the server, never held whole), with the faults that shape it.
    struct DataAnswer: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: DataBody = .bytes([])
        /// Drop the connection instead of answering (a `drop` fault).
        var drop = false
        /// Drop the connection after this many bytes of the body (a `cut` fault).
        var cutAfter: Int?
        /// Send the body at this many bytes per second (a `throttle` fault).
        var throttle: Int?
    }

    enum DataBody: Sendable {
        case bytes([UInt8])
        case content(SimContent, Range<Int>)

        var count: Int {
            switch self {
            case .bytes(let b): b.count
            case .content(_, let r): r.count
            }
        }
    }

    /// `https://auth.globus.org/scopes/<id>/https`.
    static func httpsScope(_ collectionID: String) -> String { "https://auth.globus.org/scopes/\(collectionID)/https" }

    /// The scope a login must consent to for HTTPS access to `c`: the https scope, with
    /// `data_access` under it for a mapped collection.
    static func httpsRequiredScope(_ c: SimCollection) -> String {
        httpsScope(c.id) + (c.mapped ? "[*https://auth.globus.org/scopes/\(c.id)/data_access]" : "")
    }

    /// Where faults for a collection's HTTPS server are routed: `/https/<id>/<path>` (so that
    /// `cut=1000@/https/<id>/` acts on that collection's server alone).
    static func dataFaultRoute(_ collectionID: String, _ path: String) -> String { "/https/\(collectionID)\(path)" }

    /// A request that may go on: the file-tree path it names, whose files (the caller's), and
    /// the faults that shape its answer's body.
    struct DataTarget: Sendable {
        var path: String
        var owner: String
        var cutAfter: Int?
        var throttle: Int?
    }

    /// What is decided before a request's body is read: its faults, its authorization, its path.
    /// `.failure` is the answer when the request goes no further.
    func dataPreflight(_ c: SimCollection, _ r: SimRequest) async -> Result<DataTarget, DataRefusal> {
        let faults = takeFaults(for: Simulator.dataFaultRoute(c.id, r.path))
        if let answer = await respond(to: faults, r) {
            return .failure(
                DataRefusal(
                    DataAnswer(
                        status: answer.status, headers: answer.headers, body: .bytes(r.method == "HEAD" ? [] : answer.body),
                        drop: answer.dropConnection)))
        }
        if let refusal = dataAccessRefusal(c, r) { return .failure(DataRefusal(refusal)) }
        guard let token = withState({ $0.validToken(r.bearer, for: c.id) }) else { return .failure(DataRefusal(dataError(401, "Unauthorized", r))) }
        let owner = caller(token)
        guard let path = Simulator.dataPath(r.path, owner: owner) else {
            return .failure(DataRefusal(dataError(400, "Bad Request: the path must be absolute, without '.' or '..' segments", r)))
        }
        var target = DataTarget(path: path, owner: owner)
        for f in faults {
            switch f.kind {
            case .cut(let n): target.cutAfter = n
            case .throttle(let bps): target.throttle = bps
            default: break
            }
        }
        return .success(target)
    }

    /// An answer that ends a request early, as the failure of a `Result`.
    struct DataRefusal: Error {
        let answer: DataAnswer
        init(_ answer: DataAnswer) { self.answer = answer }
    }

    /// The refusal of a request without a usable token for the collection's HTTPS server: a
    /// token of another collection or service, expired, revoked, or without the https scope is
    /// never accepted; a mapped collection also needs the `data_access` consent.
    func dataAccessRefusal(_ c: SimCollection, _ r: SimRequest) -> DataAnswer? {
        let required = Simulator.httpsRequiredScope(c)
        let scope = Simulator.httpsScope(c.id)
        guard let token = withState({ $0.validToken(r.bearer, for: c.id) }), token.scopes.contains(where: { $0.name == scope }) else {
            let why = r.bearer == nil ? "No credentials were provided" : "The credentials are not valid for this collection"
            if r.headers["x-requested-with"]?.lowercased() == "xmlhttprequest" {
                return dataGARE(401, "AuthenticationRequired", why, required)
            }
            let query = FormCoding.encode([
                ("client_id", c.id), ("scope", required), ("response_type", "code"),
                ("redirect_uri", httpsServerURL(c.id) + "/authcallback")
            ])
            return DataAnswer(status: 302, headers: [("Location", serviceURL("auth") + "v2/oauth2/authorize?" + query), ("Content-Length", "0")])
        }
        if c.mapped
            && !withState({
                $0.hasConsent(
                    identityID: caller(token), clientID: token.clientID,
                    path: [scope, "https://auth.globus.org/scopes/\(c.id)/data_access"])
            })
        {
            return dataGARE(403, "ConsentRequired", "Missing required data_access consent", required)
        }
        return nil
    }

    func dataGARE(_ status: Int, _ code: String, _ message: String, _ scope: String) -> DataAnswer {
        let body: JSON = [
            "code": .string(code), "message": .string(message), "request_id": .string(requestID()),
            "authorization_parameters": ["session_message": .string(message), "required_scopes": [.string(scope)]]
        ]
        return DataAnswer(status: status, headers: [("Content-Type", "application/json")], body: .bytes(body.bytes))
    }

    /// A plain-text error (GCS's error pages are text; their exact wording is not known). A HEAD
    /// answer has no body.
    func dataError(_ status: Int, _ message: String, _ r: SimRequest) -> DataAnswer {
        DataAnswer(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
            body: .bytes(r.method == "HEAD" ? [] : Array((message + "\n").utf8)))
    }

    /// The file-tree path a request path names, percent-decoded: `/~/x` as it is, and
    /// `/home/<owner>/x` as `/~/x`. Nil for a relative path or one with `.` or `..` segments.
    static func dataPath(_ raw: String, owner: String) -> String? {
        guard let decoded = percentDecoded(raw), decoded.hasPrefix("/") else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.contains(where: { $0 == "." || $0 == ".." }) { return nil }
        let home = "/home/" + owner
        if decoded == home { return "/~/" }
        if decoded.hasPrefix(home + "/") { return "/~/" + decoded.dropFirst(home.count + 1) }
        return decoded
    }

    /// `%XX` decoded (not `+`: this is a path); nil for bytes that are not UTF-8 or a `%` that
    /// starts no escape.
    static func percentDecoded(_ s: String) -> String? {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "%") else { out.append(b); continue }
            guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(v)
            bytes = bytes.dropFirst(2)
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The answer to a request that passed `dataPreflight` (a PUT's body read, within the limit).
    func dataAnswer(_ c: SimCollection, _ r: SimRequest, _ t: DataTarget) -> DataAnswer {
        switch r.method {
        case "GET", "HEAD":
            var a = download(c, r, path: t.path, owner: t.owner)
            a.cutAfter = t.cutAfter
            a.throttle = t.throttle
            return a
        case "PUT": return upload(c, r, path: t.path, owner: t.owner)
        default:
            var a = dataError(405, "Method Not Allowed: \(r.method)", r)
            a.headers.append(("Allow", "GET, HEAD, PUT"))
            return a
        }
    }

    func download(_ c: SimCollection, _ r: SimRequest, path: String, owner: String) -> DataAnswer {
        let tree = withState { $0.transfer.files(on: c.id, of: owner) }
        if tree?.entries(in: SimPath.folder(path)) != nil {
            return dataError(400, "Bad Request: \(path) is a folder (HTTPS access reads and writes files only)", r)
        }
        guard let entry = tree?.entry(at: path), !path.hasSuffix("/"), entry.type == "file" else {
            return dataError(404, "Not Found: GridFTP-Errno: 2: No such file or directory: \(path)", r)
        }
        let size = entry.size
        var headers = [("Accept-Ranges", "bytes"), ("Content-Type", Simulator.contentType(of: entry.name))]
        if r.method == "HEAD" { return DataAnswer(status: 200, headers: headers + [("Content-Length", String(size))]) }
        switch ByteRange.parse(r.headers["range"], size: size) {
        case .whole:
            return DataAnswer(status: 200, headers: headers + [("Content-Length", String(size))], body: .content(entry.content, 0..<size))
        case .part(let range):
            headers += [("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"), ("Content-Length", String(range.count))]
            return DataAnswer(status: 206, headers: headers, body: .content(entry.content, range))
        case .unsatisfiable:
            var a = dataError(416, "Range Not Satisfiable", r)
            a.headers.append(("Content-Range", "bytes */\(size)"))
            return a
        }
    }

    func upload(_ c: SimCollection, _ r: SimRequest, path: String, owner: String) -> DataAnswer {
        let (folder, name) = SimPath.split(path)
        guard !path.hasSuffix("/"), !name.isEmpty, name != "~" else { return dataError(400, "Bad Request: \(path) is a folder", r) }
        let file = SimFile(name: name, type: "file", size: r.body.count, content: .bytes(r.body))
        let refusal: FileTree.Refusal? = withState { s in
            let mine = s.transfer.files(on: c.id, of: owner)
            let replaced = mine?.entry(at: path)?.content.storedBytes ?? 0
            let total = s.transfer.homes.values.reduce(0) { $0 + $1.storedBytes }
            if (mine?.storedBytes ?? 0) - replaced + file.size > SimLimits.storedBytesPerCollection
                || total - replaced + file.size > SimLimits.storedBytesTotal
            {
                return .quotaExceeded
            }
            do throws(FileTree.Refusal) {
                _ = try s.transfer.changeFiles(on: c.id, of: owner) { t throws(FileTree.Refusal) in try t.put(file, in: folder) }
                return nil
            } catch { return error }
        }
        switch refusal {
        case nil: return DataAnswer(status: 200)
        case .noFolder, .notFound: return dataError(404, "Not Found: GridFTP-Errno: 2: No such file or directory: \(folder)", r)
        case .exists, .intoItself: return dataError(400, "Bad Request: \(path) is a folder", r)
        case .tooLong: return dataError(400, "Bad Request: File name too long", r)
        case .quotaExceeded: return dataError(507, "Insufficient Storage: quota exceeded", r)
        }
    }

    /// A download's `Content-Type`, by the name's extension (what GCS sends is not known).
    static func contentType(of name: String) -> String {
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        return switch ext {
        case "csv": "text/csv"
        case "txt", "md": "text/plain"
        case "json": "application/json"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "h5", "hdf5": "application/x-hdf5"
        default: "application/octet-stream"
        }
    }

    /// The base URL of collection `id`'s HTTPS server: `https://127.0.0.1:PORT` (no path, no
    /// trailing slash, like Globus's `https://m-d3a2c3.collection1.tutorials.globus.org`), or ""
    /// before the server listens.
    public func httpsServerURL(_ collectionID: String) -> String {
        guard let port = dataPorts.withLockedValue({ $0[collectionID] }) else { return "" }
        return "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    /// Answers one HTTPS data request in process with collection `id`'s server's own responder
    /// (`dataResponder`), its body collected: a `cut` fault answers a response marked
    /// `dropConnection`. Paths are the server's (`/~/data/results.csv`). A collection that does
    /// not exist has no server: 404, and nothing recorded.
    public func handleHTTPS(collection id: String, _ r: SimRequest) async -> SimResponse {
        guard withState({ $0.transfer.collection(id) }) != nil else { return SimResponse(status: 404) }
        return await answer(r, with: dataResponder(id))
    }

    func tooLarge(_ r: SimRequest) -> DataAnswer {
        dataError(413, "Payload Too Large: an upload may be at most \(SimLimits.uploadBytes) bytes here", r)
    }
}

/// What a `Range` header asks of a file of `size` bytes (RFC 9110 §14), as far as GCS is known
/// to answer it: one range `a-b` or `a-` (the end clamped to the file), else 416; a suffix range
/// `-N` is 416 on GCS. A header in another unit is ignored (the whole file).
enum ByteRange: Equatable {
    case whole
    case part(Range<Int>)
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header = header?.trimmingCharacters(" \t") else { return .whole }
        guard header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(" \t")
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .unsatisfiable }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        guard let start = Int(first), start >= 0, start < size, first.allSatisfy(\.isASCIIDigit) else { return .unsatisfiable }
        if last.isEmpty { return .part(start..<size) }
        guard last.allSatisfy(\.isASCIIDigit), let end = Int(last), end >= start else { return .unsatisfiable }
        return .part(start..<min(end, size - 1) + 1)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
