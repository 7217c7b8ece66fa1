import SimulatorSupport
import JSON
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct TokenStorageTests {
    @Test func writesThePythonSDKFileByteForByte() throws {
        let dir = scratchDirectory()
        let s = try JSONTokenStorage(path: dir + "/app/tokens.json")
        try s.store([
            TokenData(
                resourceServer: "auth.globus.org", identityID: "8ca28797-3541-4a5d-a264-05b00f91e608", scope: "openid profile email",
                accessToken: "AUTH_AT", refreshToken: "AUTH_RT", expiresAtSeconds: 1796083916, tokenType: "Bearer"),
            TokenData(
                resourceServer: "transfer.api.globus.org", identityID: "8ca28797-3541-4a5d-a264-05b00f91e608",
                scope: "urn:globus:auth:scope:transfer.api.globus.org:all", accessToken: "XFER_AT", refreshToken: "XFER_RT",
                expiresAtSeconds: 1796083916, tokenType: "Bearer")
        ])
        let bytes = String(decoding: readFile(dir + "/app/tokens.json")!, as: UTF8.self)
        #expect(
            bytes
                == #"{"data": {"DEFAULT": {"auth.globus.org": {"resource_server": "auth.globus.org", "identity_id": "8ca28797-3541-4a5d-a264-05b00f91e608", "scope": "openid profile email", "access_token": "AUTH_AT", "refresh_token": "AUTH_RT", "expires_at_seconds": 1796083916, "token_type": "Bearer"}, "transfer.api.globus.org": {"resource_server": "transfer.api.globus.org", "identity_id": "8ca28797-3541-4a5d-a264-05b00f91e608", "scope": "urn:globus:auth:scope:transfer.api.globus.org:all", "access_token": "XFER_AT", "refresh_token": "XFER_RT", "expires_at_seconds": 1796083916, "token_type": "Bearer"}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#
        )
        var st = stat()
        stat(dir + "/app/tokens.json", &st)
        #expect(st.st_mode & 0o777 == 0o600)
        stat(dir + "/app", &st)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(try s.remove("auth.globus.org"))
        #expect(try !s.remove("auth.globus.org"))
        #expect(try s.all().keys.sorted() == ["transfer.api.globus.org"])
    }

    @Test func aWarmReadIsOneStatAndEveryLaterWriteIsSeen() throws {
        let dir = scratchDirectory()
        let path = dir + "/tokens.json"
        func file(_ token: String) -> String {
            #"{"data": {"DEFAULT": {"transfer.api.globus.org": {"resource_server": "transfer.api.globus.org", "identity_id": "i", "scope": "s", "access_token": "\#(token)", "refresh_token": null, "expires_at_seconds": 1796083916, "token_type": "Bearer"}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#
        }
        let s = try JSONTokenStorage(path: path)
        // Rewritten in place (as the Python SDK does), same size, many times within one tick of
        // the file clock: each read still sees the newest bytes.
        for i in 1000..<1300 {
            _ = writeAll(path, file("T\(i)"))
            #expect(try s.all()["transfer.api.globus.org"]?.accessToken == "T\(i)")
        }
        // Quiet for a while: reads after that are answered from the last parse...
        sleep(1); usleep(200_000)
        _ = try s.all()
        let reads = s.fileReads.withLock { $0 }
        for _ in 0..<20 { #expect(try s.all()["transfer.api.globus.org"]?.accessToken == "T1299") }
        #expect(s.fileReads.withLock { $0 } == reads)
        // ...until anything writes: in place, or by another storage (a new file renamed over it).
        _ = writeAll(path, file("U1000"))
        #expect(try s.all()["transfer.api.globus.org"]?.accessToken == "U1000")
        try JSONTokenStorage(path: path).store([
            TokenData(
                resourceServer: "transfer.api.globus.org", identityID: "i", scope: "s", accessToken: "V1000",
                refreshToken: nil, expiresAtSeconds: 1796083916, tokenType: "Bearer")
        ])
        #expect(try s.all()["transfer.api.globus.org"]?.accessToken == "V1000")
        unlink(path)
        #expect(try s.all().isEmpty)
    }

    /// Older kernels stamp files from a clock a few milliseconds coarse (6.13 and later refine a
    /// stamp once it has been looked at, so the loop above cannot show it here): a read is
    /// trusted for later calls only when the file's last change was a second or more before it.
    @Test func aReadSoonAfterAChangeIsNotKept() throws {
        let dir = scratchDirectory()
        _ = writeAll(dir + "/f", "{}")
        var stamp = try #require(FileStamp(try FileAccess.anywhere.directory(of: dir + "/f", what: "f", create: false)))
        stamp.modified = timespec(tv_sec: 1000, tv_nsec: 0)
        stamp.changed = timespec(tv_sec: 1000, tv_nsec: 500_000_000)
        #expect(!CachedRead(stamp: stamp, readAt: 1000.9, entries: [:]).settled)
        #expect(!CachedRead(stamp: stamp, readAt: 1001.4, entries: [:]).settled)
        #expect(CachedRead(stamp: stamp, readAt: 1001.6, entries: [:]).settled)
    }

    @Test func readsFormat1AndOmitsNulls() throws {
        let dir = scratchDirectory()
        let path = dir + "/tokens.json"
        _ = writeAll(
            path,
            #"{"by_rs": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "s", "access_token": "A", "expires_at_seconds": 5, "extra_key": 1}}, "format_version": "1.0", "globus-sdk.version": "3.0"}"#
        )
        let s = try JSONTokenStorage(path: path)
        let t = try #require(try s.get("groups.api.globus.org"))
        #expect(t.refreshToken == nil && t.identityID == nil && t.extra["extra_key"] == 1)
        #expect(t.json.serialized == #"{"resource_server":"groups.api.globus.org","scope":"s","access_token":"A","expires_at_seconds":5}"#)
        try s.store([t])
        #expect(String(decoding: readFile(path)!, as: UTF8.self).contains(#""format_version": "2.0""#))
    }

    @Test func corruptFileIsMovedAsideNotOverwritten() throws {
        let dir = scratchDirectory()
        let path = dir + "/tokens.json"
        _ = writeAll(path, "{not json")
        let s = try JSONTokenStorage(path: path)
        do { _ = try s.all(); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("moved aside"))
        }
        let aside = try #require(listDir(dir).first { $0.hasPrefix("tokens.json.corrupt-") })
        #expect(String(decoding: readFile(dir + "/" + aside)!, as: UTF8.self) == "{not json")
        #expect(try s.all().isEmpty)
    }

    /// A store made only to be read (the person's real token file, watched for its secrets while
    /// demo mode runs) leaves the folder as it found it: no lock file, no folder, and a file that
    /// cannot be parsed stays where it is.
    @Test func aStoreOnlyReadLeavesNoTrace() throws {
        let dir = scratchDirectory()
        let path = dir + "/tokens.json"
        _ = writeAll(
            path,
            #"{"data": {"DEFAULT": {"transfer.api.globus.org": {"resource_server": "transfer.api.globus.org", "scope": "s", "access_token": "A", "expires_at_seconds": 5}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#
        )
        let s = try JSONTokenStorage(path: path, create: false)
        #expect(try s.all().keys.sorted() == ["transfer.api.globus.org"])
        #expect(listDir(dir) == ["tokens.json"])

        let missing = try JSONTokenStorage(path: dir + "/no/such/tokens.json", create: false)
        #expect(try missing.all().isEmpty)
        #expect(listDir(dir) == ["tokens.json"])

        let corrupt = dir + "/c"
        #expect(mkdir(corrupt, 0o700) == 0)
        _ = writeAll(corrupt + "/tokens.json", "{not json")
        do { _ = try JSONTokenStorage(path: corrupt + "/tokens.json", create: false).all(); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("left untouched"))
        }
        #expect(listDir(corrupt) == ["tokens.json"])
    }
    @Test func sqliteRoundTripWithThePythonSchema() throws {
        let dir = scratchDirectory()
        let s = try SQLiteTokenStorage(path: dir + "/a/tokens.db")
        let t = TokenData(
            resourceServer: "transfer.api.globus.org", identityID: "i", scope: "s", accessToken: "AT", refreshToken: nil,
            expiresAtSeconds: 10, tokenType: "Bearer")
        try s.store([t])
        #expect(try s.get("transfer.api.globus.org") == t)
        let again = try SQLiteTokenStorage(path: dir + "/a/tokens.db")
        #expect(try again.all().count == 1)
        #expect(try again.remove("transfer.api.globus.org"))
        #expect(try again.all().isEmpty)
        var st = stat()
        stat(dir + "/a/tokens.db", &st)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(throws: GlobusError.self) { try SQLiteTokenStorage(path: ":memory:") }
    }

    @Test func validation() {
        #expect(throws: GlobusError.self) { try TokenData(json: ["resource_server": "x", "scope": "s", "access_token": "a", "expires_at_seconds": 1.5]) }
        #expect(throws: GlobusError.self) { try TokenData(json: ["resource_server": "x", "scope": "s", "access_token": "a", "expires_at_seconds": 1, "refresh_token": 3]) }
    }

    @Test func defaultPathAndSlug() throws {
        #expect(try JSONTokenStorage.slug("My Cool App.v2") == "my-cool-app-v2")
        #expect(try JSONTokenStorage.slug("a?b") == "a+b")
        #expect(try JSONTokenStorage.slug("A. B") == "a--b")
        #expect(try JSONTokenStorage.slug("Globus Kernel") == "globus-kernel")
        #expect(throws: GlobusError.self) { try JSONTokenStorage.slug("\u{1}") }
        #expect(throws: GlobusError.self) { try JSONTokenStorage.slug("CON") }
        #expect(
            try JSONTokenStorage.defaultPath(clientID: "cid", appName: "x", environment: "preview", fileExtension: "db", home: "/home/u")
                == "/home/u/.globus/app/cid/x/preview-tokens.db")
    }
}
