import HTTPTypes
import Hummingbird
import JSON

/// Globus Transfer `/v0.10`: endpoints, ls, mkdir, tasks.
extension Simulator {
    static let transferScope = "urn:globus:auth:scope:transfer.api.globus.org:all"

    func transferError(_ status: Int, _ code: String, _ message: String, resource: String, extra: JSON = [:]) -> SimResponse {
        var o: JSON = ["code": .string(code), "message": .string(message), "request_id": .string(requestID()), "resource": .string(resource)]
        o = merge(o, extra)
        return .json(o, status: status)
    }

    /// Transfer's token check, first for every path under `/v0.10`; then `body` with the token
    /// and the resource (the path within `/v0.10`, as Transfer names it in its answers).
    func withTransferToken(_ r: SimRequest, _ body: (_ token: AccessToken, _ resource: String) -> SimResponse) -> SimResponse {
        let path = Simulator.split(r.path).path
        let resource = path.hasPrefix("/v0.10/") ? String(path.dropFirst("/v0.10".count)) : path
        guard let token = withState({ $0.validToken(r.bearer, for: "transfer.api.globus.org") }) else {
            let why = r.bearer == nil ? "No Authorization header provided" : "Token is not active or not valid for Transfer"
            return transferError(401, "AuthenticationFailed", why, resource: resource)
        }
        return body(token, resource)
    }

    /// Transfer's answer for any other path or method: 404 for a path outside `/v0.10/`, else its
    /// token check and then 404.
    func transferNotFound(_ r: SimRequest, _ path: String) -> SimResponse {
        guard path.hasPrefix("/v0.10/") else {
            return transferError(404, "ClientError.NotFound", "Unknown API version or path: \(path)", resource: path)
        }
        return withTransferToken(r) { _, resource in transferError(404, "ClientError.NotFound", "No such resource: \(path)", resource: resource) }
    }

    func notFound(_ id: String, _ path: String) -> SimResponse {
        transferError(404, "EndpointNotFound", "No such endpoint with id '\(id)'", resource: path)
    }

    func endpointDocument(_ c: SimCollection) -> JSON {
        [
            "DATA_TYPE": "endpoint", "id": .string(c.id), "display_name": .string(c.displayName), "owner_string": .string(c.owner),
            "organization": "Globus Simulator", "description": .string(c.description),
            "entity_type": .string(c.mapped ? "GCSv5_mapped_collection" : "GCSv5_guest_collection"),
            "high_assurance": false, "public": true, "non_functional": false, "gcs_version": "5.4.70",
            "gcs_manager_url": .string(serviceURL("gcs") + c.id), "https_server": httpsServer(c), "default_directory": "/~/",
            "activated": true, "expires_in": -1, "DATA": []
        ]
    }

    /// The collection's `https_server`: its HTTPS server's base URL (`CollectionServers.swift`),
    /// or null while that server is not listening (a simulator answering in process only), as
    /// Transfer answers for a collection without HTTPS.
    func httpsServer(_ c: SimCollection) -> JSON {
        let url = httpsServerURL(c.id)
        return url.isEmpty ? .null : .string(url)
    }

    /// Checks the caller's consent for a mapped collection's data_access scope.
    func dataAccessDenied(_ token: AccessToken, _ c: SimCollection, _ path: String) -> SimResponse? {
        guard c.mapped else { return nil }
        let scope = "https://auth.globus.org/scopes/\(c.id)/data_access"
        let subject = token.identityID ?? token.clientID
        if withState({ $0.hasConsent(identityID: subject, clientID: token.clientID, path: [Simulator.transferScope, scope]) }) { return nil }
        let required = "\(Simulator.transferScope)[*\(scope)]"
        return transferError(
            403, "ConsentRequired", "Missing required data_access consent", resource: path,
            extra: [
                "required_scopes": [.string(required)],
                "authorization_parameters": ["session_message": "Missing required data_access consent", "required_scopes": [.string(required)]]
            ])
    }

    func endpointSearch(_ r: SimRequest) -> SimResponse {
        let text = (r.param("filter_fulltext") ?? "").lowercased()
        let found = withState { $0.transfer.collections }.filter {
            text.isEmpty || $0.displayName.lowercased().contains(text) || $0.description.lowercased().contains(text) || $0.id == text
        }
        return withPage(r, limit: .limit(default: 25, most: 100), resource: "/endpoint_search") { limit, offset in
            let page = Array(found.dropFirst(offset).prefix(limit))
            return .json([
                "DATA_TYPE": "endpoint_list", "DATA": .array(page.map(endpointDocument)), "has_next_page": .bool(offset + page.count < found.count),
                "limit": .int(limit), "offset": .int(offset)
            ])
        }
    }

    /// Transfer's offset paging: `limit` and `offset` from the query, at most the first 1000
    /// results (`offset + limit`, compared without adding them), or Transfer's answer to a bad
    /// parameter (400 `ClientError.BadRequest`).
    func withPage(_ r: SimRequest, limit: IntegerParameter, resource: String, _ body: (_ limit: Int, _ offset: Int) -> SimResponse) -> SimResponse {
        withTransferParameters(r, [limit, .offset], resource: resource) { v in
            guard pageFits(offset: v[1], limit: v[0], most: 1000) else {
                return transferError(400, "ClientError.BadRequest", "offset + limit must be at most 1000", resource: resource)
            }
            return body(v[0], v[1])
        }
    }

    /// A Transfer route's integer parameters, or Transfer's answer to a bad one.
    func withTransferParameters(_ r: SimRequest, _ parameters: [IntegerParameter], resource: String, _ body: ([Int]) -> SimResponse) -> SimResponse {
        r.with(parameters, refuse: { transferError(400, "ClientError.BadRequest", $0.message, resource: resource) }, body)
    }

    /// The caller: the identity a token acts for, or the client for a client's own token.
    func caller(_ token: AccessToken) -> String { token.identityID ?? token.clientID }

    /// `GET /operation/endpoint/ID/ls?path=P`: a folder of the caller's own files.
    func ls(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        applyFinishedTasks()
        guard let c = withState({ $0.transfer.collection(id) }) else { return notFound(id, path) }
        if let denied = dataAccessDenied(token, c, path) { return denied }
        let dir = SimPath.folder(r.param("path") ?? "/~/")
        let me = caller(token)
        // A large generated directory (about 11 MB of JSON) for testing big responses.
        let generated: [SimFile]? =
            dir == "/~/large/" && c.id == TransferData.tutorial1
            ? (0..<50_000).map { SimFile(name: "sample-\($0).dat", type: "file", size: 1_048_576 + $0) } : nil
        guard let entries = generated ?? withState({ $0.transfer.files(on: id, of: me)?.entries(in: dir) }) else {
            return transferError(404, "ClientError.NotFound", "Directory '\(dir)' not found on endpoint \(id)", resource: path)
        }
        let data: [JSON] = entries.map { f in
            [
                "DATA_TYPE": "file", "name": .string(f.name), "type": .string(f.type), "size": .int(f.size),
                "permissions": .string(f.type == "dir" ? "0755" : "0644"), "user": "globus", "group": "globus",
                "last_modified": .string(isoDate(1_764_000_000, space: true)), "link_target": .null
            ]
        }
        // Each person's home is a folder of its own, named after them.
        let home = "/home/" + me + "/"
        return .json([
            "DATA_TYPE": "file_list", "DATA": .array(data), "absolute_path": .string(dir.replacingOccurrences("/~/", home)),
            "endpoint": .string(id), "length": .int(data.count), "path": .string(dir), "rename_supported": true,
            "symlink_supported": false, "total": .int(data.count)
        ])
    }

    /// `POST /operation/endpoint/ID/mkdir {"path"}`: a folder among the caller's own files.
    func mkdir(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        guard let target = r.json?["path"]?.string else {
            return transferError(400, "ClientError.BadRequest", "A path is required", resource: path)
        }
        guard let c = withState({ $0.transfer.collection(id) }) else { return notFound(id, path) }
        if let denied = dataAccessDenied(token, c, path) { return denied }
        let dir = SimPath.folder(target)
        let me = caller(token)
        if let refusal = changeFiles(on: id, of: me, { t throws(FileTree.Refusal) in try t.makeFolder(dir) }) {
            switch refusal {
            case .noFolder(let parent), .notFound(let parent):
                return transferError(404, "ClientError.NotFound", "Directory '\(parent)' not found on endpoint \(id)", resource: path)
            case .exists: return externalError("MkdirFailed.Exists", "Path already exists, Error (mkdir)", c, "550 File exists", path)
            case .tooLong: return externalError("MkdirFailed", "File name too long, Error (mkdir)", c, "550 File name too long", path)
            case .quotaExceeded, .intoItself:
                return externalError("MkdirFailed", "Quota exceeded, Error (mkdir)", c, "552 Disk quota exceeded", path)
            }
        }
        return .json(
            [
                "DATA_TYPE": "mkdir_result", "code": "DirectoryCreated", "message": "The directory was created successfully",
                "request_id": .string(requestID()), "resource": .string(path)
            ], status: 202)
    }

    /// Changes `owner`'s files on collection `id`: nil when done (or there is no such
    /// collection), else why not (and nothing changed).
    func changeFiles(on id: String, of owner: String, _ change: (inout FileTree) throws(FileTree.Refusal) -> Void) -> FileTree.Refusal? {
        withState { s in
            do throws(FileTree.Refusal) {
                _ = try s.transfer.changeFiles(on: id, of: owner, change)
                return nil
            } catch {
                return error
            }
        }
    }

    /// A GridFTP server's refusal as Transfer relays it: 502 `ExternalError.<code>`, naming the
    /// collection and the server's message.
    func externalError(_ code: String, _ what: String, _ c: SimCollection, _ message: String, _ path: String) -> SimResponse {
        transferError(502, "ExternalError." + code, "\(what)\nEndpoint: \(c.displayName)\nServer: simulator\nMessage: \(message)", resource: path)
    }

}

/// Globus Transfer `/v0.10`: each of its resources a route, each checking the token first.
struct TransferRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["transfer"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        let v = group.group("v0.10")
        /// A route that needs a Transfer token: `answer` gets it, the request, the route's
        /// parameters and the resource path. `orBelow`: any path below answers the same (these
        /// routes always have ignored what follows them).
        func route(
            _ method: HTTPRequest.Method, _ path: String, orBelow: Bool = false,
            _ answer: @escaping @Sendable (AccessToken, SimRequest, Parameters, String) -> SimResponse
        ) {
            for path in orBelow ? [path, path + "/**"] : [path] {
                v.answer(method, RouterPath(path)) { r, p in sim.withTransferToken(r) { token, resource in answer(token, r, p, resource) } }
            }
        }
        route(.get, "task_list", orBelow: true) { t, r, _, _ in sim.taskList(t, r) }
        route(.get, "task/:id") { t, _, p, resource in sim.task(t, p.text("id"), resource) }
        route(.get, "task/:id/successful_transfers") { t, r, p, resource in sim.successfulTransfers(t, p.text("id"), r, resource) }
        route(.get, "task/:id/event_list") { t, r, p, resource in sim.eventList(t, p.text("id"), r, resource) }
        route(.post, "task/:id/cancel") { t, _, p, resource in sim.cancel(t, p.text("id"), resource) }
        route(.get, "submission_id", orBelow: true) { _, _, _, _ in .json(["DATA_TYPE": "submission_id", "value": .string(randomUUID())]) }
        route(.get, "endpoint_search", orBelow: true) { _, r, _, _ in sim.endpointSearch(r) }
        route(.get, "endpoint/:id") { _, _, p, resource in
            let id = p.text("id")
            guard let c = sim.withState({ $0.transfer.collection(id) }) else { return sim.notFound(id, resource) }
            return .json(sim.endpointDocument(c))
        }
        route(.get, "operation/endpoint/:id/ls") { t, r, p, resource in sim.ls(t, p.text("id"), r, resource) }
        route(.post, "operation/endpoint/:id/mkdir") { t, r, p, resource in sim.mkdir(t, p.text("id"), r, resource) }
        route(.post, "operation/endpoint/:id/rename") { t, r, p, resource in sim.rename(t, p.text("id"), r, resource) }
        route(.post, "transfer", orBelow: true) { t, r, _, resource in sim.submit(t, r, kind: "transfer", resource) }
        route(.post, "delete", orBelow: true) { t, r, _, resource in sim.submit(t, r, kind: "delete", resource) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse { sim.transferNotFound(r, path) }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        guard let r = range(of: a) else { return self }
        return String(self[..<r.lowerBound]) + b + String(self[r.upperBound...])
    }

    func range(of needle: String) -> Range<String.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
