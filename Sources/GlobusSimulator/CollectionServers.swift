import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Each collection's HTTPS server (`CollectionHTTPS.swift`) on a loopback port of its own,
/// served by the same process with the same TLS material as the services.
///
/// Why a port per collection: on Globus every collection's server has a host name of its own
/// (`https://m-d3a2c3.collection1.tutorials.globus.org`, docs.globus.org "HTTPS Access to
/// Collections"), so each is an origin of its own, and a client must keep each collection's token
/// to that collection's origin. On loopback, distinct host names would need name resolution that
/// not every client has (`*.localhost` is resolved by libcurl but not by Python's resolver) and a
/// certificate naming each; distinct ports on `127.0.0.1` are distinct origins to every client,
/// and the one certificate (for `127.0.0.1`) serves them all. So `https_server` is
/// `https://127.0.0.1:PORT`: an origin with no path and no trailing slash, as Globus's value is.
extension Simulator {
    /// The router of collection `id`'s server: any path, any method, answered by `serveData`. Its
    /// routes hold the simulator unowned: the simulator keeps the responder built from it.
    func dataRouter(_ id: String) -> Router<SimContext> {
        let router = Router(context: SimContext.self)
        for method in Simulator.methods {
            for path: RouterPath in ["/", "/**"] {
                router.on(path, method: method) { [unowned self] request, _ in try await serveData(id, request) }
            }
        }
        return router
    }

    /// Collection `id`'s responder, built on first use and kept: its server and `handleHTTPS`
    /// both answer with it.
    func dataResponder(_ id: String) -> RouterResponder<SimContext> {
        dataResponders.withLockedValue { built in
            if let responder = built[id] { return responder }
            let made = dataRouter(id).buildResponder()
            built[id] = made
            return made
        }
    }

    /// The server of collection `id`.
    func dataApplication(_ id: String, started: @escaping @Sendable () -> Void) throws -> any ApplicationProtocol {
        Application(
            responder: dataResponder(id), server: try serverBuilder(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? 0
                self.dataPorts.withLockedValue { $0[id] = port }
                started()
            }, logger: .init(label: "globus-sim-https", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Answers one request to collection `id`'s server: faults and authorization first, then a
    /// PUT's body, read only that far and at most `SimLimits.uploadBytes` of it (413 past that),
    /// then the answer, whose file content is streamed in 64 KB chunks.
    func serveData(_ id: String, _ request: Request) async throws -> Response {
        var headers: [String: String] = [:]
        for f in request.headers { headers[f.name.canonicalName] = f.value }
        let query = request.uri.query.map { FormCoding.decode(String($0)) } ?? []
        var r = SimRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers)
        // Recorded without the body: an upload's bytes are not kept twice.
        record(SimRequest(method: r.method, path: Simulator.dataFaultRoute(id, r.path), query: query, headers: headers))
        guard let c = withState({ $0.transfer.collection(id) }) else { return try Simulator.response(dataError(404, "Not Found", r)) }
        switch await dataPreflight(c, r) {
        case .failure(let refused):
            return try Simulator.response(refused.answer)
        case .success(let target):
            if r.method == "PUT" {
                guard let body = try await Simulator.uploadBody(request) else { return try Simulator.response(tooLarge(r)) }
                r.body = body
            }
            return try Simulator.response(dataAnswer(c, r, target))
        }
    }

    /// A PUT's body, or nil when it is (or says it is) larger than `SimLimits.uploadBytes`.
    static func uploadBody(_ request: Request) async throws -> [UInt8]? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > SimLimits.uploadBytes { return nil }
        var body: [UInt8] = []
        for try await chunk in request.body {
            guard body.count + chunk.readableBytes <= SimLimits.uploadBytes else { return nil }
            body += chunk.readableBytesView
        }
        return body
    }

    /// The bytes in `range` (at most `GeneratedBytes.blockSize`) of a file's content. Generated
    /// content is a slice of one of the shared blocks, one per phase of the repeated line: no
    /// bytes are made or copied per chunk, so a long download allocates nothing as it goes.
    static func chunk(_ content: SimContent, _ range: Range<Int>) -> ByteBuffer {
        guard case .generated = content else { return ByteBuffer(bytes: content.bytes(range)) }
        return generatedBlocks[range.lowerBound % GeneratedBytes.line.count].getSlice(at: 0, length: range.count)!
    }

    /// `GeneratedBytes.blockSize` bytes of generated content from each offset within its line.
    static let generatedBlocks: [ByteBuffer] = (0..<GeneratedBytes.line.count).map {
        ByteBuffer(bytes: GeneratedBytes.bytes($0..<$0 + GeneratedBytes.blockSize))
    }

    /// A data answer as Hummingbird's: a file's content streamed (cut off or slowed by faults).
    static func response(_ a: DataAnswer) throws -> Response {
        if a.drop { return Response(status: .ok, body: ResponseBody { _ in throw DroppedConnection() }) }
        var h = HTTPFields()
        for (k, v) in a.headers { if let name = HTTPField.Name(k) { h[name] = v } }
        switch a.body {
        case .bytes(let b):
            return Response(status: .init(code: a.status), headers: h, body: .init(byteBuffer: ByteBuffer(bytes: b)))
        case .content(let content, let range):
            let (cut, throttle) = (a.cutAfter, a.throttle)
            return Response(
                status: .init(code: a.status), headers: h,
                body: ResponseBody(contentLength: range.count) { writer in
                    var offset = range.lowerBound
                    while offset < range.upperBound {
                        let n = min(GeneratedBytes.blockSize, range.upperBound - offset)
                        let sent = offset - range.lowerBound
                        if let cut, sent + n > cut {
                            if cut > sent { try await writer.write(Simulator.chunk(content, offset..<offset + cut - sent)) }
                            throw DroppedConnection()
                        }
                        try await writer.write(Simulator.chunk(content, offset..<offset + n))
                        offset += n
                        if let throttle { try await Task.sleep(nanoseconds: UInt64(n) * 1_000_000_000 / UInt64(throttle)) }
                    }
                    try await writer.finish(nil)
                })
        }
    }
}
