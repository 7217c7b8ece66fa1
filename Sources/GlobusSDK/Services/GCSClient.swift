import JSON

/// A client of one Globus Connect Server endpoint's manager: its collections and information
/// (the Python SDK's `GCSClient`). The manager has an address of its own, which Transfer knows:
/// ``forEndpoint(_:transfer:authorizer:)`` finds it.
///
/// ```swift
/// let gcs = try GCSClient.forEndpoint(endpointID, transfer: TransferClient(app: app))
/// for collection in try gcs.getCollectionList().items { print(collection.displayName ?? "?") }
/// ```
public struct GCSClient: GlobusClient {
    /// The endpoint's scopes.
    public let scopes: GCSEndpointScopes
    /// Where the client's calls go, and how they behave.
    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection

    /// A client of the endpoint `endpointID`'s manager at `managerURL` that calls with `app`'s
    /// tokens; adds `manage_collections` (or `scopes`) for the endpoint to the app's requirements.
    public init(endpointID: String, managerURL: String, app: GlobusApp, scopes: [Scope]? = nil, options: ClientOptions = ClientOptions()) {
        self.scopes = GCSEndpointScopes(endpointID)
        app.addScopeRequirements(endpointID, scopes ?? [self.scopes.manageCollections])
        connection = ServiceConnection(.app(app), service: .gcs(endpointID), resourceServer: endpointID, baseURL: managerURL, options: options)
    }

    /// A client of the endpoint's manager at `managerURL` that calls with `authorizer`'s credentials.
    public init(
        endpointID: String, managerURL: String, authorizer: any Authorizer, http: GlobusHTTP = GlobusHTTP(),
        options: ClientOptions = ClientOptions()
    ) {
        scopes = GCSEndpointScopes(endpointID)
        connection = ServiceConnection(
            .authorizer(authorizer, http, .production), service: .gcs(endpointID), resourceServer: endpointID,
            baseURL: managerURL, options: options)
    }

    /// A client of an endpoint's manager, found through Transfer (the endpoint document's
    /// `gcs_manager_url`); it calls with the same app as `transfer` (or with `authorizer`, which a
    /// client made without an app needs). Throws a usage error for an endpoint that is not a
    /// Globus Connect Server v5 endpoint.
    public static func forEndpoint(_ endpointID: String, transfer: TransferClient, authorizer: (any Authorizer)? = nil) throws(GlobusError) -> GCSClient {
        guard let manager = try transfer.getEndpoint(endpointID).gcsManagerURL else {
            throw .usage("endpoint \(endpointID) has no GCS manager URL (is it a Globus Connect Server v5 endpoint?)")
        }
        if let authorizer {
            guard case .authorizer(_, let http, _) = transfer.connection.source else {
                return GCSClient(endpointID: endpointID, managerURL: manager, authorizer: authorizer, options: transfer.connection.options)
            }
            return GCSClient(endpointID: endpointID, managerURL: manager, authorizer: authorizer, http: http, options: transfer.connection.options)
        }
        guard let app = transfer.connection.app else {
            throw .usage("GCSClient.forEndpoint: give an authorizer for the endpoint (the Transfer client has no app to ask for its scope)")
        }
        return GCSClient(endpointID: endpointID, managerURL: manager, app: app, options: transfer.connection.options)
    }

    /// The endpoint's id.
    public var endpointID: String { scopes.resourceServer }

    /// `GET /api/info`: the manager's version and the endpoint's ids (needs no token).
    public func getGCSInfo() throws(GlobusError) -> GlobusResponse<GCSDocument> {
        try connection.call(connection.request("GET", "/api/info"))
    }

    /// `GET /api/collections`: the endpoint's collections, from `marker` on. One page; see
    /// ``paginatedCollectionList()`` for all.
    public func getCollectionList(marker: String? = nil) throws(GlobusError) -> GlobusResponse<Listing<GCSDocument>> {
        try connection.call(connection.request("GET", "/api/collections", query: ["marker": marker]))
    }

    /// Every collection of the endpoint (`marker` while `has_next_page`).
    public func paginatedCollectionList() -> Paginator<GCSDocument> {
        connection.paginator(connection.request("GET", "/api/collections"), scheme: .marker(answerKey: "marker", endsWithNull: false))
    }

    /// `GET /api/collections/ID`: one collection.
    public func getCollection(_ collectionID: String) throws(GlobusError) -> GlobusResponse<GCSDocument> {
        try connection.call(connection.request("GET", "/api/collections/\(PathSegment.escape(collectionID))"))
    }
}

/// A document from a GCS manager. The manager wraps what it answers in `data`; this view reads
/// the first element there (or the document itself), as the Python SDK's `UnpackingGCSResponse`.
public struct GCSDocument: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// What the manager answered about: `data[0]`, or the document.
    public var unpacked: JSON { json["data"]?.array?.first ?? json }

    /// `collection#1.0.0`, `info#1.0.0`, …
    public var dataType: String? { unpacked["DATA_TYPE"]?.string }
    /// The id (of a collection).
    public var id: String? { unpacked["id"]?.string }
    /// The name (of a collection).
    public var displayName: String? { unpacked["display_name"]?.string }
    /// `mapped` or `guest` (a collection).
    public var collectionType: String? { unpacked["collection_type"]?.string }
    /// The endpoint's id (info).
    public var endpointID: String? { unpacked["endpoint_id"]?.string }
    /// The manager's API version (info).
    public var apiVersion: String? { unpacked["api_version"]?.string }
}
