import JSON
import Testing
@testable import GlobusSimulator

/// The numbers a client chooses (a page's `limit` and `offset`, a `marker`, a timer's interval)
/// are read one way: a bad one is answered as the service answers it, an extreme one is never
/// added to anything. Each request here trapped the simulator before (and with it a class).
@Suite struct QueryParameterTests {
    @Test func aNegativeSearchLimitIsAValidationErrorNotATrap() async throws {
        let sim = try Simulator()
        let path = "/search/v1/index/\(Simulator.searchIndex)/search"
        for (name, value) in [
            ("limit", "-1"), ("limit", "ten"), ("offset", "-5"), ("limit", "10001"), ("offset", String(Int.max)),
            ("limit", String(Int.min)), ("limit", "99999999999999999999999")
        ] {
            let (status, body) = await get(sim, path, token: nil, query: [("q", "climate"), (name, value)])
            #expect(status == 400, "\(name)=\(value)")
            #expect(body["code"] == "BadRequest.ValidationError" && body["@datatype"] == "GError" && body["status"] == 400, "\(body)")
            #expect(body["error_data"]?["messages"]?["query"]?[name]?.array?.count == 1, "\(body)")
        }
        // The same in a POST query's body, with a number of the wrong type too.
        for limit: JSON in [-1, "10", 1e300, [1], 1.5] {
            let r = await sim.handle(
                SimRequest(
                    method: "POST", path: path, headers: ["content-type": "application/json"],
                    body: (["q": "climate", "limit": limit] as JSON).bytes))
            let body = try JSON.parse(r.body)
            #expect(r.status == 400 && body["error_data"]?["messages"]?["json"]?["limit"] != nil, "\(limit): \(body)")
        }
        // Within the bounds: a page, and an empty one past the end.
        let (status, page) = await get(sim, path, token: nil, query: [("q", "climate"), ("limit", "1"), ("offset", "1")])
        #expect(status == 200 && page["count"] == 1 && page["offset"] == 1 && page["total"] == 2 && page["has_next_page"] == false)
        #expect(await get(sim, path, token: nil, query: [("q", "*"), ("limit", "0")]).1["count"] == 0)
        #expect(await get(sim, path, token: nil, query: [("q", "*"), ("offset", "10000")]).1["gmeta"] == [])
    }

    @Test func searchShowsEachCallerTheEntriesVisibleToThem() async throws {
        let sim = try Simulator()
        let path = "/search/v1/index/\(Simulator.searchIndex)/search"
        let scope = "urn:globus:auth:scope:search.api.globus.org:search"
        func subjects(_ token: String?) async -> [String] {
            await get(sim, path, token: token, query: [("q", "beamline")]).1["gmeta"]?.array?.compactMap { $0["subject"]?.string } ?? []
        }
        // No token: the public entries only, as Search answers anyone.
        #expect(await subjects(nil) == ["https://example.org/datasets/beamline-7-run-42"])
        // A member of the group the embargoed run is visible to sees it too; someone else does not.
        let carol = try #require(token(try await login(sim, scope: scope, identity: "carol@anl.gov"), for: "search.api.globus.org"))
        let bob = try #require(token(try await login(sim, scope: scope, identity: "bob@globusid.org"), for: "search.api.globus.org"))
        #expect(await subjects(carol).count == 2)
        #expect(await subjects(bob) == ["https://example.org/datasets/beamline-7-run-42"])
        // A token that is not valid is refused, not taken for none.
        #expect(await get(sim, path, token: "not-a-token", query: [("q", "beamline")]).0 == 401)
        // Another index: Search's own answer.
        let other = await get(sim, "/search/v1/index/00000000-0000-4000-a000-000000000000/search", token: nil, query: [("q", "*")])
        #expect(other.0 == 404 && other.1["code"] == "NotFound.NoSuchIndex")
    }

    @Test func transferPagingNeverAddsWhatTheClientChose() async throws {
        var config = Simulator.Configuration()
        config.taskDuration = 0
        let sim = try Simulator(config)
        let alice = try await transferToken(sim)
        let id = try await submitTutorialTransfer(sim, bearer: alice)
        let max = String(Int.max), min = String(Int.min)
        // offset + limit past 1000, however large: Transfer's 400, never an overflow.
        for (path, query) in [
            ("/task_list", [("offset", max)]), ("/task_list", [("offset", "999"), ("limit", max)]),
            ("/endpoint_search", [("filter_fulltext", "tutorial"), ("offset", max)])
        ] {
            let (status, body) = await get(sim, "/transfer/v0.10" + path, token: alice, query: query)
            #expect(status == 400 && body["code"] == "ClientError.BadRequest", "\(path) \(query): \(body)")
        }
        // A negative or non-numeric number: Transfer's answer to a bad parameter.
        for (path, query) in [
            ("/task_list", [("limit", "-1")]), ("/task_list", [("offset", min)]), ("/task_list", [("limit", "1e3")]),
            ("/task/\(id)/event_list", [("offset", "-1")]), ("/task/\(id)/successful_transfers", [("marker", "-7")]),
            ("/task/\(id)/successful_transfers", [("limit", "x")]), ("/endpoint_search", [("limit", ""), ("offset", "abc")])
        ] {
            let (status, body) = await get(sim, "/transfer/v0.10" + path, token: alice, query: query)
            #expect(status == 400 && body["code"] == "ClientError.BadRequest", "\(path) \(query): \(body)")
            #expect(body["message"]?.string?.hasPrefix("Invalid value for '") == true, "\(body)")
        }
        // Far past the end of a list that has no cap: an empty page.
        let events = await get(sim, "/transfer/v0.10/task/\(id)/event_list", token: alice, query: [("offset", max), ("limit", max)])
        #expect(events.0 == 200 && events.1["DATA"] == [] && events.1["limit"] == 1000)
        let copied = await get(sim, "/transfer/v0.10/task/\(id)/successful_transfers", token: alice, query: [("marker", max), ("limit", "1000")])
        #expect(copied.0 == 200 && copied.1["DATA"] == [] && copied.1["next_marker"] == .null, "\(copied.1)")
        let first = await get(sim, "/transfer/v0.10/task/\(id)/successful_transfers", token: alice, query: [("limit", max)])
        #expect(first.1["DATA"]?.array?.count == 1 && first.1["next_marker"] == .null, "\(first.1)")
    }

    @Test func aTimerIntervalOfIntMaxIsRefusedAsTimersRefusesIt() async throws {
        let sim = try Simulator()
        let token = try #require(token(try await login(sim, scope: Simulator.timerScope), for: SimulatedServices.timersID))
        func create(_ schedule: JSON) async throws -> (Int, JSON) {
            let body: JSON = [
                "timer": [
                    "timer_type": "transfer", "name": "t", "schedule": schedule,
                    "body": [
                        "source_endpoint": .string(TransferData.tutorial1), "destination_endpoint": .string(TransferData.tutorial2),
                        "DATA": [["source_path": "/~/file1.txt", "destination_path": "/~/copy.txt"]]
                    ]
                ]
            ]
            let r = await sim.handle(SimRequest(method: "POST", path: "/timer/v2/timer", headers: ["authorization": "Bearer " + token], body: body.bytes))
            return (r.status, try JSON.parse(r.body))
        }
        for schedule: JSON in [
            ["type": "recurring", "interval_seconds": .int(Int.max)], ["type": "recurring", "interval_seconds": 0],
            ["type": "recurring", "interval_seconds": -60], ["type": "recurring", "interval_seconds": "soon"],
            ["type": "recurring", "interval_seconds": 60, "end": ["condition": "iterations", "count": -1]]
        ] {
            let (status, body) = try await create(schedule)
            #expect(status == 422 && body["error"]?["code"] == "BAD_REQUEST", "\(schedule): \(body)")
        }
        // The longest interval taken still gives a date for the next run.
        let (status, body) = try await create(["type": "recurring", "interval_seconds": .int(SimLimits.century)])
        #expect(status == 201 && body["timer"]?["next_run"]?.string != nil, "\(body)")
        #expect(await get(sim, "/timer/jobs/", token: token).0 == 200)
    }

    @Test func theParameterReaderClampsOrRefusesAndNeverOverflows() {
        let limit = IntegerParameter.limit(default: 10, most: 1000)
        func read(_ value: String) -> Int? { try? limit.read(SimRequest(method: "GET", path: "/", query: [("limit", value)])).get() }
        #expect(read("5") == 5 && read("+5") == 5 && read("1000") == 1000 && read("5000") == 1000 && read("") == 10)
        #expect(read("99999999999999999999999999") == 1000)
        #expect(read("0") == nil && read("-1") == nil && read(String(Int.min)) == nil && read("1.0") == nil && read(" 5") == nil && read("-99999999999999999999") == nil)
        #expect(pageFits(offset: Int.max, limit: 1, most: 1000) == false)
        #expect(pageFits(offset: 999, limit: 1, most: 1000) && !pageFits(offset: 1000, limit: 1, most: 1000))
        #expect(pageFits(offset: 0, limit: Int.max, most: 1000) == false)
    }
}
