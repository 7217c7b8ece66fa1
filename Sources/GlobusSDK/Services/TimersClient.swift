import JSON

/// A client of Globus Timers: transfers that run later or again (the Python SDK's `TimersClient`).
///
/// ```swift
/// let timers = TimersClient(app: app)
/// var data = TransferData(source: src, destination: dst)
/// data.addItem(source: "/~/data/", destination: "/~/backup/", recursive: true)
/// let timer = try TransferTimer(name: "Nightly", schedule: .recurring(intervalSeconds: 86_400), body: data)
/// let made = try timers.createTimer(timer)
/// ```
public struct TimersClient: GlobusServiceClient {
    /// Its service and scopes: ``TimersScopes``.
    public typealias ScopeSet = TimersScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// Asks the app for consent to transfer from and to these mapped collections through a timer
    /// (`timer[transfer:all[*…/data_access]]`), as the Python SDK's
    /// `add_app_transfer_data_access_scope`. A client made without an app throws a usage error.
    public func addAppTransferDataAccessScope(_ collectionIDs: [String]) throws(GlobusError) {
        try connection.app(for: "addAppTransferDataAccessScope").addScopeRequirements(resourceServer, [Self.scopes.timer.withDependency(Scopes.transferDataAccess(collectionIDs))])
    }

    /// `POST /v2/timer`: makes a timer.
    public func createTimer(_ timer: TransferTimer) throws(GlobusError) -> GlobusResponse<CreatedTimer> {
        try connection.call(connection.request("POST", "/v2/timer", json: ["timer": try timer.validated()]))
    }

    /// `GET /jobs/`: the person's timers.
    public func listJobs() throws(GlobusError) -> GlobusResponse<Listing<TimerJob>> {
        try connection.call(connection.request("GET", "/jobs/"))
    }

    /// `GET /jobs/ID`: one timer.
    public func getJob(_ jobID: String) throws(GlobusError) -> GlobusResponse<TimerJob> {
        try connection.call(jobRequest("GET", jobID))
    }

    /// `DELETE /jobs/ID`: deletes a timer (its document, as it was, is the answer).
    public func deleteJob(_ jobID: String) throws(GlobusError) -> GlobusResponse<TimerJob> {
        try connection.call(jobRequest("DELETE", jobID))
    }

    /// `POST /jobs/ID/pause`: stops a timer's runs until it is resumed.
    public func pauseJob(_ jobID: String) throws(GlobusError) -> GlobusResponse<JSON> {
        try connection.call(jobRequest("POST", jobID, "pause"))
    }

    /// `POST /jobs/ID/resume`: resumes a paused timer (an empty JSON body, as the Python SDK sends).
    public func resumeJob(_ jobID: String) throws(GlobusError) -> GlobusResponse<JSON> {
        try connection.call(jobRequest("POST", jobID, "resume", json: .object(JSONObject())))
    }

    func jobRequest(_ method: String, _ jobID: String, _ action: String? = nil, json: JSON? = nil) -> ServiceRequest {
        connection.request(method, "/jobs/\(PathSegment.escape(jobID))" + (action.map { "/" + $0 } ?? ""), json: json)
    }
}

/// A timer's document (``TimersClient/getJob(_:)``, the items of ``TimersClient/listJobs()``).
public struct TimerJob: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The timer's id.
    public var jobID: String? { string("job_id") ?? string("timer_id") }
    /// Its name.
    public var name: String? { string("name") }
    /// `new`, `loaded`, `ended`, `deleted`, `user_paused`…
    public var status: String? { string("status") }
    /// When it runs next, or nil when it will not.
    public var nextRun: String? { string("next_run") }
    /// How often it has run.
    public var numberOfRuns: Int? { int("number_of_runs") }
    /// The id of the transfer task its last run started.
    public var lastTaskID: String? { string("last_task_id") }
    /// Its schedule.
    public var schedule: JSON? { json["schedule"] }
}

/// Timers' answer to ``TimersClient/createTimer(_:)``.
public struct CreatedTimer: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The new timer.
    public var timer: TimerJob { TimerJob(json["timer"] ?? json) }
}
