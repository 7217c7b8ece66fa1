import JSON
import SimulatorSupport
import Testing
@testable import GlobusSDK

/// `TransferClient` against the in-process simulator: each method's typed fields and its `data`.
@Suite(.serialized) struct TransferClientTests {
    @Test func theClientAsksTheAppForTransfersScope() throws {
        let (app, _) = try scriptedApp { _ in jsonAnswer("{}") }
        _ = TransferClient(app: app)
        #expect(TransferClient.scopes.all.name == Scopes.transferAll)
        #expect(app.scopeRequirements.first { $0.0 == "transfer.api.globus.org" }?.1 == [TransferClient.scopes.all])
        let custom = TransferClient(app: app, scopes: [Scopes.transferDataAccess([Fixtures.mapped])])
        #expect(custom.resourceServer == "transfer.api.globus.org")
        #expect(app.scopeRequirements.first { $0.0 == "transfer.api.globus.org" }?.1.first?.dependencies.count == 1)
    }

    @Test func collectionsAndFiles() async throws {
        try await withSimulator { s in
            let transfer = s.transfer
            let endpoint = try transfer.getEndpoint(Fixtures.tutorial1)
            #expect(endpoint.httpStatus == 200)
            #expect(endpoint.displayName == "Globus Tutorial Collection 1" && endpoint.id == Fixtures.tutorial1)
            #expect(endpoint.data["display_name"] == "Globus Tutorial Collection 1" && endpoint.header("Content-Type")?.contains("json") == true)
            #expect(endpoint.gcsManagerURL?.hasSuffix(Fixtures.tutorial1) == true && !endpoint.isMappedCollection)

            let found = try transfer.endpointSearch("tutorial", limit: 5)
            #expect(found.items.compactMap(\.id).sorted() == [Fixtures.tutorial1, Fixtures.tutorial2].sorted())
            #expect(found.data["DATA_TYPE"] == "endpoint_list")

            let listing = try transfer.operationLs(Fixtures.tutorial1, path: "/~/")
            #expect(listing.entries.compactMap(\.name).contains("file1.txt") && listing.path == "/~/")
            #expect(listing.entries.first { $0.name == "data" }?.type == "dir" && listing.data["DATA_TYPE"] == "file_list")

            let made = try transfer.operationMkdir(Fixtures.tutorial2, path: "/~/made-by-swift")
            #expect(made.code == "DirectoryCreated" && made.httpStatus == 202 && made.data["DATA_TYPE"] == "mkdir_result")
            let renamed = try transfer.operationRename(Fixtures.tutorial2, oldPath: "/~/made-by-swift", newPath: "/~/renamed")
            #expect(renamed.code == "FileRenamed")
            #expect(try transfer.operationLs(Fixtures.tutorial2).entries.compactMap(\.name) == ["renamed"])

            // A service error is the typed error, as before.
            let missing = globusError { () throws(GlobusError) in try transfer.operationLs(Fixtures.tutorial1, path: "/~/nowhere/") }
            #expect(missing?.httpStatus == 404)
        }
    }

    @Test func submittingWatchingAndCancellingTasks() async throws {
        try await withSimulator { s in
            let transfer = s.transfer
            let id = try transfer.getSubmissionID()
            #expect(id.value.map(PathSegment.isUUID) == true && id.data["DATA_TYPE"] == "submission_id")

            var data = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2, label: "From Swift", syncLevel: .checksum)
            data.addItem(source: "/~/data/", destination: "/~/copy/", recursive: true)
            let submitted = try transfer.submitTransfer(data)
            #expect(submitted.code == "Accepted" && submitted.httpStatus == 202)
            let taskID = try #require(submitted.taskID)

            let task = try transfer.getTask(taskID)
            #expect(task.taskID == taskID && task.type == "TRANSFER" && task.label == "From Swift")
            #expect(task.data["source_endpoint_id"]?.string == Fixtures.tutorial1 && task.progress?.id == taskID)
            #expect(try transfer.taskWait(taskID, timeout: 10, pollingInterval: 0.2))
            #expect(try transfer.getTask(taskID).status == "SUCCEEDED")

            let files = try transfer.taskSuccessfulTransfers(taskID)
            #expect(files.items.count == 2 && files.items.allSatisfy { $0.sourcePath?.hasPrefix("/~/data/") == true })
            #expect(files.data["DATA_TYPE"] == "successful_transfers")

            let events = try transfer.taskEventList(taskID)
            #expect(events.items.first?.code == "SUCCEEDED" && events.data["total"]?.int == events.items.count)

            var delete = DeleteData(collection: Fixtures.tutorial2, recursive: true, label: "Clean up")
            delete.addItem("/~/copy/")
            let deleting = try transfer.submitDelete(delete)
            let deleteID = try #require(deleting.taskID)
            #expect(try transfer.getTask(deleteID).type == "DELETE")

            // A task held by a pause rule stays active until it is cancelled, however slow the machine.
            var slow = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2)
            slow.addItem(source: "/~/file1.txt", destination: "/~/file1.txt")
            s.sim.adminBlocking("faults", #"{"fault": "taskpause"}"#)
            let slowID = try #require(try transfer.submitTransfer(slow).taskID)
            s.sim.adminBlocking("faults-clear")
            let cancelled = try transfer.cancelTask(slowID)
            #expect(cancelled.code == "Canceled" && cancelled.data["DATA_TYPE"] == "result")

            let list = try transfer.taskList(limit: 2)
            #expect(list.items.count == 2 && list.items.first?.taskID == slowID && list.data["total"] == 3)
        }
    }

    @Test func taskWaitTimesOutAndCancels() async throws {
        try await withSimulator { s in
            var data = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2)
            data.addItem(source: "/~/file1.txt", destination: "/~/f.txt")
            let transfer = s.transfer
            let id = try #require(try transfer.submitTransfer(data).taskID)
            let flag = CancelFlag()
            flag.set()
            let interrupted = globusError { () throws(GlobusError) in try transfer.cancellable { flag.isSet }.taskWait(id, timeout: 30, pollingInterval: 5) }
            #expect(interrupted.map { if case .cancelled = $0 { true } else { false } } == true)
            #expect(try transfer.taskWait(id, timeout: 0.1, pollingInterval: 0.1) == false)
            #expect(globusError { () throws(GlobusError) in try transfer.taskWait(id, timeout: 0) }?.usageMessage?.contains("timeout") == true)
        }
    }

    @Test func aSubmissionIsCheckedBeforeAnythingIsSent() async throws {
        let (app, transport) = try scriptedApp { _ in jsonAnswer(#"{"value": "x"}"#) }
        let transfer = TransferClient(app: app)
        let empty = TransferData(source: Fixtures.tutorial1, destination: Fixtures.tutorial2)
        #expect(globusError { () throws(GlobusError) in try transfer.submitTransfer(empty) }?.usageMessage?.contains("nothing to transfer") == true)
        #expect(globusError { () throws(GlobusError) in try transfer.submitDelete(DeleteData(collection: "../admin")) }?.usageMessage != nil)
        #expect(transport.sent.withLock { $0.isEmpty })
    }

    @Test func idsAreOnePathSegment() throws {
        let (app, transport) = try scriptedApp { _ in jsonAnswer("{}") }
        let transfer = TransferClient(app: app)
        _ = try transfer.getTask("../../admin/state")
        _ = try transfer.operationLs("a/b", path: "/~/")
        _ = try transfer.taskSuccessfulTransfers("x?y")
        let urls = transport.sent.withLock { $0.map(\.url) }
        #expect(
            urls == [
                "https://transfer.api.globus.org/v0.10/task/%2E%2E%2F%2E%2E%2Fadmin%2Fstate",
                "https://transfer.api.globus.org/v0.10/operation/endpoint/a%2Fb/ls?path=%2F~%2F",
                "https://transfer.api.globus.org/v0.10/task/x%3Fy/successful_transfers"
            ])
    }

    /// Operations the simulator does not serve, against a scripted Transfer.
    @Test func statSkippedErrorsAndTheEndpointManagersTasks() throws {
        let (app, transport) = try scriptedApp { r in
            if r.url.contains("/stat") { return jsonAnswer(#"{"DATA_TYPE": "file", "name": "a.txt", "type": "file", "size": 3}"#) }
            if r.url.contains("skipped_errors") {
                return jsonAnswer(#"{"DATA_TYPE": "skipped_errors", "DATA": [{"source_path": "/~/x", "error_code": "PERMISSION_DENIED"}], "next_marker": null}"#)
            }
            return jsonAnswer(#"{"DATA_TYPE": "task_list", "DATA": [{"task_id": "t1", "status": "ACTIVE"}], "has_next_page": false, "last_key": "k"}"#)
        }
        let transfer = TransferClient(app: app)
        let stat = try transfer.operationStat(Fixtures.tutorial1, path: "/~/a.txt")
        #expect(stat.name == "a.txt" && stat.size == 3 && stat.data["DATA_TYPE"] == "file")
        let skipped = try transfer.taskSkippedErrors("t1")
        #expect(skipped.items.first?.errorCode == "PERMISSION_DENIED" && skipped.items.first?.sourcePath == "/~/x")
        let managed = try transfer.endpointManagerTaskList(filterStatus: "ACTIVE", lastKey: "k0")
        #expect(managed.items.first?.taskID == "t1" && managed.data["last_key"] == "k")
        let urls = transport.sent.withLock { $0.map(\.url) }
        #expect(urls.last == "https://transfer.api.globus.org/v0.10/endpoint_manager/task_list?filter_status=ACTIVE&last_key=k0")
    }

    @Test func aMappedCollectionsConsentIsAskedThroughTheClient() async throws {
        try await withSimulator { s in
            let transfer = s.transfer
            try transfer.addAppDataAccessScope([Fixtures.mapped])
            let listing = try transfer.operationLs(Fixtures.mapped, path: "/~/")
            #expect(listing.entries.compactMap(\.name).contains("notes.txt"))
            let tokenOnly = TransferClient(authorizer: AccessTokenAuthorizer("t"))
            #expect(globusError { () throws(GlobusError) in try tokenOnly.addAppDataAccessScope([Fixtures.mapped]) }?.usageMessage != nil)
        }
    }

    @Test func aClientMadeFromATokenCallsWithIt() async throws {
        try await withSimulator { s in
            _ = try s.transfer.taskList(limit: 1)
            let token = try #require(try s.app.storage.get("transfer.api.globus.org")).accessToken
            let transfer = TransferClient(authorizer: AccessTokenAuthorizer(token), environment: s.sim.settings.environment)
            #expect(try transfer.getEndpoint(Fixtures.tutorial2).displayName == "Globus Tutorial Collection 2")
            let wrong = TransferClient(authorizer: AccessTokenAuthorizer("not-a-token"), environment: s.sim.settings.environment)
            #expect(globusError { () throws(GlobusError) in try wrong.getEndpoint(Fixtures.tutorial2) }?.httpStatus == 401)
        }
    }
}
