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
        default:
            return transferError(404, "ClientError.NotFound", "No such resource: \(fullPath)", resource: path)
        }
    }

    func notFound(_ id: String, _ path: String) -> SimResponse {
        transferError(404, "EndpointNotFound", "No such endpoint with id '\(id)'", resource: path)
    }

    func endpointDocument(_ c: SimCollection) -> JSON {
        ["DATA_TYPE": "endpoint", "id": .string(c.id), "display_name": .string(c.displayName), "owner_string": .string(c.owner),
         "organization": "Globus Simulator", "description": .string(c.description),
         "entity_type": .string(c.mapped ? "GCSv5_mapped_collection" : "GCSv5_guest_collection"),
         "high_assurance": false, "public": true, "non_functional": false, "gcs_version": "5.4.70",
         "gcs_manager_url": .string(serviceURL("gcs") + c.id), "https_server": .null, "default_directory": "/~/",
         "activated": true, "expires_in": -1, "DATA": []]
    }

    /// Checks the caller's consent for a mapped collection's data_access scope.
    func dataAccessDenied(_ token: AccessToken, _ c: SimCollection, _ path: String) -> SimResponse? {
        guard c.mapped else { return nil }
        let scope = "https://auth.globus.org/scopes/\(c.id)/data_access"
        let subject = token.identityID ?? token.clientID
        if withState({ $0.hasConsent(identityID: subject, clientID: token.clientID, path: [Simulator.transferScope, scope]) }) { return nil }
        let required = "\(Simulator.transferScope)[*\(scope)]"
        return transferError(403, "ConsentRequired", "Missing required data_access consent", resource: path, extra: [
            "required_scopes": [.string(required)],
            "authorization_parameters": ["session_message": "Missing required data_access consent", "required_scopes": [.string(required)]],
        ])
    }

    func endpointSearch(_ r: SimRequest) -> SimResponse {
        let text = (r.param("filter_fulltext") ?? "").lowercased()
        let found = withState { $0.transfer.collections }.filter {
            text.isEmpty || $0.displayName.lowercased().contains(text) || $0.description.lowercased().contains(text) || $0.id == text
        }
        return .json(["DATA_TYPE": "endpoint_list", "DATA": .array(found.map(endpointDocument)), "has_next_page": false,
                      "limit": 100, "offset": 0])
    }

    func normalized(_ p: String) -> String {
        var s = p.isEmpty ? "/~/" : p
        if !s.hasPrefix("/") { s = "/~/" + s }
        if !s.hasSuffix("/") { s += "/" }
        return s
    }

    func ls(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        applyFinishedTasks()
        guard let c = withState({ $0.transfer.collection(id) }) else { return notFound(id, path) }
        if let denied = dataAccessDenied(token, c, path) { return denied }
        let dir = normalized(r.param("path") ?? "/~/")
        // A large generated directory (about 11 MB of JSON) for testing big responses.
        let generated: [SimFile]? = dir == "/~/large/" && c.id == TransferData.tutorial1
            ? (0..<50_000).map { SimFile(name: "sample-\($0).dat", type: "file", size: 1_048_576 + $0) } : nil
        guard let entries = generated ?? c.files[dir] else {
            return transferError(404, "ClientError.NotFound", "Directory '\(dir)' not found on endpoint \(id)", resource: path)
        }
        let data: [JSON] = entries.map { f in
            ["DATA_TYPE": "file", "name": .string(f.name), "type": .string(f.type), "size": .int(f.size),
             "permissions": .string(f.type == "dir" ? "0755" : "0644"), "user": "globus", "group": "globus",
             "last_modified": .string(isoDate(1_764_000_000, space: true)), "link_target": .null]
        }
        return .json(["DATA_TYPE": "file_list", "DATA": .array(data), "absolute_path": .string(dir.replacingOccurrences("/~/", "/home/globus/")),
                      "endpoint": .string(id), "length": .int(data.count), "path": .string(dir), "rename_supported": true,
                      "symlink_supported": false, "total": .int(data.count)])
    }

    func mkdir(_ token: AccessToken, _ id: String, _ r: SimRequest, _ path: String) -> SimResponse {
        guard let target = r.json?["path"]?.string else {
            return transferError(400, "ClientError.BadRequest", "A path is required", resource: path)
        }
        guard let c = withState({ $0.transfer.collection(id) }) else { return notFound(id, path) }
        if let denied = dataAccessDenied(token, c, path) { return denied }
        let dir = normalized(target)
        var parent = String(dir.dropLast())
        let name = String(parent.split(separator: "/").last ?? "")
        parent = String(parent.dropLast(name.count))
        return withState { s in
            guard let i = s.transfer.collections.firstIndex(where: { $0.id == id }) else { return notFound(id, path) }
            if s.transfer.collections[i].files[dir] != nil {
                return transferError(502, "ExternalError.MkdirFailed.Exists", "Path already exists, Error (mkdir)\nEndpoint: \(c.displayName)\nServer: simulator\nMessage: 550 File exists", resource: path)
            }
            guard s.transfer.collections[i].files[parent] != nil else {
                return transferError(404, "ClientError.NotFound", "Directory '\(parent)' not found on endpoint \(id)", resource: path)
            }
            s.transfer.collections[i].files[dir] = []
            s.transfer.collections[i].files[parent]!.append(SimFile(name: name, type: "dir", size: 4096))
            return .json(["DATA_TYPE": "mkdir_result", "code": "DirectoryCreated", "message": "The directory was created successfully",
                          "request_id": .string(requestID()), "resource": .string(path)], status: 202)
        }
    }

    func submit(_ token: AccessToken, _ r: SimRequest, kind: String, _ path: String) -> SimResponse {
        guard let doc = r.json, let items = doc["DATA"]?.array else {
            return transferError(400, "ClientError.BadRequest", "A \(kind) document with DATA items is required", resource: path)
        }
        let sourceKey = kind == "transfer" ? "source_endpoint" : "endpoint"
        guard let src = doc[sourceKey]?.string, let source = withState({ $0.transfer.collection(src) }) else {
            return notFound(doc[sourceKey]?.string ?? "", path)
        }
        if let denied = dataAccessDenied(token, source, path) { return denied }
        var dest: SimCollection?
        if kind == "transfer" {
            guard let d = doc["destination_endpoint"]?.string, let dc = withState({ $0.transfer.collection(d) }) else {
                return notFound(doc["destination_endpoint"]?.string ?? "", path)
            }
            if let denied = dataAccessDenied(token, dc, path) { return denied }
            dest = dc
        }
        let pairs: [(String, String?)] = items.compactMap { item in
            guard let s = (item["source_path"] ?? item["path"])?.string else { return nil }
            return (s, item["destination_path"]?.string)
        }
        let id = randomUUID()
        withState { s in
            s.transfer.tasks.append(SimTask(id: id, type: kind.uppercased(), owner: token.identityID ?? token.clientID, label: doc["label"]?.string,
                                            source: source.id, destination: dest?.id, items: pairs, requested: s.now))
        }
        let result = kind == "transfer" ? "transfer_result" : "delete_result"
        return .json(["DATA_TYPE": .string(result), "code": "Accepted",
                      "message": .string("The \(kind) has been accepted and a task has been created and queued for execution"),
                      "request_id": .string(requestID()), "resource": .string(path), "submission_id": doc["submission_id"] ?? .string(randomUUID()),
                      "task_id": .string(id), "task_link": ["DATA_TYPE": "link", "href": .string("task/\(id)?format=json"), "rel": "related",
                                                            "resource": "task", "title": "related task"]], status: 202)
    }

    /// Completes the copies and deletions of tasks whose time has come.
    func applyFinishedTasks() {
        withState { s in
            for i in s.transfer.tasks.indices where !s.transfer.tasks[i].applied && s.now - s.transfer.tasks[i].requested >= s.transfer.taskDuration {
                let t = s.transfer.tasks[i]
                s.transfer.tasks[i].applied = true
                for (srcPath, dstPath) in t.items {
                    guard let si = s.transfer.collections.firstIndex(where: { $0.id == t.source }) else { continue }
                    let (srcDir, name) = splitPath(srcPath)
                    if t.type == "DELETE" {
                        s.transfer.collections[si].files[srcDir]?.removeAll { $0.name == name }
                        continue
                    }
                    guard let file = s.transfer.collections[si].files[srcDir]?.first(where: { $0.name == name }),
                          let dstPath, let di = s.transfer.collections.firstIndex(where: { $0.id == t.destination }) else { continue }
                    let (dstDir, dstName) = splitPath(dstPath)
                    if s.transfer.collections[di].files[dstDir] == nil { s.transfer.collections[di].files[dstDir] = [] }
                    s.transfer.collections[di].files[dstDir]!.removeAll { $0.name == dstName }
                    s.transfer.collections[di].files[dstDir]!.append(SimFile(name: dstName.isEmpty ? file.name : dstName, type: file.type, size: file.size))
                }
            }
        }
    }

    func splitPath(_ p: String) -> (String, String) {
        let full = p.hasPrefix("/") ? p : "/~/" + p
        let trimmed = full.hasSuffix("/") ? String(full.dropLast()) : full
        guard let slash = trimmed.lastIndex(of: "/") else { return ("/~/", trimmed) }
        return (String(trimmed[...slash]), String(trimmed[trimmed.index(after: slash)...]))
    }

    func taskDocument(_ t: SimTask, now: Int, duration: Int) -> JSON {
        let done = now - t.requested >= duration
        let names = withState { s in (s.transfer.collection(t.source)?.displayName, t.destination.flatMap { s.transfer.collection($0)?.displayName }) }
        return ["DATA_TYPE": "task", "task_id": .string(t.id), "type": .string(t.type), "status": .string(done ? "SUCCEEDED" : "ACTIVE"),
                "label": t.label.map(JSON.string) ?? .null, "owner_id": .string(t.owner),
                "source_endpoint_id": .string(t.source), "source_endpoint_display_name": names.0.map(JSON.string) ?? .null,
                "destination_endpoint_id": t.destination.map(JSON.string) ?? .null,
                "destination_endpoint_display_name": names.1.map(JSON.string) ?? .null,
                "request_time": .string(isoDate(t.requested)), "completion_time": done ? .string(isoDate(t.requested + duration)) : .null,
                "files": .int(t.items.count), "files_transferred": .int(done && t.type == "TRANSFER" ? t.items.count : 0),
                "bytes_transferred": .int(done ? 4 * t.items.count : 0), "subtasks_total": .int(t.items.count),
                "subtasks_succeeded": .int(done ? t.items.count : 0), "subtasks_pending": .int(done ? 0 : t.items.count),
                "faults": 0, "is_paused": false, "nice_status": done ? .null : "Queued", "fatal_error": .null,
                "command": "API 0.10", "verify_checksum": true, "sync_level": .null]
    }

    func taskList(_ token: AccessToken, _ r: SimRequest) -> SimResponse {
        applyFinishedTasks()
        let me = token.identityID ?? token.clientID
        let (tasks, now, dur) = withState { s in (s.transfer.tasks.filter { $0.owner == me }, s.now, s.transfer.taskDuration) }
        let limit = Int(r.param("limit") ?? "") ?? 1000
        let offset = Int(r.param("offset") ?? "") ?? 0
        let page = Array(tasks.reversed().dropFirst(offset).prefix(limit))
        return .json(["DATA_TYPE": "task_list", "DATA": .array(page.map { taskDocument($0, now: now, duration: dur) }),
                      "length": .int(page.count), "limit": .int(limit), "offset": .int(offset), "total": .int(tasks.count)])
    }

    func task(_ token: AccessToken, _ id: String, _ path: String) -> SimResponse {
        applyFinishedTasks()
        let me = token.identityID ?? token.clientID
        guard let (t, now, dur) = withState({ s in s.transfer.tasks.first { $0.id == id && $0.owner == me }.map { ($0, s.now, s.transfer.taskDuration) } }) else {
            return transferError(404, "TaskNotFound", "Task '\(id)' not found", resource: path)
        }
        return .json(taskDocument(t, now: now, duration: dur))
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
