import GlobusSimulator
import JSON
import SimulatorSupport
import Synchronization
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// ``CollectionHTTPSClient`` against the simulator's per-collection HTTPS servers: what a
/// notebook's `open`/`get`/`put` will do, byte for byte, with logins, faults and cancels.
@Suite struct CollectionHTTPSClientTests {
    /// A configuration serving over TLS with a CA of its own (as production: certificates checked).
    static func tlsConfig() throws -> Simulator.Configuration {
        var config = Simulator.Configuration()
        config.tls = try TLSMaterial.make()
        config.caPath = try config.tls!.writeCA(to: scratchDirectory() + "/ca.pem")
        return config
    }

    /// The HTTPS client of a collection, found through Transfer, logging in as needed.
    static func client(_ s: SignedIn, _ collection: String = Fixtures.tutorial1) throws -> CollectionHTTPSClient {
        try CollectionHTTPSClient.forCollection(collection, transfer: s.transfer, options: s.options)
    }

    @Test func eachCollectionHasAnOriginOfItsOwnInItsDocument() async throws {
        try await withSimulator { s in
            let servers = try [Fixtures.tutorial1, Fixtures.tutorial2, Fixtures.mapped].map { try s.transfer.getEndpoint($0).data.json["https_server"]?.string ?? "" }
            #expect(Set(servers).count == 3, "\(servers)")
            for server in servers {
                #expect(Origin(server) != nil && server.hasPrefix("http://127.0.0.1:") && !server.hasSuffix("/"), "\(server)")
            }
        }
    }

    @Test func headAndRangeReadsGiveExactBytes() async throws {
        try await withSimulator(try Self.tlsConfig()) { s in
            let https = try Self.client(s)
            let csv = "/~/samples/table.csv"
            let info = try https.head(csv)
            let whole = try https.get(csv)
            #expect(info.size == Int64(whole.count) && info.contentType == "text/csv" && info.acceptsRanges)
            #expect(String(decoding: whole, as: UTF8.self).hasPrefix("sample,temperature_c"))
            #expect(try https.get(csv, range: FileRange(first: 6)) == Array(whole[0..<6]))
            #expect(try https.get(csv, range: FileRange(start: 10, end: 19)) == Array(whole[10...19]))
            #expect(try https.get(csv, range: FileRange(start: 40)) == Array(whole[40...]))
            // Past the end: 416, the server's answer as it gave it.
            let past = globusError { () throws(GlobusError) in try https.get(csv, range: FileRange(start: Int64(whole.count) + 5)) }
            #expect(past?.httpStatus == 416, "\(String(describing: past))")
            // The PNG is a PNG.
            let png = try https.get("/~/samples/gradient.png", range: FileRange(first: 8))
            #expect(png == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            #expect(try https.head("/~/samples/gradient.png").contentType == "image/png")
            let missing = globusError { () throws(GlobusError) in try https.head("/~/samples/nothing.csv") }
            #expect(missing?.httpStatus == 404)
            // exists: the same HEAD, with a 404 as false.
            #expect(try https.exists("/~/samples/gradient.png") && !(try https.exists("/~/samples/nothing.csv")))
        }
    }

    @Test func anUploadedFileDownloadsTheSame() async throws {
        try await withSimulator(try Self.tlsConfig()) { s in
            let https = try Self.client(s)
            let dir = scratchDirectory()
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            #expect(writeFile(dir + "/up.bin", bytes))
            let last = Shared<TransferProgress?>(nil)
            #expect(try https.upload(dir + "/up.bin", to: "/~/uploaded.bin", progress: { p in last.set(p) }) == 300_000)
            #expect(last.get() == TransferProgress(bytes: 300_000, total: 300_000))
            #expect(try https.download("/~/uploaded.bin", to: dir + "/down.bin") == 300_000)
            #expect(try readFile(dir + "/down.bin") == bytes)
            // Transfer sees it too: the same file tree.
            let listed = try s.transfer.operationLs(Fixtures.tutorial1, path: "/~/").entries.first { $0.name == "uploaded.bin" }
            #expect(listed?.json["size"]?.int == 300_000)
        }
    }

    @Test func anUploadOverTheLimitIsRefusedWith413() async throws {
        try await withSimulator { s in
            let https = try Self.client(s)
            let path = scratchDirectory() + "/big.bin"
            #expect(writeFile(path, [UInt8](repeating: 7, count: SimLimits.uploadBytes + 1)))
            let error = globusError { () throws(GlobusError) in try https.upload(path, to: "/~/big.bin") }
            #expect(error?.httpStatus == 413, "\(String(describing: error))")
            #expect(globusError { () throws(GlobusError) in try https.head("/~/big.bin") }?.httpStatus == 404)
        }
    }

    /// How much the process's peak resident memory may grow during a 1 GB download: 20 MB
    /// when this test runs alone (`GK_MEMORY_TEST_ALONE=1 swift test --skip-build --filter
    /// aLargeDownloadStreamsToDiskWithBoundedMemory`; it grows 3–5 MB), 256 MB among the other
    /// tests, whose own peaks (up to about 110 MB) share the process. A body held whole would
    /// add 1 GB either way.
    static var memoryBound: Int { getenv("GK_MEMORY_TEST_ALONE") != nil ? 20 << 20 : 256 << 20 }

    @Test func aLargeDownloadStreamsToDiskWithBoundedMemory() async throws {
        // 1 GB, generated as it is read; the content is checked at spots through the file. Under
        // a sanitizer, 128 MB and no bound: the address sanitizer keeps freed memory (up to
        // 256 MB) in quarantine, so resident memory says nothing of what is held.
        let sanitized = dlsym(nil, "__tsan_init") != nil || dlsym(nil, "__asan_init") != nil
        let size = sanitized ? 128 << 20 : 1 << 30
        try await withSimulator { s in
            let https = try Self.client(s)
            s.sim.adminBlocking("files", #"{"collection": "\#(Fixtures.tutorial1)", "path": "/~/big.dat", "size": \#(size)}"#)
            #expect(try https.head("/~/big.dat").size == Int64(size))
            let path = scratchDirectory() + "/big.dat"
            let reports = Shared(0)
            // The peak, not the end: a body held whole and freed at the end would be gone by then.
            let before = residentBytes()
            resetPeakResidentBytes()
            #expect(try https.download("/~/big.dat", to: path, progress: { _ in reports.update { $0 += 1 } }) == Int64(size))
            let growth = peakResidentBytes() - before
            #expect(sanitized || growth < Self.memoryBound, "resident memory grew by \(growth >> 20) MB at its peak")
            #expect(reports.get() > 100)
            let fd = open(path, O_RDONLY)
            defer { close(fd); unlink(path) }
            for offset in [0, 12_345, size / 2 + 7, size - 64] {
                var chunk = [UInt8](repeating: 0, count: 64)
                #expect(pread(fd, &chunk, 64, off_t(offset)) == 64)
                #expect(chunk == GeneratedBytes.bytes(offset..<offset + 64), "at \(offset)")
            }
        }
    }

    @Test func aCancelledDownloadLeavesNoFile() async throws {
        try await withSimulator { s in
            let https = try Self.client(s)
            s.sim.adminBlocking("files", #"{"collection": "\#(Fixtures.tutorial1)", "path": "/~/big.dat", "size": \#(256 << 20)}"#)
            let dir = scratchDirectory()
            let stop = Shared(false)
            let error = globusError { () throws(GlobusError) in
                try https.download(
                    "/~/big.dat", to: dir + "/big.dat", progress: { p in if p.bytes > 4 << 20 { stop.set(true) } },
                    isCancelled: { stop.get() })
            }
            #expect(error.map { if case .cancelled = $0 { true } else { false } } == true, "\(String(describing: error))")
            #expect(try listDirectory(dir).isEmpty)
        }
    }

    @Test func aDownloadCutOffIsRetriedFromTheStartOrFailsWithNoFile() async throws {
        try await withSimulator { s in
            var https = try Self.client(s)
            https.retry.maxSleep = 0
            let route = "/https/\(Fixtures.tutorial1)/"
            s.sim.adminBlocking("files", #"{"collection": "\#(Fixtures.tutorial1)", "path": "/~/mid.dat", "size": 1000000}"#)
            _ = try https.head("/~/mid.dat")  // logs in first
            let dir = scratchDirectory()
            // Once: the retry starts the file over, and it is whole.
            s.sim.adminBlocking("faults", #"{"fault": "cut=300000@\#(route)x1"}"#)
            #expect(try https.download("/~/mid.dat", to: dir + "/mid.dat") == 1_000_000)
            #expect(try readFile(dir + "/mid.dat") == GeneratedBytes.bytes(0..<1_000_000))
            unlink(dir + "/mid.dat")
            // Every time: a clear error, and nothing left behind.
            s.sim.adminBlocking("faults", #"{"fault": "cut=300000@\#(route)"}"#)
            let error = globusError { () throws(GlobusError) in try https.download("/~/mid.dat", to: dir + "/mid.dat") }
            s.sim.adminBlocking("faults-clear")
            guard case .network(let n)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(n.method == "GET" && n.url.hasSuffix("/~/mid.dat"), "\(n)")
            #expect(try listDirectory(dir).isEmpty)
        }
    }

    @Test func aServerErrorIsRetriedAsThePolicySays() async throws {
        try await withSimulator { s in
            var https = try Self.client(s)
            https.retry.maxSleep = 0
            _ = try https.head("/~/samples/table.csv")
            s.sim.adminBlocking("faults", #"{"fault": "status=503@/https/\#(Fixtures.tutorial1)/x2"}"#)
            #expect(try https.get("/~/samples/table.csv", range: FileRange(first: 6)) == Array("sample".utf8))
            https.retry = .none
            s.sim.adminBlocking("faults", #"{"fault": "status=503@/https/\#(Fixtures.tutorial1)/x1"}"#)
            #expect(globusError { () throws(GlobusError) in try https.head("/~/samples/table.csv") }?.httpStatus == 503)
        }
    }

    @Test func anExpiredTokenIsRefreshed() async throws {
        try await withSimulator { s in
            let https = try Self.client(s)
            _ = try https.head("/~/samples/table.csv")
            s.sim.adminBlocking("expire-tokens")
            #expect(try https.head("/~/samples/table.csv").size != nil)
        }
    }

    @Test func aMappedCollectionWithoutDataAccessNamesTheScopeThenWorksOnceConsented() async throws {
        try await withSimulator { s in
            let server = try s.transfer.getEndpoint(Fixtures.mapped).data.json["https_server"]?.string ?? ""
            // The https scope alone (as a client that does not know the collection is mapped asks).
            let https = CollectionHTTPSClient(collectionID: Fixtures.mapped, httpsServer: server, app: s.app, dataAccess: false)
            try s.app.login(flow: s.flow)
            let error = globusError { () throws(GlobusError) in try https.head("/~/notes.txt") }
            guard case .loginRequired(let need)? = error else { Issue.record("\(String(describing: error))"); return }
            let wanted = "https://auth.globus.org/scopes/\(Fixtures.mapped)/https[*https://auth.globus.org/scopes/\(Fixtures.mapped)/data_access]"
            #expect(need.resourceServer == Fixtures.mapped && need.authorizationParameters?.requiredScopes == [wanted], "\(need)")
            try s.app.login(flow: s.flow, parameters: need.authorizationParameters)
            #expect(try https.head("/~/notes.txt").size == 210)
            // Found through Transfer, the client asks for data_access from the start.
            #expect(try Self.client(s, Fixtures.mapped).requiredScope.description == wanted)
        }
    }

    @Test func anotherCollectionsTokenIsRefused() async throws {
        try await withSimulator { s in
            let t1 = try Self.client(s, Fixtures.tutorial1)
            let t2 = try Self.client(s, Fixtures.tutorial2)
            _ = try t1.head("/~/samples/table.csv")
            #expect(globusError { () throws(GlobusError) in try t2.head("/~/samples/table.csv") }?.httpStatus == 404)  // logged in there; no such file
            // Tutorial 2's token at tutorial 1's server: refused, and said as a login that is needed.
            let misdirected = CollectionHTTPSClient(collectionID: Fixtures.tutorial2, httpsServer: t1.connection.baseURL ?? "", app: s.app, dataAccess: false)
            let error = globusError { () throws(GlobusError) in try misdirected.head("/~/samples/table.csv") }
            guard case .loginRequired(let need)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(need.resourceServer == Fixtures.tutorial2)
        }
    }

    /// A collection's document that names a plain-HTTP server elsewhere gets no token: only
    /// HTTPS, or this computer (a simulator) over HTTP.
    @Test func aServerNamedWithoutHTTPSGetsNoToken() throws {
        for (server, refused) in [
            ("http://g-6c54ca.example.org", true), ("HTTP://data.example.org:8080", true), ("ftp://x.example.org", true),
            ("https://g-6c54ca.example.org", false), ("http://127.0.0.1:8443", false), ("http://localhost:1", false)
        ] {
            let (app, transport) = try scriptedApp { r in
                r.url.contains("/endpoint/")
                    ? jsonAnswer(#"{"DATA_TYPE": "endpoint", "id": "\#(Fixtures.tutorial1)", "entity_type": "GCSv5_guest_collection", "https_server": "\#(server)"}"#)
                    : HTTPResponse(status: 200, headers: [], body: [7])
            }
            let found = Result { () throws(GlobusError) in try CollectionHTTPSClient.forCollection(Fixtures.tutorial1, transfer: TransferClient(app: app)) }
            switch found {
            case .success(let https):
                #expect(!refused, "\(server) was accepted")
                #expect(https.connection.baseURL == server)
            case .failure(let error):
                #expect(refused, "\(server): \(error)")
                if server.hasPrefix("http") { #expect(error.usageMessage?.contains("not an https:// address") == true, "\(error)") }
            }
            #expect(transport.sent.withLock { $0.allSatisfy { $0.url.hasPrefix("https://transfer.api.globus.org/") } }, "nothing but the document was asked for")
        }
    }

    static let scriptedServer = "https://g-6c54ca.example.org"

    /// A client of tutorial 1's server at `scriptedServer`, with a token for its https scope,
    /// whose requests `transport` answers.
    static func scripted(_ transport: TokenOriginTests.ScriptedTransport) -> CollectionHTTPSClient {
        let id = Fixtures.tutorial1
        let storage = MemoryTokenStorage()
        storage.store([
            TokenData(
                resourceServer: id, identityID: "me", scope: "https://auth.globus.org/scopes/\(id)/https", accessToken: "T-https",
                refreshToken: nil, expiresAtSeconds: Int(time(nil)) + 3600, tokenType: "Bearer")
        ])
        let app = GlobusApp.user(
            "Scripted", clientID: "c", settings: try! Settings(variables: [:]), storage: storage,
            transport: transport)
        return CollectionHTTPSClient(collectionID: id, httpsServer: scriptedServer, app: app, dataAccess: false)
    }

    static func scripted(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) -> CollectionHTTPSClient {
        scripted(TokenOriginTests.ScriptedTransport(answer))
    }

    /// Offsets and sizes at the ends of Int64, from a caller or a server, are answered, never trapped on.
    @Test func rangesAndSizesAtTheEndsOfInt64() throws {
        #expect(FileRange(start: -5, end: .max).count == .max && FileRange(start: 0, end: .max).count == .max)
        #expect(FileRange(start: 10, end: 5).count == 0 && FileRange(start: .min, end: .max).count == .max && FileRange(first: 3).count == 3)
        #expect(RemoteFile(path: "/x", headers: [("content-length", "-5")]).size == nil)
        #expect(RemoteFile(path: "/x", headers: [("content-length", "9223372036854775808")]).size == nil)
        // A server that ignores Range answers the whole file: the part asked for is cut from it.
        let https = Self.scripted { _ in HTTPResponse(status: 200, headers: [], body: [1, 2, 3, 4]) }
        #expect(try https.get("/x", range: FileRange(start: 1, end: .max)) == [2, 3, 4])
        #expect(try https.get("/x", range: FileRange(start: .max, end: .max)) == [])
        #expect(try https.get("/x", range: FileRange(start: 2, end: 2)) == [3])
    }

    @Test func theTokenGoesOnlyToTheServersOrigin() throws {
        let server = Self.scriptedServer
        let transport = TokenOriginTests.ScriptedTransport { r in
            r.url.hasSuffix("/moved")
                ? HTTPResponse(status: 302, headers: [("location", "https://elsewhere.example/x")], body: [])
                : HTTPResponse(status: 200, headers: [], body: [1, 2, 3])
        }
        let https = Self.scripted(transport)
        // A full URL as a path is a path on this server.
        #expect(try https.get("https://elsewhere.example/steal") == [1, 2, 3])
        let dir = scratchDirectory()
        #expect(try https.download("/~/a b/ü.txt", to: dir + "/x") == 3)
        #expect(try readFile(dir + "/x") == [1, 2, 3])
        // A redirect is not followed, and says where it led.
        let moved = globusError { () throws(GlobusError) in try https.head("/moved") }
        guard case .network(let n)? = moved, n.kind == .redirectRefused else { Issue.record("\(String(describing: moved))"); return }
        #expect(globusError { () throws(GlobusError) in try https.get("/~/../secret") }?.usageMessage?.contains("'..'") == true)
        let sent = transport.sent.withLock { $0 }
        #expect(sent.map(\.url) == [server + "/https%3A//elsewhere.example/steal", server + "/~/a%20b/%C3%BC.txt", server + "/moved"])
        for r in sent {
            #expect(r.headers.filter { $0.0.lowercased() == "authorization" }.map(\.1) == ["Bearer T-https"])
            #expect(r.headers.contains { $0 == ("X-Requested-With", "XMLHttpRequest") })
        }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw GlobusError.usage("cannot read \(path)") }
    defer { close(fd) }
    var out: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { return out }
        out += chunk[..<n]
    }
}

func listDirectory(_ path: String) throws -> [String] {
    guard let d = opendir(path) else { throw GlobusError.usage("cannot list \(path)") }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// The process's resident memory, from /proc/self/statm (its second field, in pages).
func residentBytes() -> Int {
    let fields = String(decoding: (try? readFile("/proc/self/statm")) ?? [], as: UTF8.self).split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// The process's peak resident memory since `resetPeakResidentBytes` (VmHWM in /proc/self/status).
func peakResidentBytes() -> Int {
    let status = String(decoding: (try? readFile("/proc/self/status")) ?? [], as: UTF8.self)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}

/// Makes the peak resident memory the current one (Linux: `5` to /proc/self/clear_refs).
func resetPeakResidentBytes() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}

/// A value shared between a test and the callbacks it gives the SDK.
final class Shared<T: Sendable>: Sendable {
    private let value: Mutex<T>
    init(_ v: T) { value = Mutex(v) }
    func get() -> T { value.withLock { $0 } }
    func set(_ v: T) { value.withLock { $0 = v } }
    func update(_ change: (inout T) -> Void) { value.withLock { change(&$0) } }
}
