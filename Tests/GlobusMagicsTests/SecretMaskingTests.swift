import JupyterKernel
import Testing
@testable import GlobusMagics

#if canImport(Glibc)
    import Glibc
#endif

/// Expanded values of secret-looking variables never appear in an error, and assignments from
/// them are masked.
@Suite struct SecretMaskingTests {
    let interp = GlobusInterpreter(settings: .test(["GLOBUS_CLIENT_SECRET": "S3CR3T-value"]))

    func run(_ code: String) -> (ExecutionOutcome, RecordingOutput) {
        let out = RecordingOutput()
        let outcome = interp.execute(code, context: ExecutionContext(executionCount: 1, allowStdin: false), output: out)
        return (outcome, out)
    }

    @Test func errorsAndAssignmentsNeverShowASecret() {
        for cell in ["%env $GLOBUS_CLIENT_SECRET", "%env \"${GLOBUS_CLIENT_SECRET}x\"", "%no-such $GLOBUS_CLIENT_SECRET", "$GLOBUS_CLIENT_SECRET"] {
            let (outcome, out) = run(cell)
            guard case .error(let e) = outcome else { Issue.record("\(cell) did not fail"); continue }
            let shown = e.ename + e.evalue + e.traceback.joined() + out.stdout + out.stderr
            #expect(!shown.contains("S3CR3T"), "\(cell) showed the secret: \(shown)")
            if cell.hasPrefix("%env") { #expect(shown.contains("<hidden>"), "\(cell): \(shown)") }
        }
        let (_, out) = run("%env COPY=$GLOBUS_CLIENT_SECRET")
        #expect(out.stdout == "env: COPY=<hidden>\n")
        #expect(interp.environment["COPY"] == "S3CR3T-value")
        #expect(getenv("COPY") == nil, "the process environment is not changed")
    }

    /// A secret stays one after its variable is unset or changed: a copy under an ordinary name,
    /// and anything else that holds it, still shows `<hidden>`; so does a value a secret-looking
    /// name once held.
    @Test func aSecretStaysASecretWhenItsVariableIsGone() {
        let hub = GlobusInterpreter(settings: .test(["JUPYTERHUB_API_TOKEN": "hub-api-token-0123456789"]))
        func run(_ code: String) -> String {
            let out = RecordingOutput()
            let outcome = hub.execute(code, context: ExecutionContext(executionCount: 1, allowStdin: false), output: out)
            var shown = out.stdout + out.stderr + out.results.compactMap { $0["text/plain"]?.string }.joined()
            if case .error(let e) = outcome { shown += e.evalue + e.traceback.joined() }
            return shown
        }
        _ = run("%env COPY=$JUPYTERHUB_API_TOKEN")
        _ = run("%env --unset JUPYTERHUB_API_TOKEN")
        _ = run("%env MY_TOKEN=second-secret-value")
        _ = run("%env MY_TOKEN=third")
        for cell in ["%env COPY", "%env", "%env SHOWN=$COPY", "%env ALSO=second-secret-value"] {
            let shown = run(cell)
            #expect(!shown.contains("hub-api-token") && !shown.contains("second-secret"), "\(cell) showed a secret: \(shown)")
        }
        #expect(hub.environment["COPY"] == "hub-api-token-0123456789")
    }
}
