import JSON
import Testing
@testable import GlobusSimulator

/// Transfer shows a task only to the identity that submitted it: anyone else asking about its id
/// is answered as for an id no task has (404 `ClientError.NotFound`, "No task found with id").
@Suite struct TaskVisibilityTests {
    static func call(_ sim: Simulator, _ method: String, _ path: String, _ bearer: String, query: [(String, String)] = []) async -> (Int, JSON) {
        let r = await sim.handle(SimRequest(method: method, path: "/transfer/v0.10" + path, query: query, headers: ["authorization": "Bearer " + bearer]))
        return (r.status, (try? JSON.parse(r.body)) ?? .null)
    }

    @Test func anotherPersonsTaskIsAnsweredAsOneThatDoesNotExist() async throws {
        var config = Simulator.Configuration()
        config.taskDuration = 60
        let sim = try Simulator(config)
        let alice = try await transferToken(sim, "alice@uchicago.edu"), bob = try await transferToken(sim, "bob@globusid.org")
        let id = try await submitTutorialTransfer(sim, bearer: alice)
        let unknown = "00000000-0000-4000-a000-000000000000"
        for (method, path) in [("GET", "/task/ID"), ("GET", "/task/ID/event_list"), ("GET", "/task/ID/successful_transfers"), ("POST", "/task/ID/cancel")] {
            for taskID in [id, unknown] {
                let (status, body) = await Self.call(sim, method, path.replacingOccurrences("ID", taskID), bob)
                #expect(status == 404, "\(method) \(path)")
                #expect(body["code"] == "ClientError.NotFound" && body["message"] == .string("No task found with id '\(taskID)'"), "\(body)")
            }
        }
        let bobsList = await Self.call(sim, "GET", "/task_list", bob)
        #expect(bobsList.1["total"] == 0 && bobsList.1["DATA"] == [])
        // Bob's cancel did nothing: the task is still Alice's, and active.
        #expect(await Self.call(sim, "GET", "/task/\(id)", alice).1["status"] == "ACTIVE")
        #expect(await Self.call(sim, "GET", "/task_list", alice).1["total"] == 1)
        // Its events, for Alice: started; then cancelled by her, newest first.
        let started = await Self.call(sim, "GET", "/task/\(id)/event_list", alice)
        #expect(started.0 == 200 && started.1["DATA_TYPE"] == "event_list" && started.1["total"] == 1)
        let first = try #require(started.1["DATA"]?.array?.first)
        #expect(first["code"] == "STARTED" && first["is_error"] == false && first["DATA_TYPE"] == "event")
        #expect(await Self.call(sim, "POST", "/task/\(id)/cancel", alice).1["code"] == "Canceled")
        let events = await Self.call(sim, "GET", "/task/\(id)/event_list", alice)
        #expect(events.1["DATA"]?.array?.compactMap { $0["code"]?.string } == ["CANCELED", "STARTED"])
        let errors = await Self.call(sim, "GET", "/task/\(id)/event_list", alice, query: [("filter", "is_error:1")])
        #expect(errors.1["DATA"]?.array?.compactMap { $0["code"]?.string } == ["CANCELED"] && errors.1["total"] == 1)
    }
}
