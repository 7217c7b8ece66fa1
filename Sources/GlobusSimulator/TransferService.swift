import JSON

/// Globus Transfer `/v0.10`: endpoints, ls, mkdir, tasks.
extension Simulator {
    static let transferScope = "urn:globus:auth:scope:transfer.api.globus.org:all"

    func transferError(_ status: Int, _ code: String, _ message: String, resource: String, extra: JSON = [:]) -> SimResponse {
        var o: JSON = ["code": .string(code), "message": .string(message), "request_id": .string(requestID()), "resource": .string(resource)]
        o = merge(o, extra)
        return .json(o, status: status)
    }

    func transfer(_ r: SimRequest, _ fullPath: String) -> SimResponse {
        guard fullPath.hasPrefix("/v0.10/") else {
            return transferError(404, "ClientError.NotFound", "Unknown API version or path: \(fullPath)", resource: fullPath)
        }
        let path = String(fullPath.dropFirst("/v0.10".count))
        guard let token = withState({ $0.validToken(r.bearer, for: "transfer.api.globus.org") }) else {
            let why = r.bearer == nil ? "No Authorization header provided" : "Token is not active or not valid for Transfer"
            return transferError(401, "AuthenticationFailed", why, resource: path)
        }
        let parts = path.split(separator: "/").map(String.init)
        switch (r.method, parts.first ?? "") {
        case ("GET", "task_list"): return taskList(token, r)
        case ("GET", "task") where parts.count == 2: return task(token, parts[1], path)
        case ("GET", "task") where parts.count == 3 && parts[2] == "successful_transfers": return successfulTransfers(token, parts[1], r, path)
        case ("GET", "task") where parts.count == 3 && parts[2] == "event_list": return eventList(token, parts[1], r, path)
        case ("GET", "submission_id"): return .json(["DATA_TYPE": "submission_id", "value": .string(randomUUID())])
        case ("GET", "endpoint_search"): return endpointSearch(r)
        case ("GET", "endpoint") where parts.count == 2:
            guard let c = withState({ $0.transfer.collection(parts[1]) }) else { return notFound(parts[1], path) }
            return .json(endpointDocument(c))
        case ("GET", "operation") where parts.count == 4 && parts[1] == "endpoint" && parts[3] == "ls":
            return ls(token, parts[2], r, path)
        case ("POST", "operation") where parts.count == 4 && parts[1] == "endpoint" && parts[3] == "mkdir":
            return mkdir(token, parts[2], r, path)
        case ("POST", "transfer"), ("POST", "delete"): return submit(token, r, kind: parts[0], path)
        case ("POST", "task") where parts.count == 3 && parts[2] == "cancel": return cancel(token, parts[1], path)
        case ("POST", "operation") where parts.count == 4 && parts[1] == "endpoint" && parts[3] == "rename":
            return rename(token, parts[2], r, path)
        default:
            return transferError(404, "ClientError.NotFound", "No such resource: \(fullPath)", resource: path)
        }
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
