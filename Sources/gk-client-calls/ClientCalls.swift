// Calls the Swift SDK's client methods one by one, for the differential test that sends the same
// operations with the Python globus-sdk against the same simulator and compares what each sent
// (Tests/conformance/test_differential.py).
//
// Reads one JSON object a line on standard input: {"method": "TransferClient.operationLs",
// "args": {…}, "token": ACCESS_TOKEN}, the arguments named as the Python SDK names them. Writes one
// line for each: {"ok": true, "result": …} or {"ok": false, "error": TEXT}. The services are the
// ones the environment names (GLOBUS_SDK_SERVICE_URL_*, GLOBUS_SDK_VERIFY_SSL); a client calls
// with the token given. The methods that only add scope requirements to an app answer the app's
// requirements. `--list` writes the methods it knows, one a line.
#if canImport(Glibc)
    import Glibc
#endif
import GlobusSDK
import JSON

/// The arguments of one call.
struct Args {
    let json: JSON

    func string(_ key: String) -> String? { json[key]?.string }
    func int(_ key: String) -> Int? { json[key]?.int }
    func bool(_ key: String) -> Bool? { json[key]?.bool }
    func strings(_ key: String) -> [String] { json[key]?.array?.compactMap(\.string) ?? [] }
    func object(_ key: String) -> Args { Args(json: json[key] ?? .null) }

    /// A string argument that must be there.
    func id(_ key: String) throws(GlobusError) -> String {
        guard let s = string(key) else { throw .usage("missing argument \(key)") }
        return s
    }
}

/// The clients of one call, made with its token, for the services the environment names.
struct Clients {
    let settings: Settings
    let token: String

    var http: GlobusHTTP { GlobusHTTP(appName: "gk-client-calls", settings: settings.http) }
    var authorizer: AccessTokenAuthorizer { AccessTokenAuthorizer(token) }

    func make<C: GlobusServiceClient>(_: C.Type = C.self) -> C { C(authorizer: authorizer, environment: settings.environment, http: http) }
    var transfer: TransferClient { make() }

    func flow(_ id: String) -> SpecificFlowClient {
        SpecificFlowClient(flowID: id, authorizer: authorizer, environment: settings.environment, http: http)
    }

    func gcs(_ a: Args) -> GCSClient {
        GCSClient(endpointID: a.string("endpoint_id") ?? "", managerURL: a.string("manager_url") ?? "", authorizer: authorizer, http: http)
    }

    func service(_ a: Args) throws(GlobusError) -> (ServiceClient, ServiceRequest) {
        let name = try a.id("service")
        guard let service = GlobusService.named(name) else { throw .usage("no service \(name)") }
        var request = ServiceRequest(service: service, method: try a.id("method"), path: try a.id("path"))
        request.query = (a.json["query_params"]?.object ?? JSONObject()).compactMap { k, v in v.string.map { (k, $0) } }
        return (ServiceClient(service: service, authorizer: authorizer, environment: settings.environment, http: http), request)
    }

    /// A fresh app whose scope requirements a client adds to.
    func app() -> GlobusApp {
        GlobusApp.user("gk-client-calls", clientID: "61338d24-54d5-408f-a10d-66c06b59f6d2", settings: settings, storage: MemoryTokenStorage())
    }
}

/// The scope requirements of an app, by resource server, as scope strings.
func requirements(_ app: GlobusApp) -> JSON {
    var o = JSONObject()
    for (rs, scopes) in app.scopeRequirements { o[rs] = .array(scopes.map { .string($0.description) }) }
    return .object(o)
}

func transferData(_ a: Args) -> TransferData {
    var d = TransferData(
        source: a.string("source_endpoint") ?? "", destination: a.string("destination_endpoint") ?? "",
        label: a.string("label"), syncLevel: a.string("sync_level").flatMap(TransferData.SyncLevel.init))
    for item in a.json["items"]?.array ?? [] {
        let i = Args(json: item)
        d.addItem(source: i.string("source_path") ?? "", destination: i.string("destination_path") ?? "", recursive: i.bool("recursive") ?? false)
    }
    d.verifyChecksum = a.bool("verify_checksum")
    return d
}

func schedule(_ a: Args) -> TimerSchedule {
    guard a.string("type") == "recurring" else { return .once(at: a.string("datetime")) }
    let end: TimerSchedule.End? = a.int("count").map(TimerSchedule.End.iterations)
    return .recurring(intervalSeconds: a.int("interval_seconds") ?? 0, start: a.string("start"), end: end)
}

/// A paginator's pages, merged.
func pages<Item>(_ p: Paginator<Item>) throws(GlobusError) -> JSON { try p.merged().data }

typealias Call = @Sendable (Clients, Args) throws(GlobusError) -> JSON

/// Every client method, by `Client.method` (`Client.Paginated.method` for a paginator).
let calls: [String: Call] = [
    "TransferClient.getEndpoint": { c, a throws(GlobusError) in try c.transfer.getEndpoint(try a.id("endpoint_id")).data },
    "TransferClient.endpointSearch": { c, a throws(GlobusError) in
        try c.transfer.endpointSearch(a.string("filter_fulltext"), filterScope: a.string("filter_scope"), limit: a.int("limit"), offset: a.int("offset")).data
    },
    "TransferClient.operationLs": { c, a throws(GlobusError) in
        try c.transfer.operationLs(
            try a.id("endpoint_id"), path: a.string("path"), showHidden: a.bool("show_hidden"), orderBy: a.string("orderby"),
            filter: a.string("filter"), limit: a.int("limit"), offset: a.int("offset")
        ).data
    },
    "TransferClient.operationMkdir": { c, a throws(GlobusError) in try c.transfer.operationMkdir(try a.id("endpoint_id"), path: try a.id("path")).data },
    "TransferClient.operationRename": { c, a throws(GlobusError) in
        try c.transfer.operationRename(try a.id("endpoint_id"), oldPath: try a.id("oldpath"), newPath: try a.id("newpath")).data
    },
    "TransferClient.operationStat": { c, a throws(GlobusError) in try c.transfer.operationStat(try a.id("endpoint_id"), path: try a.id("path")).data },
    "TransferClient.getSubmissionID": { c, _ throws(GlobusError) in try c.transfer.getSubmissionID().data },
    "TransferClient.submitTransfer": { c, a throws(GlobusError) in try c.transfer.submitTransfer(transferData(a.object("data"))).data },
    "TransferClient.submitDelete": { c, a throws(GlobusError) in
        let d = a.object("data")
        var data = DeleteData(collection: d.string("endpoint") ?? "", recursive: d.bool("recursive") ?? false, label: d.string("label"))
        for item in d.json["items"]?.array ?? [] { data.addItem(item["path"]?.string ?? "") }
        return try c.transfer.submitDelete(data).data
    },
    "TransferClient.taskList": { c, a throws(GlobusError) in
        try c.transfer.taskList(limit: a.int("limit"), offset: a.int("offset"), filter: a.string("filter"), orderBy: a.string("orderby")).data
    },
    "TransferClient.getTask": { c, a throws(GlobusError) in try c.transfer.getTask(try a.id("task_id")).data },
    "TransferClient.cancelTask": { c, a throws(GlobusError) in try c.transfer.cancelTask(try a.id("task_id")).data },
    "TransferClient.taskWait": { c, a throws(GlobusError) in
        .bool(try c.transfer.taskWait(try a.id("task_id"), timeout: Double(a.int("timeout") ?? 10), pollingInterval: Double(a.int("polling_interval") ?? 10)))
    },
    "TransferClient.taskEventList": { c, a throws(GlobusError) in
        try c.transfer.taskEventList(try a.id("task_id"), limit: a.int("limit"), offset: a.int("offset"), filter: a.string("filter")).data
    },
    "TransferClient.taskSuccessfulTransfers": { c, a throws(GlobusError) in
        try c.transfer.taskSuccessfulTransfers(try a.id("task_id"), marker: a.string("marker")).data
    },
    "TransferClient.taskSkippedErrors": { c, a throws(GlobusError) in try c.transfer.taskSkippedErrors(try a.id("task_id"), marker: a.string("marker")).data },
    "TransferClient.endpointManagerTaskList": { c, a throws(GlobusError) in
        try c.transfer.endpointManagerTaskList(filterStatus: a.string("filter_status"), filterEndpoint: a.string("filter_endpoint"), lastKey: a.string("last_key")).data
    },
    "TransferClient.addAppDataAccessScope": { c, a throws(GlobusError) in
        let app = c.app()
        try TransferClient(app: app).addAppDataAccessScope(a.strings("collection_ids"))
        return requirements(app)
    },
    "TransferClient.Paginated.taskList": { c, a throws(GlobusError) in try pages(c.transfer.paginated.taskList(filter: a.string("filter"), orderBy: a.string("orderby"))) },
    "TransferClient.Paginated.endpointSearch": { c, a throws(GlobusError) in
        try pages(c.transfer.paginated.endpointSearch(a.string("filter_fulltext"), filterScope: a.string("filter_scope")))
    },
    "TransferClient.Paginated.taskEventList": { c, a throws(GlobusError) in
        try pages(c.transfer.paginated.taskEventList(try a.id("task_id"), filter: a.string("filter")))
    },
    "TransferClient.Paginated.taskSuccessfulTransfers": { c, a throws(GlobusError) in try pages(c.transfer.paginated.taskSuccessfulTransfers(try a.id("task_id"))) },
    "TransferClient.Paginated.taskSkippedErrors": { c, a throws(GlobusError) in try pages(c.transfer.paginated.taskSkippedErrors(try a.id("task_id"))) },
    "TransferClient.Paginated.endpointManagerTaskList": { c, a throws(GlobusError) in
        try pages(c.transfer.paginated.endpointManagerTaskList(filterStatus: a.string("filter_status"), filterEndpoint: a.string("filter_endpoint")))
    },

    "AuthClient.userinfo": { c, _ throws(GlobusError) in try c.make(AuthClient.self).userinfo().data },
    "AuthClient.oauth2Userinfo": { c, _ throws(GlobusError) in try c.make(AuthClient.self).userinfo().data },
    "AuthClient.getIdentities": { c, a throws(GlobusError) in
        try c.make(AuthClient.self).getIdentities(usernames: a.strings("usernames"), ids: a.strings("ids"), provision: a.bool("provision") ?? false).data
    },
    "AuthClient.getConsents": { c, a throws(GlobusError) in
        try c.make(AuthClient.self).getConsents(identityID: try a.id("identity_id"), all: a.bool("all") ?? false).data
    },

    "GroupsClient.getMyGroups": { c, a throws(GlobusError) in try c.make(GroupsClient.self).getMyGroups(statuses: a.strings("statuses")).data },
    "GroupsClient.getGroup": { c, a throws(GlobusError) in
        try c.make(GroupsClient.self).getGroup(try a.id("group_id"), include: a.strings("include")).data
    },

    "SearchClient.getIndex": { c, a throws(GlobusError) in try c.make(SearchClient.self).getIndex(try a.id("index_id")).data },
    "SearchClient.search": { c, a throws(GlobusError) in
        try c.make(SearchClient.self).search(
            try a.id("index_id"), q: try a.id("q"), offset: a.int("offset"), limit: a.int("limit"),
            advanced: a.bool("advanced") ?? false
        ).data
    },
    "SearchClient.postSearch": { c, a throws(GlobusError) in
        let q = a.object("data")
        let query = SearchQuery(q.string("q") ?? "", offset: q.int("offset"), limit: q.int("limit"), advanced: q.bool("advanced"))
        return try c.make(SearchClient.self).postSearch(try a.id("index_id"), query: query).data
    },
    "SearchClient.Paginated.search": { c, a throws(GlobusError) in
        try pages(c.make(SearchClient.self).paginated.search(try a.id("index_id"), q: try a.id("q"), advanced: a.bool("advanced") ?? false))
    },

    "FlowsClient.listFlows": { c, a throws(GlobusError) in
        try c.make(FlowsClient.self).listFlows(
            filterRole: a.string("filter_role"), filterFulltext: a.string("filter_fulltext"), orderBy: a.string("orderby"),
            marker: a.string("marker")
        ).data
    },
    "FlowsClient.getFlow": { c, a throws(GlobusError) in try c.make(FlowsClient.self).getFlow(try a.id("flow_id")).data },
    "FlowsClient.listRuns": { c, a throws(GlobusError) in
        try c.make(FlowsClient.self).listRuns(filterFlowID: a.string("filter_flow_id"), filterRole: a.string("filter_role"), marker: a.string("marker")).data
    },
    "FlowsClient.getRun": { c, a throws(GlobusError) in
        try c.make(FlowsClient.self).getRun(try a.id("run_id"), includeFlowDescription: a.bool("include_flow_description") ?? false).data
    },
    "FlowsClient.cancelRun": { c, a throws(GlobusError) in try c.make(FlowsClient.self).cancelRun(try a.id("run_id")).data },
    "FlowsClient.Paginated.listFlows": { c, a throws(GlobusError) in
        try pages(
            c.make(FlowsClient.self).paginated.listFlows(
                filterRole: a.string("filter_role"), filterFulltext: a.string("filter_fulltext"),
                orderBy: a.string("orderby")))
    },
    "FlowsClient.Paginated.listRuns": { c, a throws(GlobusError) in
        try pages(c.make(FlowsClient.self).paginated.listRuns(filterFlowID: a.string("filter_flow_id"), filterRole: a.string("filter_role")))
    },

    "SpecificFlowClient.runFlow": { c, a throws(GlobusError) in
        try c.flow(try a.id("flow_id")).runFlow(
            body: a.json["body"] ?? .object(JSONObject()), label: a.string("label"), tags: a.strings("tags"),
            runMonitors: a.strings("run_monitors"), runManagers: a.strings("run_managers")
        ).data
    },

    "TimersClient.createTimer": { c, a throws(GlobusError) in
        let t = a.object("timer")
        let timer = TransferTimer(name: t.string("name"), schedule: schedule(t.object("schedule")), body: transferData(t.object("body")))
        return try c.make(TimersClient.self).createTimer(timer).data
    },
    "TimersClient.listJobs": { c, _ throws(GlobusError) in try c.make(TimersClient.self).listJobs().data },
    "TimersClient.getJob": { c, a throws(GlobusError) in try c.make(TimersClient.self).getJob(try a.id("job_id")).data },
    "TimersClient.deleteJob": { c, a throws(GlobusError) in try c.make(TimersClient.self).deleteJob(try a.id("job_id")).data },
    "TimersClient.pauseJob": { c, a throws(GlobusError) in try c.make(TimersClient.self).pauseJob(try a.id("job_id")).data },
    "TimersClient.resumeJob": { c, a throws(GlobusError) in try c.make(TimersClient.self).resumeJob(try a.id("job_id")).data },
    "TimersClient.addAppTransferDataAccessScope": { c, a throws(GlobusError) in
        let app = c.app()
        try TimersClient(app: app).addAppTransferDataAccessScope(a.strings("collection_ids"))
        return requirements(app)
    },

    "GCSClient.forEndpoint": { c, a throws(GlobusError) in
        .string(try GCSClient.forEndpoint(try a.id("endpoint_id"), transfer: c.transfer, authorizer: c.authorizer).connection.resourceServer)
    },
    "GCSClient.getGCSInfo": { c, a throws(GlobusError) in try c.gcs(a).getGCSInfo().data },
    "GCSClient.getCollectionList": { c, a throws(GlobusError) in try c.gcs(a).getCollectionList(marker: a.string("marker")).data },
    "GCSClient.paginatedCollectionList": { c, a throws(GlobusError) in try pages(c.gcs(a).paginatedCollectionList()) },
    "GCSClient.getCollection": { c, a throws(GlobusError) in try c.gcs(a).getCollection(try a.id("collection_id")).data },

    "ServiceClient.request": { c, a throws(GlobusError) in
        let (client, request) = try c.service(a)
        let answer = try client.request(request)
        return ["status": .int(answer.status)]
    },
    "ServiceClient.paginator": { c, a throws(GlobusError) in
        let (client, request) = try c.service(a)
        guard let scheme = PagingScheme.forRequest(request.service, method: request.method, path: request.path) else {
            throw .usage("\(request.path) is not a paged listing")
        }
        return try pages(client.paginator(request, scheme: scheme))
    }
]

/// The answer to one input line.
func answer(_ line: String, settings: Settings) -> JSON {
    guard let input = try? JSON.parse(line), let method = input["method"]?.string else {
        return ["ok": false, "error": "expected {\"method\": NAME, \"args\": {…}, \"token\": TOKEN}"]
    }
    guard let call = calls[method] else { return ["ok": false, "error": .string("no method \(method)")] }
    do {
        return ["ok": true, "result": try call(Clients(settings: settings, token: input["token"]?.string ?? ""), Args(json: input["args"] ?? .null))]
    } catch {
        return ["ok": false, "error": .string(error.description)]
    }
}

@main
struct ClientCalls {
    static func main() {
        if CommandLine.arguments.dropFirst().first == "--list" {
            for name in calls.keys.sorted() { print(name) }
            return
        }
        let settings: Settings
        do { settings = try Settings(variables: Settings.processVariables()) } catch {
            print(JSON.obj(["ok": false, "error": .string(error.description)]).serialized)
            exit(1)
        }
        while let line = readLine() {
            print(answer(line, settings: settings).serialized)
            fflush(nil)  // the driver waits for each answer
        }
    }
}
