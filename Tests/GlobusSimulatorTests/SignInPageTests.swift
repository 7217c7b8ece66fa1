import Escaping
import JSON
import Testing
@testable import GlobusSimulator

/// The simulator's sign-in page shows what the authorize request names (the app's grant name,
/// the session message) as text: a link can carry anything in them.
@Suite struct SignInPageTests {
    @Test(arguments: ["\"\u{301}><img src=x onerror=alert(1)>", "x' onmouseover='alert(1)", "\u{600}<script>alert(1)</script>"])
    func namesInTheRequestStayText(hostile: String) async throws {
        let sim = try Simulator()
        let r = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/v2/oauth2/authorize",
                query: authorizeQuery(scope: "openid", extra: [("prefill_named_grant", hostile), ("session_message", hostile)])))
        #expect(r.status == 200)
        let page = String(decoding: r.body, as: UTF8.self)
        for tag in ["<img", "<script", "onmouseover='"] { #expect(!page.contains(tag), "\(tag) in the page") }
        #expect(page.contains(HTML.escape(hostile)))
    }
}
