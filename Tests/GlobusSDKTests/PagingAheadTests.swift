import JSON
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// Paging by marker: each page is parsed while the next is fetched, and the result is the same
/// as fetching and parsing one after the other.
@Suite struct PagingAheadTests {
    /// An app with a Transfer token, talking to a scripted Transfer.
    func app(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws -> (GlobusApp, TokenOriginTests.ScriptedTransport) {
        let storage = MemoryTokenStorage()
        try storage.store([
            TokenData(
                resourceServer: "transfer.api.globus.org", identityID: "me", scope: Scopes.transferAll, accessToken: "T",
                refreshToken: nil, expiresAtSeconds: Int(time(nil)) + 3600, tokenType: "Bearer")
        ])
        let transport = TokenOriginTests.ScriptedTransport(answer)
        let app = GlobusApp.user(
            "Paging", clientID: "c", settings: try Settings(variables: [:]), storage: storage,
            transport: transport)
        app.addScopeRequirements("transfer.api.globus.org", [Scope(Scopes.transferAll)])
        return (app, transport)
    }

    static func marker(of r: HTTPRequest) -> Int {
        Int(r.url.split(separator: "marker=").last.map(String.init) ?? "") ?? 0
    }

    let listing = ServiceRequest(service: .transfer, method: "GET", path: "/task/abc/successful_transfers")
    let byMarker = PagingScheme.marker(answerKey: "next_marker", endsWithNull: true)

    @Test func fiftyPagesMergeInOrderAndEachRequestCarriesThePreviousMarker() throws {
        let (app, transport) = try app { r in
            let m = Self.marker(of: r)
            let items = (m..<m + 20).map { #"{"DATA_TYPE": "successful_transfer", "source_path": "/f\#($0)"}"# }.joined(separator: ", ")
            let next = m + 20 < 1000 ? "\"\(m + 20)\"" : "null"
            return HTTPResponse(status: 200, headers: [], body: Array(#"{"DATA_TYPE": "successful_transfers", "DATA": [\#(items)], "next_marker": \#(next)}"#.utf8))
        }
        var seen: [(Int, Int)] = []
        let doc = try app.paginate(listing, scheme: byMarker, progress: { seen.append(($0, $1)) })
        let paths = doc["DATA"]?.array?.compactMap { $0["source_path"]?.string } ?? []
        #expect(paths == (0..<1000).map { "/f\($0)" })
        #expect(doc["paged"] == ["pages": 50, "items": 1000] && doc["next_marker"] == nil)
        #expect(transport.sent.withLock { $0.map(Self.marker) } == Array(stride(from: 0, to: 1000, by: 20)))
        #expect(seen.map(\.0) == Array(1...50) && seen.allSatisfy { $0.1 <= 20 * $0.0 })
    }

    @Test func aServiceThatRepeatsAMarkerEndsThePaging() throws {
        let (app, transport) = try app { _ in
            HTTPResponse(status: 200, headers: [], body: Array(#"{"DATA": [{"n": 1}], "next_marker": "again"}"#.utf8))
        }
        let doc = try app.paginate(listing, scheme: byMarker)
        #expect(transport.sent.withLock { $0.count } == 2)
        #expect(doc["paged"]?["items"] == 2 && doc["paged"]?["pages"] == 2)
        #expect(doc["paged"]?["stopped"] == "a page that repeated an earlier marker" && doc["paged"]?["may_have_more"] == false)
    }

    @Test func aPageThatIsNotJSONIsAnAPIErrorWithItsBody() throws {
        let (app, _) = try app { r in
            Self.marker(of: r) == 0
                ? HTTPResponse(status: 200, headers: [], body: Array(#"{"DATA": [], "next_marker": "1"}"#.utf8))
                : HTTPResponse(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html>maintenance</html>".utf8))
        }
        do { _ = try app.paginate(listing, scheme: byMarker); Issue.record("a page of HTML was accepted") } catch {
            guard case .api(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.httpStatus == 200 && e.text.contains("maintenance"))
        }
    }
}
