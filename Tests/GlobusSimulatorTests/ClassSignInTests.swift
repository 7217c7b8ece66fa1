import JSON
import SimulatorSupport
import Testing
@testable import GlobusSimulator

/// A class's simulator (a JupyterHub service): each sign-in approved only as the hub user who
/// owns the token it carries, asked of a stand-in hub over HTTP as of the real one.
@Suite struct ClassSignInTests {
    /// How long the simulator waits for the test's hub. These tests are about who is approved,
    /// not about the deadline (an unreachable hub is tested on its own): under the thread
    /// sanitizer, with every suite running at once, the loopback hub's answer took over the 5
    /// seconds a class's simulator allows.
    static let hubDeadline: Int64 = 60
    /// A simulator with a roster of three serving a class on `hub`.
    static func classSimulator(_ hub: FakeHub, cacheSeconds: Double = 60) throws -> Simulator {
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(3)
        let directory: HubDirectory = try #require(HubDirectory(apiURL: hub.apiURL, cacheSeconds: cacheSeconds, answerWithin: Self.hubDeadline))
        config.hub = directory
        return try Simulator(config)
    }

    static func hub() async throws -> FakeHub {
        try await FakeHub([
            "tok-01": .user("student01"), "tok-02": .user("student02"), "tok-svc": .service("classroom"),
            "tok-stranger": .user("mallory")
        ])
    }

    /// An authorize request as a kernel makes it: naming `person`, with a hub token, asking for JSON.
    static func signIn(
        _ sim: Simulator, naming person: String?, hubToken: String?, path: String = "/auth/v2/oauth2/authorize",
        json: Bool = true
    ) async -> (status: Int, body: JSON, text: String) {
        var headers: [String: String] = json ? ["accept": "application/json"] : [:]
        if let hubToken { headers["authorization"] = "token " + hubToken }
        let name = path.hasSuffix("/sim/approve") ? "identity" : "sim_identity"
        let r = await sim.handle(
            SimRequest(
                method: "GET", path: path, query: authorizeQuery(scope: "openid profile") + (person.map { [(name, $0)] } ?? []),
                headers: headers))
        return (r.status, (try? JSON.parse(r.body)) ?? .null, String(decoding: r.body, as: UTF8.self))
    }

    /// Who the approved sign-in's tokens say signed in.
    static func signedIn(_ sim: Simulator, _ answer: JSON) async throws -> String? {
        let tokens = try await redeem(sim, code: try #require(answer["code"]?.string))
        return await get(sim, "/auth/v2/oauth2/userinfo", token: token(tokens, for: "auth.globus.org")).1["preferred_username"]?.string
    }

    @Test func aStudentIsApprovedOnlyAsTheOwnerOfTheirHubToken() async throws {
        let hub = try await Self.hub()
        defer { hub.stop() }
        let sim = try Self.classSimulator(hub)
        // Their own name, their own token.
        let own = await Self.signIn(sim, naming: "student01", hubToken: "tok-01")
        #expect(own.status == 200)
        #expect(try await Self.signedIn(sim, own.body) == "student01@classroom.example.edu")
        // No name: the token's owner.
        let unnamed = await Self.signIn(sim, naming: nil, hubToken: "tok-02")
        #expect(try await Self.signedIn(sim, unnamed.body) == "student02@classroom.example.edu")
        // Someone else's name with one's own token, by username, bare name or identity id.
        let studentTwo = try #require(sim.withState { $0.identity(named: "student02") })
        for other in ["student02", "student02@classroom.example.edu", studentTwo.id, "alice@uchicago.edu"] {
            let r = await Self.signIn(sim, naming: other, hubToken: "tok-01")
            #expect(r.status == 403 && r.body["error"] == "access_denied", "\(other)")
            #expect(r.body["error_description"]?.string?.contains("only as student01@classroom.example.edu, not as \(other)") == true)
        }
    }

    @Test func noTokenABadTokenOrAServicesTokenIsRefused() async throws {
        let hub = try await Self.hub()
        defer { hub.stop() }
        let sim = try Self.classSimulator(hub)
        let cases: [(String?, String)] = [
            (nil, "approves a sign-in only from the student's own kernel"),
            ("tok-forged", "JupyterHub does not accept the token"),
            ("tok-svc", "belongs to the service 'classroom'"),
            ("tok-stranger", "JupyterHub user 'mallory' is not on this class's roster")
        ]
        for (token, why) in cases {
            let r = await Self.signIn(sim, naming: "student01", hubToken: token)
            #expect(r.status == 403 && r.body["error_description"]?.string?.contains(why) == true, "\(String(describing: token)): \(r.body)")
        }
        // HTTP Basic credentials are not a hub token.
        let basic = await sim.handle(
            SimRequest(
                method: "GET", path: "/auth/v2/oauth2/authorize",
                query: authorizeQuery(scope: "openid") + [("sim_identity", "student01")],
                headers: ["accept": "application/json", "authorization": "Basic dG9rLTAxOg=="]))
        #expect(basic.status == 403)
    }

    @Test func theBrowserPageApprovesNoOneInAClass() async throws {
        let hub = try await Self.hub()
        defer { hub.stop() }
        let sim = try Self.classSimulator(hub)
        // The sign-in page lists no one to click, and a click on a crafted link is refused.
        let page = await Self.signIn(sim, naming: nil, hubToken: nil, json: false)
        #expect(page.status == 403 && page.text.contains("Sign in from your notebook") && !page.text.contains("student02"))
        let click = await Self.signIn(sim, naming: "student02", hubToken: nil, path: "/auth/sim/approve", json: false)
        #expect(click.status == 403 && !click.text.contains("Native App Authorization Code"))
        // A click carrying a hub token is still only its owner.
        let crafted = await Self.signIn(sim, naming: "student02", hubToken: "tok-01", path: "/auth/sim/approve")
        #expect(crafted.status == 403)
    }

    @Test func aHubThatDoesNotAnswerIsAClearRefusalAskedAgainNextTime() async throws {
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(1)
        // Nothing listens on port 1.
        let directory: HubDirectory = try #require(HubDirectory(apiURL: "http://127.0.0.1:1/hub/api"))
        config.hub = directory
        let sim = try Simulator(config)
        let r = await Self.signIn(sim, naming: "student01", hubToken: "tok-01")
        #expect(r.status == 503 && r.body["error"] == "temporarily_unavailable")
        #expect(r.body["error_description"]?.string?.contains("cannot ask JupyterHub who is signing in") == true)
        #expect(r.body["code"] == nil)
        // Not an address the hub gives its services.
        #expect(HubDirectory(apiURL: "https://hub.example.org/hub/api") == nil)
        #expect(HubDirectory(apiURL: "http://:8081/hub/api") == nil)
    }

    @Test func theHubsAnswersAreKeptBriefly() async throws {
        let hub = try await Self.hub()
        defer { hub.stop() }
        let kept = try Self.classSimulator(hub)
        for _ in 0..<3 { #expect(await Self.signIn(kept, naming: "student01", hubToken: "tok-01").status == 200) }
        #expect(await Self.signIn(kept, naming: "student01", hubToken: "tok-forged").status == 403)
        #expect(await Self.signIn(kept, naming: "student01", hubToken: "tok-forged").status == 403)
        #expect(hub.requests == 2)
        // Kept for no time: asked every time.
        let asked = try Self.classSimulator(hub, cacheSeconds: 0)
        for _ in 0..<3 { #expect(await Self.signIn(asked, naming: "student01", hubToken: "tok-01").status == 200) }
        #expect(hub.requests == 5)
    }

    @Test func withoutAHubTheNamedPersonIsApprovedAsBefore() async throws {
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(2)
        let sim = try Simulator(config)
        let r = await Self.signIn(sim, naming: "student02", hubToken: nil)
        #expect(try await Self.signedIn(sim, r.body) == "student02@classroom.example.edu")
    }
}
