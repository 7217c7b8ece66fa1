import Synchronization
import Testing
@testable import GlobusSDK

/// A token goes only to its own service's origin: full URLs elsewhere are refused, and
/// redirects are followed by the SDK only within the origin.
@Suite struct TokenOriginTests {
    /// Answers from a script, keeping every request it was sent.
    final class ScriptedTransport: Transport {
        let sent = Mutex<[HTTPRequest]>([])
        let answer: @Sendable (HTTPRequest) -> HTTPResponse
        init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.answer = answer }
        func send(_ request: HTTPRequest, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> HTTPResponse {
            sent.withLock { $0.append(request) }
            return answer(request)
        }
    }

    struct FixedToken: Authorizer {
        func authorization() throws(GlobusError) -> String? { "Bearer SECRET-TRANSFER-TOKEN" }
        func handleUnauthorized() throws(GlobusError) -> Bool { false }
    }

    let env = GlobusEnvironment(name: "production")

    @Test func aFullURLMustBeOnTheServicesOrigin() throws {
        var r = ServiceRequest(service: .transfer, method: "GET", path: "https://evil.example.org/collect")
        do { _ = try r.url(environment: env); Issue.record("a foreign URL was accepted") } catch {
            #expect("\(error)".contains("Refusing to send the transfer token to https://evil.example.org:443"))
        }
        for sneaky in [
            "https://transfer.api.globus.org.evil.org/x", "https://transfer.api.globus.org:8443/x", "http://transfer.api.globus.org/x",
            "https://user@evil.org/x"
        ] {
            r.path = sneaky
            #expect(throws: GlobusError.self) { try r.url(environment: env) }
        }
        r.path = "https://TRANSFER.api.globus.org:443/v0.10/task_list"
        #expect(try r.url(environment: env) == "https://TRANSFER.api.globus.org:443/v0.10/task_list")
    }

    @Test func redirectsAreFollowedOnlyWithinTheOrigin() throws {
        let transport = ScriptedTransport { r in
            switch r.url {
            case "https://transfer.api.globus.org/v0.10/a": HTTPResponse(status: 302, headers: [("location", "/v0.10/b")], body: [])
            case "https://transfer.api.globus.org/v0.10/b": HTTPResponse(status: 307, headers: [("location", "https://evil.example.org/steal")], body: [])
            default: HTTPResponse(status: 200, headers: [], body: Array("{}".utf8))
            }
        }
        let http = GlobusHTTP(transport: transport)
        var req = HTTPRequest(method: "GET", url: "https://transfer.api.globus.org/v0.10/a", followRedirects: true)
        do { _ = try http.perform(req, authorizer: FixedToken()); Issue.record("followed a redirect to another origin") } catch {
            #expect("\(error)".contains("redirected to https://evil.example.org:443, another origin: not followed"))
        }
        let urls = transport.sent.withLock { $0.map(\.url) }
        #expect(urls == ["https://transfer.api.globus.org/v0.10/a", "https://transfer.api.globus.org/v0.10/b"])
        #expect(transport.sent.withLock { $0.allSatisfy { !$0.followRedirects } }, "the transport never follows redirects itself")
        // Without -L nothing is followed.
        req.followRedirects = false
        #expect(try http.perform(req, authorizer: FixedToken(), allowErrors: true).status == 302)
    }

    @Test func a303TurnsAPostIntoAGetWithoutItsBody() throws {
        let transport = ScriptedTransport { r in
            r.url.hasSuffix("/submit")
                ? HTTPResponse(status: 303, headers: [("location", "/result")], body: [])
                : HTTPResponse(status: 200, headers: [], body: Array("{}".utf8))
        }
        let req = HTTPRequest(
            method: "POST", url: "https://transfer.api.globus.org/submit", headers: [("Content-Type", "application/json")],
            body: Array("{}".utf8), followRedirects: true)
        #expect(try GlobusHTTP(transport: transport).perform(req, authorizer: FixedToken()).status == 200)
        let last = try #require(transport.sent.withLock { $0.last })
        #expect(last.method == "GET" && last.body == nil && last.url == "https://transfer.api.globus.org/result")
        #expect(!last.headers.contains { $0.0.lowercased() == "content-type" })
        #expect(last.headers.contains { $0 == ("Authorization", "Bearer SECRET-TRANSFER-TOKEN") })
    }

    @Test func relativeLocationsResolve() {
        #expect(GlobusHTTP.resolve("c", against: "https://h:1/a/b?q=1") == "https://h:1/a/c")
        #expect(GlobusHTTP.resolve("/z", against: "https://h/a/b") == "https://h/z")
        #expect(GlobusHTTP.resolve("//other/p", against: "https://h/a") == "https://other/p")
    }
}
