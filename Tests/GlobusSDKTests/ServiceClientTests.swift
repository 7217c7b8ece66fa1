import GlobusSimulator
import JSON
import SimulatorSupport
import Testing
@testable import GlobusSDK

/// Auth, Groups, Search, Flows, Timers and GCS clients against the in-process simulator (and a
/// scripted service for the operations the simulator does not serve).
@Suite(.serialized) struct ServiceClientTests {
    @Test func eachClientAsksTheAppForItsScopes() throws {
        let (app, _) = try scriptedApp { _ in jsonAnswer("{}") }
        _ = AuthClient(app: app)
        _ = GroupsClient(app: app)
        _ = SearchClient(app: app)
        _ = FlowsClient(app: app)
        _ = TimersClient(app: app)
        _ = SpecificFlowClient(flowID: Fixtures.flow, app: app)
        _ = GCSClient(endpointID: Fixtures.tutorial1, managerURL: "https://gcs.example.org/", app: app)
        let required = Dictionary(uniqueKeysWithValues: app.scopeRequirements.map { ($0.0, Set($0.1.map(\.name))) })
        #expect(required["auth.globus.org"] == ["openid", "profile", "email"])
        #expect(required["groups.api.globus.org"] == [Scopes.groupsViewMyGroups])
        #expect(required["search.api.globus.org"] == [Scopes.searchSearch])
        #expect(required["flows.globus.org"] == [Scopes.flowsAll])
        #expect(required[Scopes.timersResourceServer] == [Scopes.timers])
        #expect(required[Fixtures.flow] == [Scopes.flowUser(Fixtures.flow)])
        #expect(required[Fixtures.tutorial1] == ["urn:globus:auth:scope:\(Fixtures.tutorial1):manage_collections"])
        #expect(FlowsClient.scopes.runStatus.name == "https://auth.globus.org/scopes/\(Scopes.flowsClientID)/run_status")
        #expect(GCSCollectionScopes(Fixtures.mapped).dataAccess.name == Scopes.dataAccess(Fixtures.mapped))
    }

    @Test func authUserinfoIdentitiesAndConsents() async throws {
        try await withSimulator { s in
            let auth = s.auth
            let me = try auth.userinfo()
            #expect(me.preferredUsername == "alice@uchicago.edu" && me.data["preferred_username"] == "alice@uchicago.edu")
            let sub = try #require(me.sub)
            let found = try auth.getIdentities(usernames: ["bob@globusid.org", "carol@anl.gov"])
            #expect(found.identities.compactMap(\.username) == ["bob@globusid.org", "carol@anl.gov"] && found.httpStatus == 200)
            let byID = try auth.getIdentities(ids: [sub])
            #expect(byID.identities.first?.id == sub && byID.data["identities"]?.array?.count == 1)
            #expect(globusError { () throws(GlobusError) in try auth.getIdentities() }?.usageMessage != nil)
            let consents = try auth.getConsents(identityID: sub)
            #expect(consents.consents.contains { $0.scopeName == Scopes.openid } && consents.data["consents"] != nil)
            #expect(consents.forest.meets(Scope(Scopes.openid)))
        }
    }

    @Test func groupsAndSearch() async throws {
        try await withSimulator { s in
            let groups = s.groups
            let mine = try groups.getMyGroups()
            #expect(Set(mine.items.compactMap(\.name)) == ["Research Computing Users", "Data Science 101"] && mine.data.array?.count == 2)
            let one = try groups.getGroup(Fixtures.group, include: ["memberships"])
            #expect(one.name == "Research Computing Users" && one.myMemberships.first?.role == "admin" && one.memberships.count == 2)

            let search = s.search
            #expect(try search.getIndex(Fixtures.searchIndex).data["display_name"] == "Simulator datasets")
            let simple = try search.search(Fixtures.searchIndex, q: "climate", limit: 1)
            #expect(simple.total == 2 && simple.count == 1 && simple.hasNextPage == true && simple.gmeta.count == 1)
            let posted = try search.postSearch(Fixtures.searchIndex, query: SearchQuery("beamline", limit: 5))
            #expect(posted.gmeta.first?.subject == "https://example.org/datasets/beamline-7-run-42")
            #expect(posted.gmeta.first?.contents.first?["size_gb"] == 230 && posted.data["@datatype"] == "GSearchResult")
        }
    }

    @Test func flowsRunsAndTheirStatus() async throws {
        // A run lasts two minutes, so it is still active when its status is asked however slow the machine.
        var config = Simulator.Configuration()
        config.taskDuration = 60
        try await withSimulator(config) { s in
            let flows = s.flows
            let listed = try flows.listFlows()
            #expect(listed.items.compactMap(\.id) == [Fixtures.flow] && listed.data["has_next_page"] == false)
            #expect(try flows.getFlow(Fixtures.flow).globusAuthScope == Scopes.flowUser(Fixtures.flow))

            let flow = SpecificFlowClient(flowID: Fixtures.flow, app: s.app, options: s.options)
            #expect(flow.resourceServer == Fixtures.flow && flow.flowID == Fixtures.flow)
            let run = try flow.runFlow(body: ["source": "/~/data"], label: "From Swift", tags: ["swift"])
            #expect(run.httpStatus == 201 && run.flowID == Fixtures.flow && run.label == "From Swift")
            let runID = try #require(run.runID)
            let status = try flows.getRun(runID)
            #expect(status.runID == runID && status.status == "ACTIVE" && !status.isDone && status.details?["code"] != nil)
            #expect(try flows.listRuns().items.compactMap(\.runID) == [runID])
            #expect(globusError { () throws(GlobusError) in try flow.runFlow(body: ["a", "b"]) }?.usageMessage != nil)
            #expect(globusError { () throws(GlobusError) in try flow.runFlow(body: [:], label: "") }?.usageMessage != nil)
        }
    }

    @Test func timersMadeListedShownAndDeleted() async throws {
        try await withSimulator { s in
            let timers = s.timers
            var data = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2)
            data.addItem(source: "/~/file1.txt", destination: "/~/timed.txt")
            data.submissionID = "dropped"
            let made = try timers.createTimer(TransferTimer(name: "Every hour", schedule: .recurring(intervalSeconds: 3600, end: .iterations(2)), body: data))
            #expect(made.httpStatus == 201 && made.timer.name == "Every hour" && made.timer.numberOfRuns == 1)
            #expect(made.timer.schedule?["end"] == ["condition": "iterations", "count": 2])
            #expect(made.data["timer"]?["body"]?["submission_id"] == nil)
            let id = try #require(made.timer.jobID)
            #expect(try timers.listJobs().items.compactMap(\.jobID) == [id])
            let shown = try timers.getJob(id)
            #expect(shown.jobID == id && shown.lastTaskID != nil && shown.nextRun != nil)
            #expect(try timers.deleteJob(id).status == "deleted")
            #expect(try timers.listJobs().items.isEmpty)
        }
    }

    @Test func aTimerOnAMappedCollectionAsksForItsConsentOnce() async throws {
        try await withSimulator { s in
            let timers = s.timers
            var data = TransferData(source: Fixtures.mapped, destination: Fixtures.tutorial2)
            data.addItem(source: "/~/notes.txt", destination: "/~/notes.txt")
            try timers.addAppTransferDataAccessScope([Fixtures.mapped])
            let made = try timers.createTimer(TransferTimer(schedule: .once(), body: data))
            #expect(made.timer.jobID != nil)
            #expect(s.flow.runs.withLock { $0 } == 1)
        }
    }

    @Test func gcsManagerFoundThroughTransfer() async throws {
        try await withSimulator { s in
            let gcs = try GCSClient.forEndpoint(Fixtures.tutorial1, transfer: s.transfer)
            #expect(gcs.endpointID == Fixtures.tutorial1 && gcs.resourceServer == Fixtures.tutorial1)
            let info = try gcs.getGCSInfo()
            #expect(info.endpointID == Fixtures.tutorial1 && info.apiVersion == "1.30.0" && info.data["code"] == "success")
            let collections = try gcs.getCollectionList()
            #expect(collections.items.first?.displayName == "Globus Tutorial Collection 1")
            #expect(try gcs.getCollection(Fixtures.tutorial1).id == Fixtures.tutorial1)
            let tokenOnly = TransferClient(authorizer: AccessTokenAuthorizer("t"), environment: s.sim.settings.environment)
            #expect(globusError { () throws(GlobusError) in try GCSClient.forEndpoint("x", transfer: tokenOnly) } != nil)
        }
    }

    /// Operations the simulator does not serve, against a scripted service.
    @Test func cancelRunPauseAndResumeAJob() throws {
        let (app, transport) = try scriptedApp(["flows.globus.org", Scopes.timersResourceServer]) { r in
            r.url.contains("/runs/") ? jsonAnswer(#"{"run_id": "r1", "status": "ENDED"}"#) : jsonAnswer(#"{"job_id": "j1", "status": "user_paused"}"#)
        }
        let flows = FlowsClient(app: app)
        let cancelled = try flows.cancelRun("r1")
        #expect(cancelled.status == "ENDED" && cancelled.isDone)
        let timers = TimersClient(app: app)
        #expect(try timers.pauseJob("j1").data["status"] == "user_paused")
        _ = try timers.resumeJob("j/1")
        let sent = transport.sent.withLock { $0.map { "\($0.method) \($0.url)" } }
        #expect(
            sent == [
                "POST https://flows.automate.globus.org/runs/r1/cancel", "POST https://timer.automate.globus.org/jobs/j1/pause",
                "POST https://timer.automate.globus.org/jobs/j%2F1/resume"
            ])
    }

    @Test func clientsMadeFromATokenForAFlowAndAGCSEndpoint() throws {
        let transport = TokenOriginTests.ScriptedTransport { r in
            if r.url.contains("/endpoint/") { return jsonAnswer(#"{"id": "e", "gcs_manager_url": "https://m.example.org"}"#) }
            if r.url.contains("/run") { return jsonAnswer(#"{"run_id": "r1", "status": "ACTIVE"}"#, status: 201) }
            return jsonAnswer(#"{"DATA_TYPE": "result#1.0.0", "data": [{"DATA_TYPE": "collection#1.0.0", "id": "c1"}]}"#)
        }
        let http = GlobusHTTP(transport: transport)
        let flow = SpecificFlowClient(flowID: Fixtures.flow, authorizer: AccessTokenAuthorizer("FLOW"), http: http)
        let run = try flow.runFlow(body: ["a": 1], label: "L")
        #expect(run.runID == "r1" && run.httpStatus == 201 && run.viewed(as: JSON.self).data["status"] == "ACTIVE")
        let transfer = TransferClient(authorizer: AccessTokenAuthorizer("TRANSFER"), http: http)
        let gcs = try GCSClient.forEndpoint("e", transfer: transfer, authorizer: AccessTokenAuthorizer("GCS"))
        #expect(try gcs.getCollection("c1").id == "c1")
        let sent = transport.sent.withLock { $0.map { r in (r.url, r.headers.first { $0.0 == "Authorization" }?.1 ?? "") } }
        #expect(
            sent.map(\.0) == [
                "https://flows.automate.globus.org/flows/\(Fixtures.flow)/run", "https://transfer.api.globus.org/v0.10/endpoint/e",
                "https://m.example.org/api/collections/c1"
            ])
        #expect(sent.map(\.1) == ["Bearer FLOW", "Bearer TRANSFER", "Bearer GCS"], "each token goes to its own service")
        let body = try JSON.parse(transport.sent.withLock { $0[0].body ?? [] })
        #expect(body == ["body": ["a": 1], "label": "L"])
    }

    @Test func otherOptionsMakeAnotherClient() throws {
        let (app, _) = try scriptedApp { _ in jsonAnswer("{}") }
        let flag = CancelFlag()
        let plain = TransferClient(app: app)
        let cancelled = plain.with(options: ClientOptions(isCancelled: { flag.isSet }, redriveGARE: true))
        flag.set()
        #expect(cancelled.connection.options.redriveGARE == true && plain.connection.options.redriveGARE == nil)
        #expect(globusError { () throws(GlobusError) in try cancelled.getTask("t") }.map { if case .cancelled = $0 { true } else { false } } == true)
        #expect(try plain.getTask("t").httpStatus == 200)
        #expect(plain.connection.app === app && plain.connection.environment == app.settings.environment)
    }

    @Test func anAnswerThatIsNotJSONIsAnAPIErrorWithItsBody() throws {
        let (app, _) = try scriptedApp { _ in HTTPResponse(status: 200, headers: [("content-type", "text/html")], body: Array("<html>down</html>".utf8)) }
        let error = globusError { () throws(GlobusError) in try TransferClient(app: app).getTask("t") }
        guard case .api(let e)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(e.httpStatus == 200 && e.text == "<html>down</html>")
        let (empty, _) = try scriptedApp { _ in HTTPResponse(status: 204, headers: [], body: []) }
        #expect(try TransferClient(app: empty).cancelTask("t").data == .null)
    }

    @Test func aCallThatNeedsALoginWithoutAHandlerSaysSo() async throws {
        try await withSimulator { s in
            let bare = TransferClient(app: s.app)
            let error = globusError { () throws(GlobusError) in try bare.taskList() }
            guard case .loginRequired(let need)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(need.reason == .noTokens)
        }
    }

    @Test func aClientAppCallsWithClientCredentials() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let app = makeClientApp(sim)
        let total = try await onThread { try TransferClient(app: app).taskList().data["total"] }
        #expect(total == 0)
    }

    @Test func blockingWorkRunsOnAThreadOfItsOwnAndIsCancelled() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let transfer = TransferClient(app: makeClientApp(sim))
        let name = try await GlobusThread.run { isCancelled throws(GlobusError) in
            try transfer.cancellable(isCancelled).getEndpoint(Fixtures.tutorial1).displayName
        }
        #expect(name == "Globus Tutorial Collection 1")
        await sim.admin("faults", #"{"fault":"latency=5000@/transfer/v0.10/task_list"}"#)
        let started = monotonicSeconds()
        let waiting = Task { () async -> GlobusError? in
            do { _ = try await GlobusThread.run { c throws(GlobusError) in try transfer.cancellable(c).taskList() }; return nil } catch { return error as? GlobusError }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        waiting.cancel()
        let error = await waiting.value
        #expect(error.map { if case .cancelled = $0 { true } else { false } } == true)
        #expect(monotonicSeconds() - started < 2)
    }
}
