import Hummingbird
import JSON

/// Globus Search: one index of example datasets, queried with `GET` or `POST …/search`. As
/// Search does, the index and its queries need no token: what a query finds is the entries
/// visible to the caller (`visible_to`): the public ones without a token, and with a valid one
/// also those visible to the caller's identity or to a group of theirs. A token that is not
/// valid is refused (401) rather than treated as none.
extension Simulator {
    static let searchIndex = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"

    /// The index's entries: the content, and who may see it.
    static let searchDocuments: [(content: JSON, visibleTo: [String])] = [
        (
            ["subject": "https://example.org/datasets/ocean-temperature", "title": "Ocean temperature 2020-2025", "keywords": ["ocean", "climate"], "size_gb": 12],
            ["public"]
        ),
        (
            ["subject": "https://example.org/datasets/beamline-7-run-42", "title": "Beamline 7, run 42", "keywords": ["xray", "beamline"], "size_gb": 230],
            ["public"]
        ),
        (
            ["subject": "https://example.org/datasets/city-air-quality", "title": "City air quality sensors", "keywords": ["air", "climate", "sensors"], "size_gb": 3],
            ["public"]
        ),
        // Visible only to the Beamline 7 Collaboration group (carol@anl.gov).
        (
            [
                "subject": "https://example.org/datasets/beamline-7-run-43", "title": "Beamline 7, run 43 (embargoed)", "keywords": ["xray", "beamline", "embargoed"],
                "size_gb": 180
            ],
            ["urn:globus:groups:id:a7c3d4e5-f607-4182-8c9d-1e2f3a4b5c63"]
        )
    ]

    /// Search's documented bounds: `limit` up to 10,000 (default 10), `offset` up to 10,000.
    static let searchParameters: [IntegerParameter] = [
        IntegerParameter(name: "limit", defaultValue: 10, range: 0...10_000, clampsAbove: false),
        IntegerParameter(name: "offset", defaultValue: 0, range: 0...10_000, clampsAbove: false)
    ]

    func searchError(_ status: Int, _ code: String, _ message: String, data: JSON? = nil) -> SimResponse {
        var o: JSON = [
            "@datatype": "GError", "@version": "2017-09-01", "code": .string(code), "message": .string(message),
            "status": .int(status), "request_id": .string(requestID())
        ]
        if let data { o = merge(o, ["error_data": data]) }
        return .json(o, status: status)
    }

    /// Search's token check: a token that is not valid is refused; none at all is no token.
    func searchCaller(_ r: SimRequest) -> Result<AccessToken?, SimResponse> {
        let token = withState { $0.validToken(r.bearer, for: "search.api.globus.org") }
        if r.bearer != nil && token == nil {
            return .failure(searchError(401, "AuthenticationFailed", "Token is not active or not valid for Search"))
        }
        return .success(token)
    }

    /// `GET /v1/index/ID`: the index.
    func searchIndexDocument(_ r: SimRequest) -> SimResponse {
        if case .failure(let refused) = searchCaller(r) { return refused }
        return .json([
            "@datatype": "GSearchIndex", "id": .string(Simulator.searchIndex), "display_name": "Simulator datasets",
            "description": "A small index of example datasets", "num_subjects": .int(Simulator.searchDocuments.count)
        ])
    }

    /// Search's answer for any other path or method: its 401 for a token that is not valid, else
    /// 404 (naming the index, for an index that is not the simulator's).
    func searchNotFound(_ r: SimRequest, _ path: String) -> SimResponse {
        if case .failure(let refused) = searchCaller(r) { return refused }
        let prefix = "/v1/index/\(Simulator.searchIndex)"
        if path.hasPrefix("/v1/index/"), !path.hasPrefix(prefix + "/") && path != prefix {
            let id = path.dropFirst("/v1/index/".count).prefix { $0 != "/" }
            return searchError(404, "NotFound.NoSuchIndex", "There is no search index named \"\(id)\"")
        }
        return searchError(404, "NotFound.Generic", "No such index or resource: \(path)")
    }

    /// `GET …/search?q=…` or `POST …/search {"q": …}`: a page of the entries the caller may see.
    func searchQuery(_ r: SimRequest) -> SimResponse {
        let token: AccessToken?
        switch searchCaller(r) {
        case .failure(let refused): return refused
        case .success(let t): token = t
        }
        let inBody = r.method == "POST"
        // As Search's validation errors: {"messages": {"query" or "json": {NAME: [WHY]}}}.
        let refuse = { (bad: BadParameter) -> SimResponse in
            var field = JSONObject()
            field[bad.name] = [.string(bad.message)]
            var location = JSONObject()
            location[inBody ? "json" : "query"] = .object(field)
            return self.searchError(400, "BadRequest.ValidationError", "Request failed input validation.", data: ["messages": .object(location)])
        }
        return r.with(Simulator.searchParameters, fromBody: inBody, refuse: refuse) { v in
            let q = (inBody ? r.json?["q"]?.string : r.param("q")) ?? "*"
            return searchResult(q: q, limit: v[0], offset: v[1], principals: principals(of: token))
        }
    }

    /// Who the caller is to Search's `visible_to`: `public`, and with a token their identity
    /// and the groups they belong to.
    func principals(of token: AccessToken?) -> Set<String> {
        guard let id = token?.identityID else { return ["public"] }
        let username = withState { $0.identity(id)?.username }
        let groups = Simulator.groups.filter { g in username.map(g.members.contains) ?? false }
        return Set(["public", "urn:globus:auth:identity:" + id] + groups.map { "urn:globus:groups:id:" + $0.id })
    }

    /// The entries visible to `principals` that hold every term of `q`, a page of them.
    func searchResult(q: String, limit: Int, offset: Int, principals: Set<String>) -> SimResponse {
        let terms = q.lowercased().split(separator: " ").map(String.init).filter { $0 != "*" }
        let hits = Simulator.searchDocuments.filter { d in
            guard d.visibleTo.contains(where: principals.contains) else { return false }
            let text = d.content.serialized.lowercased()
            return terms.allSatisfy { text.contains($0) }
        }
        let page = hits.dropFirst(offset).prefix(limit)
        return .json([
            "@datatype": "GSearchResult", "@version": "2017-09-01", "count": .int(page.count), "offset": .int(offset),
            "total": .int(hits.count), "has_next_page": .bool(offset + page.count < hits.count),
            "gmeta": .array(
                page.map { d in
                    [
                        "@datatype": "GMetaResult", "@version": "2019-08-27", "subject": d.content["subject"]!,
                        "entries": [
                            [
                                "content": d.content, "entry_id": .null,
                                "matched_principal_sets": d.visibleTo == ["public"] ? ["public"] : []
                            ]
                        ]
                    ]
                })
        ])
    }
}

/// Globus Search: the simulator's one index, and queries of it.
struct SearchRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["search"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        let index = "v1/index/\(Simulator.searchIndex)"
        group.answer(.get, RouterPath(index)) { r, _ in sim.searchIndexDocument(r) }
        group.answer(.get, RouterPath(index + "/search")) { r, _ in sim.searchQuery(r) }
        group.answer(.post, RouterPath(index + "/search")) { r, _ in sim.searchQuery(r) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse { sim.searchNotFound(r, path) }
}
