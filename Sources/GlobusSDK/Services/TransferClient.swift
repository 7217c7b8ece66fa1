import JSON

/// A client of Globus Transfer: collections, file operations, and transfer and delete tasks
/// (the Python SDK's `TransferClient`). Its methods are named after the API's operations.
///
/// ```swift
/// let transfer = TransferClient(app: app)
/// for entry in try transfer.operationLs(collection, path: "/~/").entries {
///     print(entry.name ?? "", entry.type ?? "")
/// }
/// var data = TransferData(source: collection, destination: other)
/// data.addItem(source: "/~/file1.txt", destination: "/~/file1.txt")
/// let task = try transfer.submitTransfer(data)
/// _ = try transfer.taskWait(task.taskID!, timeout: 60, pollingInterval: 2)
/// ```
///
/// Every id goes into the request's path percent-encoded as one segment, whatever it holds.
/// Calls are blocking; see ``GlobusThread`` and ``Paginator`` for async code.
public struct TransferClient: GlobusServiceClient {
    /// Its service and scopes: ``TransferScopes``.
    public typealias ScopeSet = TransferScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// Asks the app for consent to reach the data of these mapped collections through Transfer
    /// (`transfer:all[*…/data_access]`), as the Python SDK's `add_app_data_access_scope`: a
    /// mapped collection's files answer `ConsentRequired` until it is given. A client made
    /// without an app has no one to ask: throws a usage error.
    public func addAppDataAccessScope(_ collectionIDs: [String]) throws(GlobusError) {
        try connection.app(for: "addAppDataAccessScope").addScopeRequirements(resourceServer, [Scopes.transferDataAccess(collectionIDs)])
    }

    // MARK: collections

    /// `GET /endpoint/ID`: a collection's (endpoint's) document.
    public func getEndpoint(_ endpointID: String) throws(GlobusError) -> GlobusResponse<Endpoint> {
        try connection.call(TransferAPI.collection(endpointID))
    }

    /// `GET /endpoint_search`: collections whose name or description hold `filterFulltext`
    /// (`filterScope`: `my-endpoints`, `recently-used`, `shared-with-me`, …). One page; see
    /// ``Paginated/endpointSearch(_:filterScope:)`` for all.
    public func endpointSearch(
        _ filterFulltext: String? = nil, filterScope: String? = nil, limit: Int? = nil,
        offset: Int? = nil
    ) throws(GlobusError) -> GlobusResponse<Listing<Endpoint>> {
        try connection.call(endpointSearchRequest(filterFulltext, filterScope: filterScope, limit: limit, offset: offset))
    }

    func endpointSearchRequest(_ text: String?, filterScope: String?, limit: Int? = nil, offset: Int? = nil) -> ServiceRequest {
        TransferAPI.get(
            "/endpoint_search",
            [
                "filter_fulltext": text, "filter_scope": filterScope, "limit": limit.map(String.init),
                "offset": offset.map(String.init)
            ])
    }

    // MARK: file operations

    /// `GET /operation/endpoint/ID/ls`: what a folder holds (the collection's default folder
    /// without a path). `filter` is Transfer's filter syntax (`name:~*.txt`).
    public func operationLs(
        _ endpointID: String, path: String? = nil, showHidden: Bool? = nil, orderBy: String? = nil,
        filter: String? = nil, limit: Int? = nil, offset: Int? = nil
    ) throws(GlobusError) -> GlobusResponse<FileListing> {
        try connection.call(TransferAPI.ls(endpointID, path: path, showHidden: showHidden, orderBy: orderBy, filter: filter, limit: limit, offset: offset))
    }

    /// `POST /operation/endpoint/ID/mkdir`: makes a folder.
    public func operationMkdir(_ endpointID: String, path: String) throws(GlobusError) -> GlobusResponse<TransferResult> {
        try connection.call(TransferAPI.mkdir(endpointID, path: path))
    }

    /// `POST /operation/endpoint/ID/rename`: renames or moves within a collection.
    public func operationRename(_ endpointID: String, oldPath: String, newPath: String) throws(GlobusError) -> GlobusResponse<TransferResult> {
        try connection.call(TransferAPI.rename(endpointID, from: oldPath, to: newPath))
    }

    /// `GET /operation/endpoint/ID/stat`: one file's or folder's entry.
    public func operationStat(_ endpointID: String, path: String) throws(GlobusError) -> GlobusResponse<FileEntry> {
        try connection.call(TransferAPI.stat(endpointID, path: path))
    }

    // MARK: submitting tasks

    /// `GET /submission_id`: an id that makes a submission safe to repeat (a task is created
    /// once per submission id).
    public func getSubmissionID() throws(GlobusError) -> GlobusResponse<SubmissionID> {
        try connection.call(TransferAPI.submissionID)
    }

    /// `POST /transfer`: submits a transfer task. The document is checked first
    /// (``TransferData/validated()``); without a submission id, one is fetched, so that the
    /// submission is safe to retry.
    public func submitTransfer(_ data: TransferData) throws(GlobusError) -> GlobusResponse<TaskSubmission> {
        var data = data
        _ = try data.validated()
        if data.submissionID == nil { data.submissionID = try submissionID() }
        return try connection.call(TransferAPI.post("/transfer", data.json))
    }

    /// `POST /delete`: submits a delete task. The document is checked first
    /// (``DeleteData/validated()``); without a submission id, one is fetched.
    public func submitDelete(_ data: DeleteData) throws(GlobusError) -> GlobusResponse<TaskSubmission> {
        var data = data
        _ = try data.validated()
        if data.submissionID == nil { data.submissionID = try submissionID() }
        return try connection.call(TransferAPI.post("/delete", data.json))
    }

    func submissionID() throws(GlobusError) -> String {
        guard let id = try getSubmissionID().value else { throw .usage("Transfer answered no submission id") }
        return id
    }

    // MARK: tasks

    /// `GET /task_list`: the person's tasks, newest first (Transfer lists the newest 1000).
    /// `filter` is Transfer's filter syntax (`status:ACTIVE,INACTIVE`), `orderBy` a field and
    /// direction (`request_time DESC`). One page; see ``Paginated/taskList(filter:orderBy:)`` for all.
    public func taskList(
        limit: Int? = nil, offset: Int? = nil, filter: String? = nil,
        orderBy: String? = nil
    ) throws(GlobusError) -> GlobusResponse<Listing<TransferTask>> {
        try connection.call(taskListRequest(limit: limit, offset: offset, filter: filter, orderBy: orderBy))
    }

    func taskListRequest(limit: Int? = nil, offset: Int? = nil, filter: String?, orderBy: String?) -> ServiceRequest {
        TransferAPI.get("/task_list", ["limit": limit.map(String.init), "offset": offset.map(String.init), "filter": filter, "orderby": orderBy])
    }

    /// `GET /task/ID`: a task's document.
    public func getTask(_ taskID: String) throws(GlobusError) -> GlobusResponse<TransferTask> {
        try connection.call(TransferAPI.task(taskID))
    }

    /// `POST /task/ID/cancel`: cancels a task (`code` is `Canceled`, or says why not).
    public func cancelTask(_ taskID: String) throws(GlobusError) -> GlobusResponse<TransferResult> {
        try connection.call(TransferAPI.cancel(taskID))
    }

    /// Waits until a task ends (succeeds or fails), looking every `pollingInterval` seconds
    /// (at most `timeout`): true when it ended, false when it is still going after `timeout`.
    /// As the Python SDK's `task_wait`, it looks at least once. Cancelling (``ClientOptions/isCancelled``)
    /// ends the waiting with ``GlobusError/cancelled``; the task goes on at Globus.
    public func taskWait(_ taskID: String, timeout: Double = 10, pollingInterval: Double = 10) throws(GlobusError) -> Bool {
        guard timeout > 0, timeout.isFinite else { throw .usage("taskWait: the timeout must be a positive number of seconds") }
        guard pollingInterval > 0, pollingInterval.isFinite else { throw .usage("taskWait: the polling interval must be a positive number of seconds") }
        let interval = min(timeout, pollingInterval)
        var waited = 0.0
        while true {
            if try getTask(taskID).document.isDone { return true }
            waited += interval
            if waited > timeout { return false }
            guard interruptibleSleep(interval, isCancelled: connection.options.isCancelled) else { throw .cancelled }
        }
    }

    /// `GET /task/ID/event_list`: a task's events, newest first. One page; see
    /// ``Paginated/taskEventList(_:filter:)`` for all.
    public func taskEventList(
        _ taskID: String, limit: Int? = nil, offset: Int? = nil,
        filter: String? = nil
    ) throws(GlobusError) -> GlobusResponse<Listing<TaskEvent>> {
        try connection.call(taskEventListRequest(taskID, limit: limit, offset: offset, filter: filter))
    }

    func taskEventListRequest(_ taskID: String, limit: Int? = nil, offset: Int? = nil, filter: String?) -> ServiceRequest {
        TransferAPI.get(TransferAPI.taskPath(taskID, "event_list"), ["limit": limit.map(String.init), "offset": offset.map(String.init), "filter": filter])
    }

    /// `GET /task/ID/successful_transfers`: the files a task copied, from `marker` on. One
    /// page; see ``Paginated/taskSuccessfulTransfers(_:)`` for all.
    public func taskSuccessfulTransfers(_ taskID: String, marker: String? = nil) throws(GlobusError) -> GlobusResponse<Listing<TransferredFile>> {
        try connection.call(taskFilesRequest(taskID, "successful_transfers", marker: marker))
    }

    /// `GET /task/ID/<listing>` from `marker` on (successful transfers, skipped errors).
    func taskFilesRequest(_ taskID: String, _ listing: String, marker: String? = nil) -> ServiceRequest {
        TransferAPI.get(TransferAPI.taskPath(taskID, listing), ["marker": marker])
    }

    /// `GET /task/ID/skipped_errors`: the files a task skipped on errors, from `marker` on. One
    /// page; see ``Paginated/taskSkippedErrors(_:)`` for all.
    public func taskSkippedErrors(_ taskID: String, marker: String? = nil) throws(GlobusError) -> GlobusResponse<Listing<TransferredFile>> {
        try connection.call(taskFilesRequest(taskID, "skipped_errors", marker: marker))
    }

    /// `GET /endpoint_manager/task_list`: the tasks on collections the person manages
    /// (`filterStatus`: `ACTIVE,INACTIVE`…), from `lastKey` on. One page; see
    /// ``Paginated/endpointManagerTaskList(filterStatus:filterEndpoint:)`` for all.
    public func endpointManagerTaskList(
        filterStatus: String? = nil, filterEndpoint: String? = nil,
        lastKey: String? = nil
    ) throws(GlobusError) -> GlobusResponse<Listing<TransferTask>> {
        try connection.call(endpointManagerTaskListRequest(filterStatus: filterStatus, filterEndpoint: filterEndpoint, lastKey: lastKey))
    }

    func endpointManagerTaskListRequest(filterStatus: String?, filterEndpoint: String?, lastKey: String? = nil) -> ServiceRequest {
        TransferAPI.get("/endpoint_manager/task_list", ["filter_status": filterStatus, "filter_endpoint": filterEndpoint, "last_key": lastKey])
    }

    // MARK: paginators

    /// The paginated listings: `transfer.paginated.taskList()`, as the Python SDK's `client.paginated`.
    public var paginated: Paginated { Paginated(client: self) }

    /// Transfer's listings as ``Paginator``s of every page.
    public struct Paginated: Sendable {
        let client: TransferClient

        /// Every task, newest first (offset and `total`; Transfer lists the newest 1000).
        public func taskList(filter: String? = nil, orderBy: String? = nil) -> Paginator<TransferTask> {
            client.connection.paginator(client.taskListRequest(filter: filter, orderBy: orderBy), scheme: .offsetTotal(pageSize: 1000, maxTotal: 1000))
        }

        /// Every collection found (offset and `has_next_page`; Transfer finds at most 1000).
        public func endpointSearch(_ filterFulltext: String? = nil, filterScope: String? = nil) -> Paginator<Endpoint> {
            client.connection.paginator(
                client.endpointSearchRequest(filterFulltext, filterScope: filterScope),
                scheme: .offsetHasNextPage(pageSize: 100, maxOffset: 1000))
        }

        /// Every event of a task (offset and `total`).
        public func taskEventList(_ taskID: String, filter: String? = nil) -> Paginator<TaskEvent> {
            client.connection.paginator(client.taskEventListRequest(taskID, filter: filter), scheme: .offsetTotal(pageSize: 1000, maxTotal: 10_000))
        }

        /// Every file a task copied (`next_marker` until it is null).
        public func taskSuccessfulTransfers(_ taskID: String) -> Paginator<TransferredFile> {
            client.connection.paginator(client.taskFilesRequest(taskID, "successful_transfers"), scheme: .marker(answerKey: "next_marker", endsWithNull: true))
        }

        /// Every file a task skipped on errors (`next_marker` until it is null).
        public func taskSkippedErrors(_ taskID: String) -> Paginator<TransferredFile> {
            client.connection.paginator(client.taskFilesRequest(taskID, "skipped_errors"), scheme: .marker(answerKey: "next_marker", endsWithNull: true))
        }

        /// Every task on collections the person manages (`last_key` while `has_next_page`).
        public func endpointManagerTaskList(filterStatus: String? = nil, filterEndpoint: String? = nil) -> Paginator<TransferTask> {
            client.connection.paginator(client.endpointManagerTaskListRequest(filterStatus: filterStatus, filterEndpoint: filterEndpoint), scheme: .lastKey)
        }
    }
}
