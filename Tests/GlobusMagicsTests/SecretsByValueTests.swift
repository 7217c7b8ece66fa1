import Escaping
import JSON
import JupyterKernel
import SimulatorSupport
import GlobusSDK
import Testing
@testable import GlobusMagics

/// The kernel's own tokens are found by value wherever they turn up (here: the simulator's audit
/// listing of every token it issued, fetched as a call; a service echoing them): no part of one
/// is shown, kept or sent as data.
@Suite struct SecretsByValueTests {
    @Test func aTokenInAnAnswerNeverBecomesData() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let stored = try JSONTokenFile(nb.tokenFile).tokens
            #expect(!stored.isEmpty)
            let admin = nb.sim.variables["GLOBUS_SIM_ADMIN_URL"]!
            // An array of token strings, shown in every format: every one masked, whole or cut.
            for format in ["json", "table", "raw", "text"] {
                let (_, listed) = try await nb.run("%globus call transfer GET \(admin)issued-tokens --format \(format)")
                let shown = (listed.results + listed.displays).map { $0.json.serialized }.joined() + listed.stdout + listed.stderr
                for t in stored { #expect(!shown.contains(t) && !shown.contains(String(t.prefix(20))), "a stored token was shown (\(format))") }
                #expect(shown.contains(SecretMask.replacement))
            }
            // Picked out with --jmespath (or turned round) and kept: what is kept holds no token.
            for filter in ["'[0]'", "'[*]'", "'reverse(join(`,`, @))'"] {
                _ = try await nb.run("%globus call transfer GET \(admin)issued-tokens --jmespath \(filter) --as t")
                let kept = nb.kept("t")?.serialized ?? ""
                for t in stored { #expect(!kept.contains(t) && !kept.contains(String(t.reversed())), "a token was kept with \(filter)") }
            }
        }
    }

    @Test func aBodyFileHoldingATokenIsNotSent() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer POST /transfer --body-file \(nb.tokenFile)")
            #expect(e?.ename == "SecretError")
            #expect(await !nb.sim.requestedPaths().contains { $0.hasPrefix("/transfer/transfer") })
        }
    }

    @Test func theRealTokenFileIsNotSentFromDemoMode() async throws {
        // The real tokens exist, but this kernel works in demo mode and never opened them.
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        let real = try JSONTokenFile(nb.tokenFile).tokens
        let demo = GlobusInterpreter(settings: .test(["HOME": nb.home, "GLOBUS_KERNEL_DEMO": "alice@uchicago.edu"]))
        let out = RecordingOutput()
        let outcome = demo.execute(
            "%globus login\n%globus call transfer POST /endpoint_search --allow-errors --body-file \(nb.tokenFile)",
            context: .init(executionCount: 1, allowStdin: false), output: out)
        guard case .error(let e) = outcome else { Issue.record("the real token file was sent to the demo's simulator"); return }
        #expect(e.ename == "SecretError", "\(e)")
        for t in real { #expect(!out.text.contains(t)) }
    }

    @Test func noCommandSendsASecretAsData() async throws {
        try await withNotebook(["MY_SECRET": "s3cret-value-123", "GLOBUS_CLIENT_SECRET_ELSEWHERE": "other-secret-456"]) { nb in
            _ = try await nb.run("%globus login")
            let before = await nb.sim.requests().count
            for cell in [
                "%globus mkdir 'Globus Tutorial Collection 2':/~/$MY_SECRET",
                "%globus transfer 'Globus Tutorial Collection 1':/~/file1.txt 'Globus Tutorial Collection 2':/~/x --label $MY_SECRET",
                "%globus call transfer GET /task_list -Q filter=$MY_SECRET",
                "%globus call transfer GET /task_list -H \"X-Note: $GLOBUS_CLIENT_SECRET_ELSEWHERE\"",
                "%globus call transfer GET /task/$MY_SECRET"
            ] {
                let e = try await nb.failure(cell)
                #expect(e?.ename == "SecretError", "\(cell): \(String(describing: e))")
            }
            // What went out (collection names looked up) holds neither secret.
            let sent = await nb.sim.requests().dropFirst(before).map(\.serialized)
            #expect(!sent.contains { $0.contains("s3cret-value-123") || $0.contains("other-secret-456") || $0.contains("/mkdir") || $0.contains("\"/transfer/v0.10/transfer\"") })
        }
    }
}

/// The token strings of a JSON token file.
struct JSONTokenFile {
    let tokens: [String]
    init(_ path: String) throws {
        let doc = try JSON.parse(readFile(path) ?? [])
        var out: [String] = []
        for (_, ns) in doc["data"]?.object ?? JSONObject() {
            for (_, e) in ns.object ?? JSONObject() {
                for k in ["access_token", "refresh_token"] { if let t = e[k]?.string { out.append(t) } }
            }
        }
        tokens = out
    }
}
