import GlobusSimulator
import JSON
import SimulatorSupport
import Synchronization
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// A class on a shared hub: one simulator for everyone, each student approved as themselves, demo
/// tokens in each student's own home, and no student's kernel reaching another's files.
@Suite struct ClassroomTests {
    /// How long the simulator waits for the test's hub: these tests are about who is approved,
    /// not the deadline, and under a sanitizer with every suite at once the 5 seconds a class's
    /// simulator allows were not always enough for a loopback answer.
    static let hubDeadline: Int64 = 60
    /// A simulator with a roster of `people` (serving a class on `hub`, if given), and the
    /// announcement file kernels are pointed at.
    static func classSimulator(people: Int, hub: FakeHub? = nil) async throws -> (RunningSimulator, String) {
        var config = Simulator.Configuration()
        config.identities += SimIdentity.roster(people)
        config.hub = hub.flatMap { HubDirectory(apiURL: $0.apiURL, answerWithin: ClassroomTests.hubDeadline) }
        let sim = try await RunningSimulator(config)
        var t = Array("/tmp/gk-class-XXXXXX".utf8CString)
        let file = String(cString: mkdtemp(&t)!) + "/globus-sim.json"
        let f = fopen(file, "w")!
        fputs(sim.sim.readyDocument + "\n", f)
        fclose(f)
        return (sim, file)
    }

    static func student(_ user: String, _ sim: RunningSimulator, file: String, hubToken: String? = nil) -> SimulatedNotebook {
        SimulatedNotebook(
            sim,
            variables: ["GLOBUS_KERNEL_DEMO": "hub", "JUPYTERHUB_USER": user, "GLOBUS_KERNEL_DEMO_SIMULATOR": file]
                .merging(hubToken.map { ["JUPYTERHUB_API_TOKEN": $0] } ?? [:]) { $1 })
    }

    @Test func aClassSimulatorKnowsEachStudentByTheHubTokenTheirKernelInherited() async throws {
        let hub = try await FakeHub(["tok-01": .user("student01"), "tok-02": .user("student02")])
        defer { hub.stop() }
        let (sim, file) = try await Self.classSimulator(people: 2, hub: hub)
        defer { sim.stop() }
        let one = Self.student("student01", sim, file: file, hubToken: "tok-01")
        // Naming another person, another hub user or another token after the start changes nothing.
        let (_, out) = try await one.run(
            """
            %env JUPYTERHUB_USER=student02
            %env GLOBUS_KERNEL_DEMO=student02
            %env JUPYTERHUB_API_TOKEN=tok-02
            %globus login
            %globus whoami
            """, stdin: false)
        #expect(out.text.contains("Logged in as student01@classroom.example.edu (Student 01)"), "\(out.text)")
        // The simulator, not the kernel, decides: a kernel that says it runs for student02 while
        // holding student01's hub token is refused.
        let claiming = Self.student("student02", sim, file: file, hubToken: "tok-01")
        let v1 = try await claiming.failure("%globus login", stdin: false)
        #expect(v1?.evalue.contains("signs you in only as student01@classroom.example.edu, not as student02") == true, "\(String(describing: v1))")
        // No hub token, or one the hub does not know: refused, with the simulator's reason.
        let v2 = try await Self.student("student02", sim, file: file).failure("%globus login", stdin: false)
        #expect(v2?.evalue.contains("approves a sign-in only from the student's own kernel") == true, "\(String(describing: v2))")
        let v3 = try await Self.student("student02", sim, file: file, hubToken: "tok-forged").failure("%globus login", stdin: false)
        #expect(v3?.evalue.contains("JupyterHub does not accept the token") == true, "\(String(describing: v3))")
    }

    @Test func theHubTokenGoesOnlyToTheClassSimulator() throws {
        let capture = CapturingTransport()
        let auth = "https://127.0.0.1:8443/auth/"
        let approval = SimulatorApproval(http: GlobusHTTP(transport: capture), identity: "student01", classSimulator: ("tok-01", auth))
        for url in [
            auth + "v2/oauth2/authorize?client_id=x", "https://127.0.0.1:9443/auth/v2/oauth2/authorize?client_id=x",
            "http://127.0.0.1:8443/auth/v2/oauth2/authorize?client_id=x", "https://localhost:8443/auth/v2/oauth2/authorize?client_id=x"
        ] {
            #expect(try approval.obtainCode(authorizeURL: url) == "c")
        }
        let shown = capture.sent.withLock { $0.map { r in r.headers.first { $0.0.lowercased() == "authorization" }?.1 } }
        #expect(shown == ["token tok-01", nil, nil, nil])
    }

    @Test func underAHubDemoOnAsAnotherPersonIsRefused() async throws {
        let hub = try await FakeHub(["tok-01": .user("student01")])
        defer { hub.stop() }
        let (sim, file) = try await Self.classSimulator(people: 2, hub: hub)
        defer { sim.stop() }
        let nb = SimulatedNotebook(sim, variables: ["JUPYTERHUB_USER": "student01", "JUPYTERHUB_API_TOKEN": "tok-01", "GLOBUS_KERNEL_DEMO_SIMULATOR": file])
        for other in ["student02", "student01"] {
            let v = try await nb.failure("%globus demo on --as \(other)", stdin: false)
            #expect(
                v?.evalue.contains("under JupyterHub, demo mode signs you in as your own hub user (student01); --as cannot choose another person") == true,
                "\(String(describing: v))")
        }
        // Without --as: the hub user, approved by the class's simulator.
        let (_, out) = try await nb.run("%globus demo on\n%globus login\n%globus whoami", stdin: false)
        #expect(out.text.contains("Logged in as student01@classroom.example.edu"), "\(out.text)")
    }

    @Test func eachStudentSignsInAsThemselvesWithTokensInTheirOwnHome() async throws {
        let (sim, file) = try await Self.classSimulator(people: 3)
        defer { sim.stop() }
        let one = Self.student("student01", sim, file: file), two = Self.student("student02", sim, file: file)
        async let a = one.run("%globus login\n%globus whoami")
        async let b = two.run("%globus login\n%globus whoami")
        let (ra, rb) = try await (a, b)
        #expect(ra.1.text.contains("Logged in as student01@classroom.example.edu (Student 01)"))
        #expect(rb.1.text.contains("Logged in as student02@classroom.example.edu (Student 02)"))
        #expect(ra.1.text.contains("shared by everyone on this hub"))
        for nb in [one, two] {
            let demoTokens = nb.home + "/.globus/app/\(GlobusSession.tutorialClientID)/globus-kernel/demo-tokens.json"
            var st = stat()
            #expect(stat(demoTokens, &st) == 0 && st.st_mode & 0o777 == 0o600)
            // Beside the real token file, never in it.
            #expect(access(nb.tokenFile, F_OK) != 0)
        }
        // A restarted kernel (a new interpreter, same home) is still signed in.
        let again = SimulatedNotebook(
            sim,
            variables: [
                "GLOBUS_KERNEL_DEMO": "hub", "JUPYTERHUB_USER": "student01",
                "GLOBUS_KERNEL_DEMO_SIMULATOR": file, "HOME": one.home
            ])
        let whoami = try await again.run("%globus whoami", stdin: false)
        #expect(whoami.1.text.contains("\nstudent01@classroom.example.edu\nName:  Student 01"))
    }

    @Test func hubDemoNeedsTheHubUserAndARealAnnouncement() async throws {
        let (sim, file) = try await Self.classSimulator(people: 1)
        defer { sim.stop() }
        let noUser = SimulatedNotebook(sim, variables: ["GLOBUS_KERNEL_DEMO": "hub", "GLOBUS_KERNEL_DEMO_SIMULATOR": file])
        #expect(try await noUser.failure("%globus login")?.evalue.contains("JUPYTERHUB_USER is not set") == true)
        let missing = SimulatedNotebook(
            sim,
            variables: [
                "GLOBUS_KERNEL_DEMO": "hub", "JUPYTERHUB_USER": "student01",
                "GLOBUS_KERNEL_DEMO_SIMULATOR": file + ".gone"
            ])
        #expect(try await missing.failure("%globus login")?.evalue.contains("cannot read the class simulator's file") == true)
        let notes = file + ".txt"
        let f = fopen(notes, "w")!
        fputs("export GLOBUS_SDK_SERVICE_URL_AUTH=http://127.0.0.1:1/auth/\n", f)
        fclose(f)
        let wrong = SimulatedNotebook(
            sim,
            variables: [
                "GLOBUS_KERNEL_DEMO": "hub", "JUPYTERHUB_USER": "student01",
                "GLOBUS_KERNEL_DEMO_SIMULATOR": notes
            ])
        #expect(try await wrong.failure("%globus login")?.evalue.contains("is not a simulator's announcement") == true)
        let stranger = Self.student("mallory", sim, file: file)
        let v0 = try await stranger.failure("%globus login", stdin: false)
        #expect(v0?.evalue.contains("is that person on its roster?") == true, "\(String(describing: v0))")
    }

    @Test func onAHubNoCommandReachesAFileOutsideTheOwnHome() async throws {
        try await withNotebook(["JUPYTERHUB_USER": "student01"]) { nb in
            var t = Array("/tmp/gk-other-XXXXXX".utf8CString)
            let other = String(cString: mkdtemp(&t)!)
            let secret = other + "/tokens.json"
            let f = fopen(secret, "w")!
            fputs("{\"data\": {}}", f)
            fclose(f)
            let v1 = try await nb.failure("%globus config token_path=\(secret)\n%globus tokens")
            #expect(v1?.evalue.contains("the token file must be inside your home folder") == true)
            _ = try await nb.run("%globus config token_path=")
            // Through a link in the own home, or climbing out with `..`.
            symlink(other, nb.home + "/link")
            for path in [nb.home + "/link/tokens.json", nb.home + "/../" + other.split(separator: "/").last! + "/tokens.json"] {
                let v2 = try await nb.failure("%globus call transfer POST /x --body-file \(path)")
                #expect(v2?.evalue.contains("--body-file must be inside your home folder") == true, "\(path)")
            }
            // Moving HOME does not move the rule.
            let v3 = try await nb.failure("%env HOME=\(other)\n%globus login")
            #expect(v3?.evalue.contains("the token file must be inside your home folder") == true)
            // The own home is fine.
            _ = try await nb.run("%env HOME=\(nb.home)")
            let v4 = try await nb.run("%globus login\n%globus whoami")
            #expect(v4.1.text.contains("alice@uchicago.edu"), "\(v4)")
        }
    }

    @Test func withoutAHubPathsAreTheUsersChoice() {
        #expect(HomeConfinement(environment: KernelEnvironment(.test(["HOME": "/root"]))) == nil)
    }
}

/// A transport that keeps what it is sent and answers every request with an authorization code.
final class CapturingTransport: Transport {
    let sent = Mutex<[HTTPRequest]>([])

    func send(_ request: HTTPRequest, isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return HTTPResponse(status: 200, headers: [("content-type", "application/json")], body: Array(#"{"code": "c"}"#.utf8))
    }
}
