import JSON

/// A client of Globus Flows: the flows the person can see and their runs (the Python SDK's
/// `FlowsClient`). Starting a flow acts as that flow: use ``SpecificFlowClient``.
///
/// ```swift
/// let flows = FlowsClient(app: app)
/// for try await flow in flows.paginated.listFlows().items { print(flow.title ?? "?") }
/// ```
public struct FlowsClient: GlobusServiceClient {
    /// Its service and scopes: ``FlowsScopes``.
    public typealias ScopeSet = FlowsScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// `GET /flows`: the flows the person can see (`filterRole`, sent as `filter_roles`: `flow_owner`,
    /// `flow_viewer`…), from `marker` on. One page; see ``Paginated/listFlows(filterRole:filterFulltext:orderBy:)`` for all.
    public func listFlows(
        filterRole: String? = nil, filterFulltext: String? = nil, orderBy: String? = nil,
        marker: String? = nil
    ) throws(GlobusError) -> GlobusResponse<Listing<Flow>> {
        try connection.call(listFlowsRequest(filterRole: filterRole, filterFulltext: filterFulltext, orderBy: orderBy, marker: marker))
    }

    func listFlowsRequest(filterRole: String?, filterFulltext: String?, orderBy: String?, marker: String? = nil) -> ServiceRequest {
        connection.request("GET", "/flows", query: ["filter_roles": filterRole, "filter_fulltext": filterFulltext, "orderby": orderBy, "marker": marker])
    }

    /// `GET /flows/ID`: one flow.
    public func getFlow(_ flowID: String) throws(GlobusError) -> GlobusResponse<Flow> {
        try connection.call(connection.request("GET", "/flows/\(PathSegment.escape(flowID))"))
    }

    /// `GET /runs`: the person's runs (of one flow, with `filterFlowID`), from `marker` on.
    /// One page; see ``Paginated/listRuns(filterFlowID:filterRole:)`` for all.
    public func listRuns(filterFlowID: String? = nil, filterRole: String? = nil, marker: String? = nil) throws(GlobusError) -> GlobusResponse<Listing<FlowRun>> {
        try connection.call(listRunsRequest(filterFlowID: filterFlowID, filterRole: filterRole, marker: marker))
    }

    func listRunsRequest(filterFlowID: String?, filterRole: String?, marker: String? = nil) -> ServiceRequest {
        connection.request("GET", "/runs", query: ["filter_flow_id": filterFlowID, "filter_roles": filterRole, "marker": marker])
    }

    /// `GET /runs/ID`: one run (with the flow's description, with `includeFlowDescription`).
    public func getRun(_ runID: String, includeFlowDescription: Bool = false) throws(GlobusError) -> GlobusResponse<FlowRun> {
        try connection.call(
            connection.request(
                "GET", "/runs/\(PathSegment.escape(runID))",
                query: ["include_flow_description": includeFlowDescription ? "true" : nil]))
    }

    /// `POST /runs/ID/cancel`: cancels a run.
    public func cancelRun(_ runID: String) throws(GlobusError) -> GlobusResponse<FlowRun> {
        try connection.call(connection.request("POST", "/runs/\(PathSegment.escape(runID))/cancel"))
    }

    /// The paginated listings: `flows.paginated.listFlows()`.
    public var paginated: Paginated { Paginated(client: self) }

    /// Flows' listings as ``Paginator``s of every page (`marker` while `has_next_page`).
    public struct Paginated: Sendable {
        let client: FlowsClient

        /// Every flow the person can see.
        public func listFlows(filterRole: String? = nil, filterFulltext: String? = nil, orderBy: String? = nil) -> Paginator<Flow> {
            client.connection.paginator(
                client.listFlowsRequest(filterRole: filterRole, filterFulltext: filterFulltext, orderBy: orderBy),
                scheme: .marker(answerKey: "marker", endsWithNull: false))
        }

        /// Every run of the person's.
        public func listRuns(filterFlowID: String? = nil, filterRole: String? = nil) -> Paginator<FlowRun> {
            client.connection.paginator(
                client.listRunsRequest(filterFlowID: filterFlowID, filterRole: filterRole),
                scheme: .marker(answerKey: "marker", endsWithNull: false))
        }
    }
}

/// A client of one flow, to start it: running a flow acts as the flow, with its own scope and
/// token (the Python SDK's `SpecificFlowClient`).
///
/// ```swift
/// let flow = SpecificFlowClient(flowID: flowID, app: app)
/// let run = try flow.runFlow(body: ["source": "/~/data"], label: "From Swift")
/// ```
public struct SpecificFlowClient: GlobusClient {
    /// The flow's scopes.
    public let scopes: SpecificFlowScopes
    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection

    /// A client of the flow `flowID` that calls with `app`'s tokens; adds the flow's `user`
    /// scope (or `scopes`) to the app's requirements, for the flow's own resource server.
    public init(flowID: String, app: GlobusApp, scopes: [Scope]? = nil, options: ClientOptions = ClientOptions()) {
        self.scopes = SpecificFlowScopes(flowID)
        app.addScopeRequirements(flowID, scopes ?? [self.scopes.user])
        connection = ServiceConnection(.app(app), service: .flows, resourceServer: flowID, options: options)
    }

    /// A client of the flow `flowID` that calls with the credentials of `authorizer` (a token
    /// for the flow's own scope).
    public init(
        flowID: String, authorizer: any Authorizer, environment: GlobusEnvironment = .production, http: GlobusHTTP = GlobusHTTP(),
        options: ClientOptions = ClientOptions()
    ) {
        scopes = SpecificFlowScopes(flowID)
        connection = ServiceConnection(.authorizer(authorizer, http, environment), service: .flows, resourceServer: flowID, options: options)
    }

    /// The flow's id.
    public var flowID: String { scopes.resourceServer }

    /// `POST /flows/ID/run`: starts a run with `body` as its input (a JSON object), checked
    /// before it is sent.
    public func runFlow(
        body: JSON, label: String? = nil, tags: [String] = [], runMonitors: [String] = [], runManagers: [String] = [],
        additionalFields: JSONObject = JSONObject()
    ) throws(GlobusError) -> GlobusResponse<FlowRun> {
        guard body.object != nil else { throw .usage("runFlow: the body must be a JSON object (the flow's input)") }
        if let label, label.isEmpty || label.count > 64 { throw .usage("runFlow: a run's label has 1 to 64 characters") }
        var doc = JSONObject()
        doc["body"] = body
        doc["label"] = label.map(JSON.string)
        if !tags.isEmpty { doc["tags"] = .array(tags.map(JSON.string)) }
        if !runMonitors.isEmpty { doc["run_monitors"] = .array(runMonitors.map(JSON.string)) }
        if !runManagers.isEmpty { doc["run_managers"] = .array(runManagers.map(JSON.string)) }
        for (k, v) in additionalFields { doc[k] = v }
        return try connection.call(connection.request("POST", "/flows/\(PathSegment.escape(flowID))/run", json: .object(doc)))
    }
}

/// A flow's document.
public struct Flow: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The flow's id.
    public var id: String? { string("id") }
    /// Its title.
    public var title: String? { string("title") }
    /// Its subtitle.
    public var subtitle: String? { string("subtitle") }
    /// Its description.
    public var description: String? { string("description") }
    /// The scope that runs it (``SpecificFlowScopes/user``).
    public var globusAuthScope: String? { string("globus_auth_scope") }
    /// Its owner's identity URN.
    public var flowOwner: String? { string("flow_owner") }
}

/// A run's document.
public struct FlowRun: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The run's id.
    public var runID: String? { string("run_id") }
    /// The flow's id.
    public var flowID: String? { string("flow_id") }
    /// `ACTIVE`, `INACTIVE`, `SUCCEEDED`, `FAILED` or `ENDED`.
    public var status: String? { string("status") }
    /// The run's label.
    public var label: String? { string("label") }
    /// Where it is: the state's code and description.
    public var details: JSON? { json["details"] }
    /// When it started.
    public var startTime: String? { string("start_time") }
    /// When it ended, or nil while it runs.
    public var completionTime: String? { string("completion_time") }
    /// Whether the run has ended.
    public var isDone: Bool { ["SUCCEEDED", "FAILED", "ENDED"].contains(status ?? "") }
}
