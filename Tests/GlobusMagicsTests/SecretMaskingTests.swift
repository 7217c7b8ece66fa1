import JupyterKernel
import Testing
@testable import GlobusMagics

#if canImport(Glibc)
import Glibc
#endif

/// Expanded values of secret-looking variables never appear in an error, and assignments from
/// them are masked.
@Suite struct SecretMaskingTests {
    let interp = GlobusInterpreter(variables: ["GLOBUS_CLIENT_SECRET": "S3CR3T-value"])

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
}
