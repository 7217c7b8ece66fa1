import JSON
import Testing
@testable import GlobusSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// The admin API (faults, the clock, every token issued) changes the simulator for everyone:
/// open on a simulator of one's own, the operator's key or nothing in a class.
@Suite struct AdminAccessTests {
    /// The status of a request for every token issued, and the refusal's code if refused.
    static func admin(_ sim: Simulator, bearer: String?) async -> Int {
        await answer(sim, bearer: bearer).0
    }

    static func answer(_ sim: Simulator, bearer: String?) async -> (Int, JSON?) {
        let r = await sim.handle(SimRequest(method: "GET", path: "/admin/issued-tokens", headers: bearer.map { ["authorization": "Bearer " + $0] } ?? [:]))
        return (r.status, (try? JSON.parse(r.body))?["code"])
    }

    @Test func theAdminAPIIsOpenKeyedOrOff() async throws {
        #expect(await Self.admin(try Simulator(), bearer: nil) == 200)
        var config = Simulator.Configuration()
        let key = "operator-key-0123456789abcdef"
        config.admin = .key(key)
        let keyed = try Simulator(config)
        #expect(await Self.answer(keyed, bearer: nil) == (401, "AdminKeyRequired"))
        #expect(await Self.admin(keyed, bearer: "operator-key-0123456789abcdeX") == 401)
        #expect(await Self.admin(keyed, bearer: String(key.dropLast())) == 401)
        #expect(await Self.admin(keyed, bearer: key) == 200)
        let faults = await keyed.handle(SimRequest(method: "POST", path: "/admin/faults", body: Array(#"{"fault": "status=503"}"#.utf8)))
        #expect(faults.status == 401)
        config.admin = .off
        let off = try Simulator(config)
        #expect(await Self.answer(off, bearer: key) == (403, "AdminOff"))
        #expect(await off.handle(SimRequest(method: "POST", path: "/admin/faults", body: Array(#"{"fault": "status=503"}"#.utf8))).status == 403)
        // Nothing was broken for anyone.
        #expect(await get(off, "/search/v1/index/\(Simulator.searchIndex)/search", token: nil, query: [("q", "climate")]).0 == 200)
    }

    @Test func theKeyFileMustBeTheOperatorsAlone() throws {
        var t = Array("/tmp/gk-admin-XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&t)!)
        defer {
            for name in ["good", "readonly", "shared", "group", "short", "link"] { unlink(dir + "/" + name) }
            rmdir(dir)
        }
        func file(_ name: String, _ text: String, mode: mode_t) -> String {
            let path = dir + "/" + name
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            chmod(path, mode)
            return path
        }
        #expect(try AdminAccess.readKey(file: file("good", "k3y-of-the-operator-0123\n", mode: 0o600)) == "k3y-of-the-operator-0123")
        #expect(try AdminAccess.readKey(file: file("readonly", "k3y-of-the-operator-0123", mode: 0o400)) == "k3y-of-the-operator-0123")
        #expect(throws: AdminKeyError.self) { try AdminAccess.readKey(file: file("shared", "k3y-of-the-operator-0123", mode: 0o644)) }
        #expect(throws: AdminKeyError.self) { try AdminAccess.readKey(file: file("group", "k3y-of-the-operator-0123", mode: 0o640)) }
        #expect(throws: AdminKeyError.self) { try AdminAccess.readKey(file: file("short", "short", mode: 0o600)) }
        #expect(throws: AdminKeyError.self) { try AdminAccess.readKey(file: dir + "/missing") }
        symlink(dir + "/good", dir + "/link")
        #expect(throws: AdminKeyError.self) { try AdminAccess.readKey(file: dir + "/link") }
        // The reason never shows the key.
        do { _ = try AdminAccess.readKey(file: dir + "/shared") } catch { #expect(!error.description.contains("k3y")) }
    }
}
