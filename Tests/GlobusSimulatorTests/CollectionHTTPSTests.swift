import JSON
import Testing
@testable import GlobusSimulator

/// Each collection's HTTPS server, answered in process: ranges, HEAD, uploads, who may read,
/// and faults, as GCS answers them where that is known (`CollectionHTTPS.swift`).
@Suite struct CollectionHTTPSTests {
    let sim: Simulator
    let t1 = TransferData.tutorial1, t2 = TransferData.tutorial2, mapped = TransferData.mappedCollection

    init() throws { sim = try Simulator() }

    func httpsToken(_ collection: String, scope: String? = nil, as who: String = "alice@uchicago.edu") async throws -> String {
        let response = try await login(sim, scope: scope ?? Simulator.httpsScope(collection), identity: who)
        return try #require(token(response, for: collection))
    }

    func call(_ collection: String, _ method: String, _ path: String, _ token: String?, headers: [String: String] = [:], body: [UInt8] = []) async -> SimResponse {
        var h = headers
        if let token { h["authorization"] = "Bearer " + token }
        return await sim.handleHTTPS(collection: collection, SimRequest(method: method, path: path, headers: h, body: body))
    }

    func header(_ r: SimResponse, _ name: String) -> String? { r.headers.last { $0.0.lowercased() == name.lowercased() }?.1 }

    @Test func rangesAnswerExactBytesAndSuffixRangesAre416() async throws {
        let token = try await httpsToken(t1)
        let csv = SampleFiles.csv, n = csv.count
        let whole = await call(t1, "GET", "/~/samples/table.csv", token)
        #expect(whole.status == 200 && whole.body == csv && header(whole, "content-length") == String(n))
        for (range, expected) in [("bytes=0-9", 0..<10), ("bytes=10-", 10..<n), ("bytes=5-5", 5..<6), ("bytes=3-100000", 3..<n)] {
            let r = await call(t1, "GET", "/~/samples/table.csv", token, headers: ["range": range])
            #expect(r.status == 206 && r.body == Array(csv[expected]), "\(range)")
            #expect(header(r, "content-range") == "bytes \(expected.lowerBound)-\(expected.upperBound - 1)/\(n)", "\(range)")
        }
        for range in ["bytes=-5", "bytes=\(n)-", "bytes=9-3", "bytes=0-1,4-5", "bytes=x-"] {
            let r = await call(t1, "GET", "/~/samples/table.csv", token, headers: ["range": range])
            #expect(r.status == 416 && header(r, "content-range") == "bytes */\(n)", "\(range): \(r.status)")
        }
        // Another unit is not a byte range: the whole file.
        #expect(await call(t1, "GET", "/~/samples/table.csv", token, headers: ["range": "items=0-1"]).body == csv)
    }

    @Test func headGivesSizeTypeAndRangesWithoutABody() async throws {
        let token = try await httpsToken(t1)
        for (path, type, size) in [
            ("/~/samples/table.csv", "text/csv", SampleFiles.csv.count), ("/~/samples/gradient.png", "image/png", SampleFiles.png.count),
            ("/~/samples/metadata.json", "application/json", SampleFiles.json.count), ("/~/file1.txt", "text/plain", 4)
        ] {
            let r = await call(t1, "HEAD", path, token)
            #expect(r.status == 200 && r.body.isEmpty && header(r, "accept-ranges") == "bytes", "\(path)")
            #expect(header(r, "content-length") == String(size) && header(r, "content-type") == type, "\(path)")
        }
        let missing = await call(t1, "HEAD", "/~/nope.txt", token)
        #expect(missing.status == 404 && missing.body.isEmpty)
        let get = await call(t1, "GET", "/~/nope.txt", token)
        #expect(get.status == 404 && String(decoding: get.body, as: UTF8.self).contains("GridFTP-Errno: 2"))
        #expect(await call(t1, "GET", "/~/data", token).status == 400)  // a folder
        // The absolute path ls reports names the same file.
        let me = "b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01"
        #expect(await call(t1, "GET", "/home/\(me)/samples/table.csv", token).body == SampleFiles.csv)
        #expect(await call(t1, "GET", "/~/samples/../samples/table.csv", token).status == 400)
        #expect(await call(t1, "GET", "/~/samples/table%2Ecsv", token).body == SampleFiles.csv)
    }

    @Test func theSamplePNGIsValid() {
        let png = SampleFiles.png
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Every chunk's CRC is right (checked with a table-driven CRC-32, another way than the encoder's).
        var table = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 0 ? 0 : 0xEDB8_8320) }
            table[i] = c
        }
        func crc(_ b: ArraySlice<UInt8>) -> UInt32 { ~b.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) } }
        func u32(_ i: Int) -> UInt32 { png[i..<i + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        var i = 8, types: [String] = []
        while i < png.count {
            let length = Int(u32(i))
            types.append(String(decoding: png[i + 4..<i + 8], as: UTF8.self))
            #expect(crc(png[i + 4..<i + 8 + length]) == u32(i + 8 + length), "\(types.last!)")
            i += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"] && i == png.count)
        #expect(u32(16) == 160 && u32(20) == 96)  // 160×96
    }

    @Test func lsShowsTheSamples() async throws {
        let transfer = try await transferToken(sim)
        let (status, listing) = await get(sim, "/transfer/v0.10/operation/endpoint/\(t1)/ls", token: transfer, query: [("path", "/~/samples/")])
        #expect(status == 200)
        let sizes = listing["DATA"]?.array?.map { "\($0["name"]?.string ?? "") \($0["size"]?.int ?? -1)" }
        #expect(sizes == ["table.csv \(SampleFiles.csv.count)", "gradient.png \(SampleFiles.png.count)", "metadata.json \(SampleFiles.json.count)"])
    }

    @Test func onlyTheCollectionsHTTPSTokenIsAccepted() async throws {
        let path = "/~/samples/table.csv"
        // No token: a browser is sent to sign in; a script is told the scope.
        let browser = await call(t1, "GET", path, nil)
        #expect(browser.status == 302 && header(browser, "location")?.hasPrefix(sim.serviceURL("auth") + "v2/oauth2/authorize?") == true)
        #expect(header(browser, "location")?.contains(FormCoding.escape(Simulator.httpsScope(t1))) == true)
        let script = await call(t1, "GET", path, nil, headers: ["x-requested-with": "XMLHttpRequest"])
        let told = try JSON.parse(script.body)
        #expect(script.status == 401 && told["authorization_parameters"]?["required_scopes"] == [.string(Simulator.httpsScope(t1))])
        // Tokens of another service or collection, or without the https scope: never accepted.
        let transfer = try await transferToken(sim)
        let t2Token = try await httpsToken(t2)
        let manage = try await httpsToken(t1, scope: "urn:globus:auth:scope:\(t1):manage_collections")
        for wrong in [transfer, t2Token, manage, "not-a-token"] {
            #expect(await call(t1, "GET", path, wrong, headers: ["x-requested-with": "XMLHttpRequest"]).status == 401)
        }
        #expect(await call(t2, "GET", "/~/", t2Token).status == 400)  // t2's token works at t2 (a folder: 400)
        // Expired: refused too.
        let t1Token = try await httpsToken(t1)
        #expect(await call(t1, "GET", path, t1Token).status == 200)
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/expire-tokens"))
        #expect(await call(t1, "GET", path, t1Token, headers: ["x-requested-with": "XMLHttpRequest"]).status == 401)
    }

    @Test func aMappedCollectionNeedsDataAccessUnderTheHTTPSScope() async throws {
        let https = Simulator.httpsScope(mapped)
        let withDataAccess = "\(https)[*https://auth.globus.org/scopes/\(mapped)/data_access]"
        let bare = try await httpsToken(mapped, as: "carol@anl.gov")
        let refused = await call(mapped, "GET", "/~/notes.txt", bare)
        #expect(refused.status == 403)
        let gare = try JSON.parse(refused.body)
        #expect(gare["code"] == "ConsentRequired" && gare["authorization_parameters"]?["required_scopes"] == [.string(withDataAccess)])
        let consented = try await httpsToken(mapped, scope: withDataAccess, as: "carol@anl.gov")
        let r = await call(mapped, "GET", "/~/notes.txt", consented)
        #expect(r.status == 200 && r.body.count == 210)
    }

    @Test func putThenGetRoundTripsInTheCallersOwnHome() async throws {
        let alice = try await httpsToken(t1), bob = try await httpsToken(t1, as: "bob@globusid.org")
        let bytes = Array("written over HTTPS\n".utf8)
        let put = await call(t1, "PUT", "/~/data/new.txt", alice, body: bytes)
        #expect(put.status == 200)
        #expect(await call(t1, "GET", "/~/data/new.txt", alice).body == bytes)
        #expect(await call(t1, "GET", "/~/data/new.txt", bob).status == 404)
        // Replacing keeps one file; the size Transfer lists is the new one.
        #expect(await call(t1, "PUT", "/~/data/new.txt", alice, body: [1, 2]).status == 200)
        let transfer = try await transferToken(sim)
        let listing = await get(sim, "/transfer/v0.10/operation/endpoint/\(t1)/ls", token: transfer, query: [("path", "/~/data/")]).1
        #expect(listing["DATA"]?.array?.filter { $0["name"] == "new.txt" }.map { $0["size"] } == [2])
        #expect(await call(t1, "PUT", "/~/nowhere/new.txt", alice, body: bytes).status == 404)
        #expect(await call(t1, "PUT", "/~/data", alice, body: bytes).status == 400)
        #expect(await call(t1, "PUT", "/~/big.bin", alice, body: [UInt8](repeating: 0, count: SimLimits.uploadBytes + 1)).status == 413)
        #expect(await call(t1, "DELETE", "/~/data/new.txt", alice).status == 405)
    }

    @Test func aGeneratedFileOfAGigabyteCostsNoMemory() async throws {
        let token = try await httpsToken(t1)
        let made = await sim.handle(
            SimRequest(
                method: "POST", path: "/admin/files",
                body: (["collection": .string(t1), "path": "/~/big.dat", "size": .int(1 << 30)] as JSON).bytes))
        #expect(made.status == 200)
        let head = await call(t1, "HEAD", "/~/big.dat", token)
        #expect(header(head, "content-length") == String(1 << 30))
        let tail = await call(t1, "GET", "/~/big.dat", token, headers: ["range": "bytes=\((1 << 30) - 100)-"])
        #expect(tail.status == 206 && tail.body == GeneratedBytes.bytes((1 << 30) - 100..<(1 << 30)))
        for bad: JSON in [["collection": .string(t1), "path": "/~/nofolder/x", "size": 1], ["collection": .string(t1), "path": "/~/x", "size": -1], [:]] {
            #expect(await sim.handle(SimRequest(method: "POST", path: "/admin/files", body: bad.bytes)).status == 400)
        }
    }

    @Test func faultsActOnOneCollectionsServer() async throws {
        let token = try await httpsToken(t1), t2Token = try await httpsToken(t2)
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/faults", body: (["fault": .string("status=503@/https/\(t1)/x1")] as JSON).bytes))
        #expect(await call(t2, "GET", "/~/", t2Token).status == 400)
        #expect(await call(t1, "GET", "/~/file1.txt", token).status == 503)
        #expect(await call(t1, "GET", "/~/file1.txt", token).status == 200)
        _ = await sim.handle(SimRequest(method: "POST", path: "/admin/faults", body: (["fault": .string("cut=2@/https/\(t1)/x1")] as JSON).bytes))
        #expect(await call(t1, "GET", "/~/file1.txt", token).dropConnection)
        #expect(Fault(spec: "cut=10") == Fault(kind: .cut(10)) && Fault(spec: "throttle=65536") == Fault(kind: .throttle(65536)))
        #expect(Fault(spec: "throttle=0") == nil && Fault(spec: "cut=-1") == nil)
    }
}
