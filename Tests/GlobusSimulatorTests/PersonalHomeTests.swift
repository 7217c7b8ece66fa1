import JSON
import Testing
@testable import GlobusSimulator

/// As on Globus's tutorial collections, `/~/` is each identity's own home: it starts with the
/// tutorial files, and what one person makes, renames, deletes or copies there never appears
/// in, or touches, anyone else's.
@Suite struct PersonalHomeTests {
    let sim: Simulator
    let alice: String, bob: String

    init() async throws {
        var config = Simulator.Configuration()
        config.taskDuration = 0
        sim = try Simulator(config)
        alice = try await transferToken(sim, "alice@uchicago.edu")
        bob = try await transferToken(sim, "bob@globusid.org")
    }

    func call(_ method: String, _ path: String, _ bearer: String, _ body: JSON? = nil, query: [(String, String)] = []) async -> (Int, JSON) {
        let r = await sim.handle(
            SimRequest(
                method: method, path: "/transfer/v0.10" + path, query: query,
                headers: ["authorization": "Bearer " + bearer], body: body?.bytes ?? []))
        return (r.status, (try? JSON.parse(r.body)) ?? .null)
    }

    func names(_ collection: String, _ folder: String, _ bearer: String) async -> [String]? {
        let (status, body) = await call("GET", "/operation/endpoint/\(collection)/ls", bearer, query: [("path", folder)])
        return status == 200 ? body["DATA"]?.array?.compactMap { $0["name"]?.string }.sorted() : nil
    }

    func submit(_ bearer: String, _ document: JSON) async throws -> String {
        let (status, body) = await call("POST", "/\(document["DATA_TYPE"]?.string ?? "transfer")", bearer, document)
        #expect(status == 202, "\(body)")
        return try #require(body["task_id"]?.string)
    }

    static func transfer(_ from: String, _ to: String, recursive: Bool = false, within collection: String? = nil) -> JSON {
        [
            "DATA_TYPE": "transfer", "source_endpoint": .string(collection ?? TransferData.tutorial1),
            "destination_endpoint": .string(collection ?? TransferData.tutorial2),
            "DATA": [["DATA_TYPE": "transfer_item", "source_path": .string(from), "destination_path": .string(to), "recursive": .bool(recursive)]]
        ]
    }

    @Test func oneIdentitysChangesNeverReachAnothersHome() async throws {
        let t1 = TransferData.tutorial1, t2 = TransferData.tutorial2
        let seeded = try #require(await names(t1, "/~/", bob))
        #expect(seeded == ["data", "file1.txt", "file2.txt", "file3.txt", "large", "samples"])
        // Alice makes a folder, renames a file, copies one to Collection 2 and deletes another.
        #expect(await call("POST", "/operation/endpoint/\(t1)/mkdir", alice, ["path": "/~/alice-only"]).0 == 202)
        #expect(await call("POST", "/operation/endpoint/\(t1)/rename", alice, ["old_path": "/~/file1.txt", "new_path": "/~/mine.txt"]).0 == 200)
        _ = try await submit(alice, Self.transfer("/~/file2.txt", "/~/from-alice.txt"))
        _ = try await submit(alice, ["DATA_TYPE": "delete", "endpoint": .string(t1), "DATA": [["DATA_TYPE": "delete_item", "path": "/~/file3.txt"]]])
        #expect(await names(t1, "/~/", alice) == ["alice-only", "data", "file2.txt", "large", "mine.txt", "samples"])
        #expect(await names(t2, "/~/", alice) == ["from-alice.txt"])
        // Bob's homes are as they started: none of it is there, nor reachable by path.
        #expect(await names(t1, "/~/", bob) == seeded)
        #expect(await names(t2, "/~/", bob) == [])
        #expect(await names(t1, "/~/alice-only/", bob) == nil)
        // Bob's own changes, with the same names, touch nothing of Alice's.
        #expect(await call("POST", "/operation/endpoint/\(t1)/mkdir", bob, ["path": "/~/alice-only"]).0 == 202)
        #expect(await call("POST", "/operation/endpoint/\(t1)/rename", bob, ["old_path": "/~/mine.txt", "new_path": "/~/x.txt"]).0 == 404)
        _ = try await submit(
            bob,
            [
                "DATA_TYPE": "delete", "endpoint": .string(t1), "DATA": [["DATA_TYPE": "delete_item", "path": "/~/alice-only"]],
                "recursive": true
            ])
        _ = try await submit(bob, Self.transfer("/~/file1.txt", "/~/from-alice.txt"))
        #expect(await names(t1, "/~/", alice) == ["alice-only", "data", "file2.txt", "large", "mine.txt", "samples"])
        #expect(await names(t2, "/~/", alice) == ["from-alice.txt"])
        // Each home is a folder of its own.
        let a = await call("GET", "/operation/endpoint/\(t1)/ls", alice).1["absolute_path"], b = await call("GET", "/operation/endpoint/\(t1)/ls", bob).1["absolute_path"]
        #expect(a != b)
    }

    @Test func aTaskCopiesWithinItsSubmittersOwnFiles() async throws {
        let t1 = TransferData.tutorial1
        // Only Bob has a file by this name: his copy of it succeeds, Alice's fails as Transfer fails a missing path.
        #expect(await call("POST", "/operation/endpoint/\(t1)/rename", bob, ["old_path": "/~/file1.txt", "new_path": "/~/bobs.txt"]).0 == 200)
        let bobs = try await submit(bob, Self.transfer("/~/bobs.txt", "/~/bobs.txt"))
        let alices = try await submit(alice, Self.transfer("/~/bobs.txt", "/~/bobs.txt"))
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(await call("GET", "/task/\(bobs)", bob).1["status"] == "SUCCEEDED")
        let failed = await call("GET", "/task/\(alices)", alice).1
        #expect(failed["status"] == "FAILED" && failed["fatal_error"]?["code"] == "FILE_NOT_FOUND", "\(failed)")
        #expect(await names(TransferData.tutorial2, "/~/", bob) == ["bobs.txt"])
        #expect(await names(TransferData.tutorial2, "/~/", alice) == [])
    }

    @Test func aRecursiveTransferIntoItsOwnSourceIsRefused() async throws {
        let t1 = TransferData.tutorial1
        #expect(await call("POST", "/operation/endpoint/\(t1)/mkdir", alice, ["path": "/~/a"]).0 == 202)
        #expect(await call("POST", "/operation/endpoint/\(t1)/mkdir", alice, ["path": "/~/a/b"]).0 == 202)
        for destination in ["/~/a/b", "/~/a/b/c/", "/~/a", "a/b"] {
            let (status, body) = await call("POST", "/transfer", alice, Self.transfer("/~/a", destination, recursive: true, within: t1))
            #expect(status == 400 && body["code"] == "ClientError.BadRequest", "\(destination): \(body)")
        }
        // Beside it is fine; so is another collection.
        _ = try await submit(alice, Self.transfer("/~/a", "/~/ab", recursive: true, within: t1))
        _ = try await submit(alice, Self.transfer("/~/a", "/~/a/b", recursive: true))
        // Nor can a folder be renamed into itself.
        let (status, body) = await call("POST", "/operation/endpoint/\(t1)/rename", alice, ["old_path": "/~/a", "new_path": "/~/a/b/a"])
        #expect(status == 502 && body["code"] == "ExternalError.RenameFailed", "\(body)")
        #expect(await names(t1, "/~/a/", alice) == ["b"])
    }

    @Test func quotasAndNameLengthsAreAFullDisksAnswers() async throws {
        let t1 = TransferData.tutorial1
        let long = String(repeating: "n", count: SimLimits.nameBytes + 1)
        let (status, body) = await call("POST", "/operation/endpoint/\(t1)/mkdir", alice, ["path": .string("/~/" + long)])
        #expect(status == 502 && body["message"]?.string?.contains("File name too long") == true, "\(body)")
        // Folders up to the quota; the next one is a full disk.
        var made = 0
        while made < SimLimits.entriesPerCollection {
            let (s, b) = await call("POST", "/operation/endpoint/\(t1)/mkdir", alice, ["path": .string("/~/d\(made)")])
            if s != 202 {
                #expect(s == 502 && b["message"]?.string?.contains("552 Disk quota exceeded") == true, "\(b)")
                break
            }
            made += 1
        }
        #expect(made < SimLimits.entriesPerCollection)
        // Bob's quota is his own.
        #expect(await call("POST", "/operation/endpoint/\(t1)/mkdir", bob, ["path": "/~/fine"]).0 == 202)
        // A copy that would go over fails as Transfer fails it; nothing of it is made.
        let id = try await submit(alice, Self.transfer("/~/data", "/~/data-copy", recursive: true, within: t1))
        try await Task.sleep(nanoseconds: 50_000_000)
        let task = await call("GET", "/task/\(id)", alice).1
        #expect(task["status"] == "FAILED" && task["fatal_error"]?["code"] == "QUOTA_EXCEEDED", "\(task)")
        #expect(await names(t1, "/~/data-copy/", alice) == nil)
    }
}
