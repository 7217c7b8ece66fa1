import JSON
import Testing
@testable import GlobusSDK

/// A service that never says a listing is done: fresh markers forever, empty pages that offer
/// more, `has_next_page` forever. Paging stops at a cap, says so, and holds bounded memory.
@Suite struct HostilePagingTests {
    let setup = PagingAheadTests()
    let flows = ServiceRequest(service: .transfer, method: "GET", path: "/task/abc/successful_transfers")

    /// A page of `n` items of about `itemBytes` bytes each, with a marker never seen before.
    static func endlessPage(_ r: HTTPRequest, items n: Int, itemBytes: Int = 20, hasNext: Bool = true) -> HTTPResponse {
        let m = PagingAheadTests.marker(of: r)
        let filler = String(repeating: "x", count: itemBytes)
        let items = (0..<n).map { #"{"n": \#(m + $0), "pad": "\#(filler)"}"# }.joined(separator: ", ")
        return HTTPResponse(
            status: 200, headers: [], body: Array(#"{"DATA": [\#(items)], "next_marker": "\#(m + max(n, 1))", "marker": "\#(m + max(n, 1))", "has_next_page": \#(hasNext)}"#.utf8))
    }

    @Test(arguments: [PagingScheme.marker(answerKey: "next_marker", endsWithNull: true), .marker(answerKey: "marker", endsWithNull: false)])
    func freshMarkersForeverStopAtTheItemCapAndSaySo(scheme: PagingScheme) throws {
        let (app, transport) = try setup.app { Self.endlessPage($0, items: 100) }
        let doc = try app.paginate(flows, scheme: scheme)
        #expect(doc["DATA"]?.array?.count == PagingLimits.standard.items)
        #expect(transport.sent.withLock { $0.count } <= PagingLimits.standard.items / 100 + 1)
        #expect(doc["paged"]?["stopped"] == "the first 10000 items" && doc["paged"]?["may_have_more"] == true)
    }

    @Test func onePerPageStopsAtThePageCap() throws {
        let (app, transport) = try setup.app { Self.endlessPage($0, items: 1) }
        let doc = try app.paginate(flows, scheme: .marker(answerKey: "next_marker", endsWithNull: true))
        #expect(transport.sent.withLock { $0.count } == PagingLimits.standard.pages)
        #expect(doc["paged"]?["stopped"] == "1000 pages")
    }

    @Test func emptyPagesThatOfferMoreEndThePaging() throws {
        let (app, transport) = try setup.app { Self.endlessPage($0, items: 0) }
        let doc = try app.paginate(flows, scheme: .marker(answerKey: "next_marker", endsWithNull: true))
        #expect(transport.sent.withLock { $0.count } <= 2)
        #expect(doc["paged"]?["stopped"] == "an empty page that offered more")
        let offset = ServiceRequest(service: .transfer, method: "GET", path: "/endpoint_search")
        let (app2, transport2) = try setup.app { Self.endlessPage($0, items: 0) }
        _ = try app2.paginate(offset, scheme: .offsetHasNextPage(pageSize: 100, maxOffset: Int.max))
        #expect(transport2.sent.withLock { $0.count } == 1)
    }

    @Test func hugePagesStopAtTheByteCapWithBoundedMemory() throws {
        // Pages of one 4 MB item; a 64 MB byte cap ends paging after 16 pages, and the result
        // holds only what those pages brought.
        let limits = PagingLimits(items: 200, pages: 1000, bytes: 64 << 20)
        let (app, transport) = try setup.app { Self.endlessPage($0, items: 1, itemBytes: 4 << 20) }
        let doc = try app.paginate(flows, scheme: .marker(answerKey: "next_marker", endsWithNull: true), limits: limits)
        #expect(transport.sent.withLock { $0.count } == 16)
        #expect(doc["paged"]?["stopped"] == "64 MB of pages")
        #expect(doc.serialized.utf8.count <= 16 * ((4 << 20) + 100))
    }

    @Test func anOffsetAtIntMaxMovesOnWithoutOverflowing() throws {
        let (app, _) = try setup.app { r in
            HTTPResponse(status: 200, headers: [], body: Array(#"{"DATA": [{"n": 1}, {"n": 2}], "total": 9223372036854775807, "has_next_page": true}"#.utf8))
        }
        var r = ServiceRequest(service: .transfer, method: "GET", path: "/endpoint_search")
        r.query = [("offset", String(Int.max))]
        for scheme in [PagingScheme.offsetTotal(pageSize: 1000, maxTotal: Int.max), .offsetHasNextPage(pageSize: 100, maxOffset: Int.max)] {
            let doc = try app.paginate(r, scheme: scheme)
            #expect(doc["DATA"]?.array?.count == 2)
        }
    }

    @Test func anAskedLimitIsHonouredOnEveryScheme() throws {
        let (app, transport) = try setup.app { Self.endlessPage($0, items: 7) }
        let doc = try app.paginate(flows, scheme: .marker(answerKey: "next_marker", endsWithNull: true), limit: 50)
        #expect(doc["DATA"]?.array?.count == 50)
        #expect(transport.sent.withLock { $0.count } == 8)
    }
}
