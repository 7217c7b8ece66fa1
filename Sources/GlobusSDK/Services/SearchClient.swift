import JSON

/// A client of Globus Search (the Python SDK's `SearchClient`).
///
/// ```swift
/// let search = SearchClient(app: app)
/// let found = try search.postSearch(indexID, query: SearchQuery("ocean", limit: 5))
/// for hit in found.gmeta { print(hit.subject ?? "?") }
/// ```
public struct SearchClient: GlobusServiceClient {
    /// Its service and scopes: ``SearchScopes``.
    public typealias ScopeSet = SearchScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// `GET /v1/index/ID`: an index's document.
    public func getIndex(_ indexID: String) throws(GlobusError) -> GlobusResponse<JSON> {
        try connection.call(connection.request("GET", indexPath(indexID)))
    }

    /// `GET /v1/index/ID/search?q=…`: a simple query. One page; see ``Paginated/search(_:q:advanced:)`` for all.
    public func search(
        _ indexID: String, q: String, offset: Int? = nil, limit: Int? = nil,
        advanced: Bool = false
    ) throws(GlobusError) -> GlobusResponse<SearchResult> {
        try connection.call(searchRequest(indexID, q: q, advanced: advanced, offset: offset, limit: limit))
    }

    func searchRequest(_ indexID: String, q: String, advanced: Bool, offset: Int? = nil, limit: Int? = nil) -> ServiceRequest {
        connection.request(
            "GET", indexPath(indexID, "search"),
            query: [
                "q": q, "advanced": advanced ? "true" : nil,
                "offset": offset.map(String.init), "limit": limit.map(String.init)
            ])
    }

    /// `POST /v1/index/ID/search`: a query document (filters, facets, sorting).
    public func postSearch(_ indexID: String, query: SearchQuery) throws(GlobusError) -> GlobusResponse<SearchResult> {
        try connection.call(connection.request("POST", indexPath(indexID, "search"), json: try query.validated()))
    }

    func indexPath(_ indexID: String, _ rest: String? = nil) -> String {
        "/v1/index/\(PathSegment.escape(indexID))" + (rest.map { "/" + $0 } ?? "")
    }

    /// The paginated listings: `search.paginated.search(indexID, q: "…")`.
    public var paginated: Paginated { Paginated(client: self) }

    /// Search's listings as ``Paginator``s of every page.
    public struct Paginated: Sendable {
        let client: SearchClient

        /// Every result of a simple query (offset and `has_next_page`; Search serves the first 10,000).
        public func search(_ indexID: String, q: String, advanced: Bool = false) -> Paginator<SearchHit> {
            client.connection.paginator(client.searchRequest(indexID, q: q, advanced: advanced), scheme: .offsetHasNextPage(pageSize: 100, maxOffset: 10_000))
        }
    }
}

/// A Search query document for ``SearchClient/postSearch(_:query:)`` (the Python SDK's
/// `SearchQuery`); ``validated()`` checks it before it is sent.
public struct SearchQuery: Sendable, Equatable {
    /// The query string (`*` for everything).
    public var q: String
    /// Results to skip.
    public var offset: Int?
    /// Results wanted (at most 10,000 with the offset).
    public var limit: Int?
    /// Whether `q` uses the advanced syntax.
    public var advanced: Bool?
    /// Filters, facets, sorts and other members, as Search documents them (not checked).
    public var additionalFields = JSONObject()

    /// A query for `q`.
    public init(_ q: String, offset: Int? = nil, limit: Int? = nil, advanced: Bool? = nil) {
        self.q = q
        self.offset = offset
        self.limit = limit
        self.advanced = advanced
    }

    /// The document, after checking that the query is not empty and the offset and limit are
    /// within what Search serves. Throws ``GlobusError/usage(_:)``.
    public func validated() throws(GlobusError) -> JSON {
        guard !q.isEmpty else { throw .usage("SearchQuery: the query is empty (use \"*\" for everything)") }
        if let offset, offset < 0 { throw .usage("SearchQuery: the offset cannot be negative") }
        if let limit, !(1...10_000).contains(limit) { throw .usage("SearchQuery: the limit must be from 1 to 10000") }
        if (offset ?? 0) + (limit ?? 10) > 10_000 { throw .usage("SearchQuery: Search serves the first 10000 results (offset + limit)") }
        return json
    }

    /// The document, unchecked.
    public var json: JSON {
        var o = JSONObject()
        o["q"] = .string(q)
        o["offset"] = offset.map(JSON.int)
        o["limit"] = limit.map(JSON.int)
        o["advanced"] = advanced.map(JSON.bool)
        for (k, v) in additionalFields { o[k] = v }
        return .object(o)
    }
}

/// Search's answer to a query.
public struct SearchResult: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// Results matching the query.
    public var total: Int? { int("total") }
    /// Results in this answer.
    public var count: Int? { int("count") }
    /// Whether more results follow.
    public var hasNextPage: Bool? { bool("has_next_page") }
    /// The results.
    public var gmeta: [SearchHit] { list("gmeta") }
}

/// One result of a query: a subject and its entries.
public struct SearchHit: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The subject (often a URL).
    public var subject: String? { string("subject") }
    /// The entries' contents.
    public var contents: [JSON] { json["entries"]?.array?.compactMap { $0["content"] } ?? [] }
}
