import Support
import JSON
import SimulatorSupport
import Synchronization
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// The token file is shared with the Python SDK, which rewrites it in place without a lock and
/// keeps what it does not know: the kernel must read through a rewrite, keep what Python keeps,
/// and never call a file corrupt for one entry it cannot use.
@Suite(.serialized) struct TokenFileSharingTests {
    let entry = TokenData(
        resourceServer: "transfer.api.globus.org", identityID: "i1", scope: "urn:globus:auth:scope:transfer.api.globus.org:all",
        accessToken: "AT", refreshToken: "RT", expiresAtSeconds: 1_900_000_000, tokenType: "Bearer")

    @Test func unknownKeysAndUntouchedEntriesAreKeptAsPythonKeepsThem() throws {
        let path = scratchDirectory() + "/tokens.json"
        _ = writeAll(
            path,
            #"""
            {"data": {"DEFAULT": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "identity_id": "i1", "scope": "s", "access_token": "G", "expires_at_seconds": 1900000000, "future_field": {"x": 1}}}, "other-ns": {"a": {"b": 1}}}, "format_version": "2.0", "globus-sdk.version": "4.11.0", "written_by": "a newer sdk"}
            """#)
        let s = try JSONTokenStorage(path: path)
        try s.store([entry])
        let doc = try JSON.parse(readFile(path)!)
        #expect(doc["written_by"] == "a newer sdk")
        #expect(doc["data"]?["other-ns"]?["a"]?["b"] == 1)
        #expect(doc["data"]?["DEFAULT"]?["groups.api.globus.org"]?["future_field"]?["x"] == 1)
        #expect(doc["data"]?["DEFAULT"]?["transfer.api.globus.org"]?["access_token"] == "AT")
        #expect(doc["globus-sdk.version"] == "4.10.0")
    }

    @Test func anEntryThatCannotBeUsedDoesNotMakeTheFileCorrupt() throws {
        let path = scratchDirectory() + "/tokens.json"
        // Integral floats are the same instant; 1.5 is refused by the Python SDK too.
        _ = writeAll(
            path,
            #"""
            {"data": {"DEFAULT": {"auth.globus.org": {"resource_server": "auth.globus.org", "scope": "openid", "access_token": "A", "expires_at_seconds": 1.9e9}, "groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "s", "access_token": "G", "expires_at_seconds": 1.5}, "search.api.globus.org": {"resource_server": "search.api.globus.org", "scope": "s", "access_token": "S", "expires_at_seconds": -9223372036854775808}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}
            """#)
        let s = try JSONTokenStorage(path: path)
        let all = try s.all()
        #expect(all["auth.globus.org"]?.expiresAtSeconds == 1_900_000_000)
        #expect(all["groups.api.globus.org"] == nil)
        #expect(all["search.api.globus.org"] == nil)
        try s.store([entry])
        let doc = try JSON.parse(readFile(path)!)
        #expect(doc["data"]?["DEFAULT"]?["groups.api.globus.org"]?["expires_at_seconds"] == 1.5)
        #expect(try listDir(parent(of: path)).allSatisfy { !$0.contains("corrupt") })
    }

    @Test func aFileBeingRewrittenIsReadAgainNotMovedAside() throws {
        let path = scratchDirectory() + "/tokens.json"
        let s = try JSONTokenStorage(path: path)
        try s.store([entry])
        let full = readFile(path)!
        // What a reader sees in the middle of the Python SDK's in-place rewrite: briefly, or for
        // longer than the same bytes make a file look settled, when the writer is not scheduled on
        // a busy machine (CI once moved a file aside so).
        for (partial, stall) in [([UInt8](), 100_000), (Array(full.prefix(full.count / 2)), 100_000), (Array(full.prefix(full.count / 3)), 500_000)] {
            _ = writeAll(path, String(decoding: partial, as: UTF8.self))
            let writer = Thread {
                usleep(UInt32(stall)); _ = writeAll(path, String(decoding: full, as: UTF8.self))
            }
            let all = try s.all()
            writer.join()
            #expect(all["transfer.api.globus.org"]?.accessToken == "AT")
        }
        #expect(try listDir(parent(of: path)).allSatisfy { !$0.contains("corrupt") })
    }

    @Test func aFileThatStaysUnreadableIsMovedAsideAfterItSettles() throws {
        let path = scratchDirectory() + "/tokens.json"
        _ = writeAll(path, "{\"data\": ")
        let written = monotonicSeconds()
        let s = try JSONTokenStorage(path: path)
        do { _ = try s.all(); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("moved aside"))
        }
        let waited = monotonicSeconds() - written
        // Written just now: the reader waits until nothing has written it for a while (the
        // file's times have a clock tick's grain).
        #expect(waited >= JSONTokenStorage.quietTime - 0.05 && waited < JSONTokenStorage.settleTime + 1, "\(waited)")
    }
}

/// A plain thread for tests that must block (never the cooperative pool).
final class Thread: @unchecked Sendable {
    private let thread: PosixThread
    init(_ body: @escaping () -> Void) { thread = PosixThread.start(detached: false, body)! }
    func join() { thread.join() }
}
