import JSON
import Testing
@testable import GlobusSDK

/// The request documents' builders: what they make, and the input they refuse before anything is sent.
@Suite struct RequestBuilderTests {
    let src = Fixtures.tutorial1, dst = Fixtures.tutorial2

    @Test func transferDataIsTheDocumentTransferTakes() throws {
        var data = TransferData(source: src, destination: dst, label: "Copy", syncLevel: .mtime)
        data.addItem(source: "/~/a", destination: "/~/b", recursive: true)
        data.items.append(TransferData.Item(source: "/~/f", destination: "/~/g", externalChecksum: "abc", checksumAlgorithm: "MD5"))
        data.addFilterRule("*.tmp", type: .file)
        data.verifyChecksum = true
        data.deadline = "2026-12-31T23:59:00Z"
        data.additionalFields["notify_on_failed"] = false
        let doc = try data.validated()
        #expect(doc["DATA_TYPE"] == "transfer" && doc["source_endpoint"]?.string == src && doc["destination_endpoint"]?.string == dst)
        #expect(doc["sync_level"] == 2 && doc["verify_checksum"] == true && doc["label"] == "Copy" && doc["notify_on_failed"] == false)
        #expect(doc["DATA"]?.array?[0] == ["DATA_TYPE": "transfer_item", "source_path": "/~/a", "destination_path": "/~/b", "recursive": true])
        #expect(doc["DATA"]?.array?[1]["external_checksum"] == "abc")
        #expect(doc["filter_rules"] == [["DATA_TYPE": "filter_rule", "method": "exclude", "name": "*.tmp", "type": "file"]])
        #expect(doc["submission_id"] == nil && doc["preserve_timestamp"] == nil)
    }

    @Test(arguments: [
        ("source", "the source must be a collection id"),
        ("destination", "the destination must be a collection id"),
        ("empty", "nothing to transfer"),
        ("path", "item 1's source path is empty"),
        ("control", "item 1's destination path holds a control character"),
        ("checksum", "an external checksum goes with a file only"),
        ("label", "at most 128 characters"),
        ("labelControl", "cannot hold a control character"),
        ("deadline", "the deadline must be an ISO 8601 date"),
        ("rule", "a filter rule needs a name pattern")
    ])
    func transferDataRefusesWhatTransferWouldNot(_ fault: String, _ message: String) {
        var data = TransferData(source: src, destination: dst)
        data.addItem(source: "/~/a", destination: "/~/b")
        switch fault {
        case "source": data.source = "Globus Tutorial Collection 1"
        case "destination": data.destination = "../../admin"
        case "empty": data.items = []
        case "path": data.items[0].source = ""
        case "control": data.items[0].destination = "/~/b\n"
        case "checksum": data.items[0] = TransferData.Item(source: "/~/d/", destination: "/~/e/", recursive: true, externalChecksum: "x")
        case "label": data.label = String(repeating: "x", count: 129)
        case "labelControl": data.label = "a\u{1b}[31m"
        case "deadline": data.deadline = "tomorrow"
        default: data.addFilterRule("")
        }
        let got = globusError { () throws(GlobusError) in try data.validated() }?.usageMessage ?? "accepted"
        #expect(got.contains(message), "\(fault): \(got)")
    }

    @Test func deleteDataIsTheDocumentTransferTakesAndRefusesBadInput() throws {
        var data = DeleteData(collection: src, recursive: true, label: "Old")
        data.addItem("/~/old/")
        data.ignoreMissing = true
        let doc = try data.validated()
        #expect(
            doc == [
                "DATA_TYPE": "delete", "endpoint": .string(src), "recursive": true, "DATA": [["DATA_TYPE": "delete_item", "path": "/~/old/"]],
                "label": "Old", "ignore_missing": true
            ])
        #expect(globusError { () throws(GlobusError) in try DeleteData(collection: src).validated() }?.usageMessage?.contains("nothing to delete") == true)
        var bad = DeleteData(collection: "x")
        bad.addItem("/~/a")
        #expect(globusError { () throws(GlobusError) in try bad.validated() }?.usageMessage?.contains("collection id") == true)
        bad.collection = src
        bad.addItem("")
        #expect(globusError { () throws(GlobusError) in try bad.validated() }?.usageMessage?.contains("path 2 is empty") == true)
    }

    @Test func theKernelsTaskDocumentIsTheSameDocument() {
        var transfer = TaskDocument(kind: .transfer, source: src, destination: dst)
        transfer.items = [TaskDocument.Item(source: "/~/a", destination: "/~/b", recursive: true), TaskDocument.Item(source: "/~/same")]
        transfer.label = "L"
        transfer.syncLevel = .size
        transfer.submissionID = "s"
        #expect(
            transfer.json.serialized
                == #"{"DATA_TYPE":"transfer","submission_id":"s","source_endpoint":"\#(src)","destination_endpoint":"\#(dst)","verify_checksum":false,"sync_level":1,"DATA":[{"DATA_TYPE":"transfer_item","source_path":"/~/a","destination_path":"/~/b","recursive":true},{"DATA_TYPE":"transfer_item","source_path":"/~/same","destination_path":"/~/same","recursive":false}],"label":"L"}"#
        )
        var delete = TaskDocument(kind: .delete, source: src)
        delete.items = [TaskDocument.Item(source: "/~/x", recursive: true)]
        #expect(delete.json.serialized == #"{"DATA_TYPE":"delete","endpoint":"\#(src)","recursive":true,"DATA":[{"DATA_TYPE":"delete_item","path":"/~/x"}]}"#)
    }

    @Test func timerSchedulesAsTheTimersAPITakesThem() throws {
        #expect(try TimerSchedule.once().validated() == ["type": "once"])
        #expect(try TimerSchedule.once(at: "2026-12-31T23:00:00+01:00").validated() == ["type": "once", "datetime": "2026-12-31T23:00:00+01:00"])
        #expect(
            try TimerSchedule.recurring(intervalSeconds: 600, start: "2026-12-01T00:00:00Z", end: .iterations(3)).validated()
                == ["type": "recurring", "interval_seconds": 600, "start": "2026-12-01T00:00:00Z", "end": ["condition": "iterations", "count": 3]])
        #expect(try TimerSchedule.recurring(intervalSeconds: 60, end: .time("2027-01-01")).validated()["end"] == ["condition": "time", "datetime": "2027-01-01"])
        for bad: TimerSchedule in [
            .once(at: "noon"), .recurring(intervalSeconds: 0), .recurring(intervalSeconds: 60, start: "2026-13"),
            .recurring(intervalSeconds: 60, end: .iterations(0)), .recurring(intervalSeconds: 60, end: .time("later"))
        ] {
            #expect(globusError { () throws(GlobusError) in try bad.validated() }?.usageMessage?.hasPrefix("TimerSchedule") == true, "\(bad)")
        }
    }

    @Test func aTransferTimerChecksItsTransferAndDropsTheSubmissionID() throws {
        var data = TransferData(source: src, destination: dst)
        #expect(globusError { () throws(GlobusError) in try TransferTimer(schedule: .once(), body: data).validated() }?.usageMessage?.contains("nothing") == true)
        data.addItem(source: "/~/a", destination: "/~/b")
        data.submissionID = "s"
        data.additionalFields["skip_activation_check"] = true
        let doc = try TransferTimer(name: "T", schedule: .once(), body: data).validated()
        #expect(doc["timer_type"] == "transfer" && doc["name"] == "T" && doc["schedule"] == ["type": "once"])
        #expect(doc["body"]?["submission_id"] == nil && doc["body"]?["skip_activation_check"] == nil && doc["body"]?["DATA_TYPE"] == "transfer")
    }

    @Test func aSearchQueryIsChecked() throws {
        var q = SearchQuery("ocean", limit: 5)
        q.additionalFields["filters"] = [["type": "match_any", "field_name": "keywords", "values": ["climate"]]]
        #expect(try q.validated()["filters"]?.array?.count == 1)
        for bad in [SearchQuery(""), SearchQuery("x", offset: -1), SearchQuery("x", limit: 0), SearchQuery("x", offset: 9_999, limit: 2)] {
            #expect(globusError { () throws(GlobusError) in try bad.validated() }?.usageMessage?.hasPrefix("SearchQuery") == true)
        }
    }

    @Test(arguments: ["2026-01-02", "2026-01-02T03:04", "2026-01-02T03:04:05Z", "2026-01-02 03:04:05.123+00:00", "2026-01-02T03:04:05-0700"])
    func isoDatesAreTaken(_ text: String) { #expect(ISODate.isDateTime(text)) }

    @Test(arguments: ["", "2026", "2026-1-02", "2026-01-02T", "2026-01-02T03", "2026-01-02T03:04:05.Z", "2026-01-02T03:04Zx", "x2026-01-02"])
    func otherTextIsNotADate(_ text: String) { #expect(!ISODate.isDateTime(text)) }
}
