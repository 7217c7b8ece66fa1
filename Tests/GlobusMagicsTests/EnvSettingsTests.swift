import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

@Suite struct EnvSettingsTests {
    @Test func aBadGlobusVariableIsNamedWhenItIsSet() {
        let interp = GlobusInterpreter(settings: .test([:]))
        let out = RecordingOutput()
        _ = interp.execute("%env GLOBUS_SDK_HTTP_TIMEOUT=perhaps", context: ExecutionContext(executionCount: 1, allowStdin: false), output: out)
        #expect(out.stderr.hasPrefix("Warning: GLOBUS_SDK_HTTP_TIMEOUT must be a number of seconds"))
        let fine = RecordingOutput()
        _ = interp.execute("%env GLOBUS_SDK_HTTP_TIMEOUT=30\n%env OTHER=perhaps", context: ExecutionContext(executionCount: 2, allowStdin: false), output: fine)
        #expect(fine.stderr.isEmpty)
    }

    /// Where tokens go is decided when the kernel starts: a cell that points a service, the
    /// certificates or a proxy elsewhere is refused (it would send the stored tokens, and at the
    /// next refresh the refresh token, to a host of the notebook's choosing), and the calls that
    /// follow still go to the service the kernel started with.
    @Test func aCellCannotChangeWhereTokensGo() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            for cell in [
                "%env GLOBUS_SDK_SERVICE_URL_TRANSFER=https://attacker.example/", "%env GLOBUS_SDK_SERVICE_URL_AUTH https://attacker.example/",
                "%env GLOBUS_SDK_VERIFY_SSL=false", "%env GLOBUS_SDK_VERIFY_SSL=/tmp/attacker-ca.pem", "%env https_proxy=http://attacker.example:3128",
                "%env --unset GLOBUS_SDK_SERVICE_URL_TRANSFER", "%env --unset GLOBUS_SDK_VERIFY_SSL"
            ] {
                let e = try await nb.failure(cell)
                #expect(e?.ename == "ConfigurationError", "\(cell) was not refused")
                #expect(e?.traceback.last?.contains("restart the kernel") == true)
            }
            #expect(nb.interp.environment["GLOBUS_SDK_SERVICE_URL_TRANSFER"] == nb.sim.variables["GLOBUS_SDK_SERVICE_URL_TRANSFER"])
            #expect(try await nb.run("%globus call transfer GET /task_list -Q limit=1").0 == .ok())
            // The value it started with may be set again; other Globus variables may change.
            let same = nb.sim.variables["GLOBUS_SDK_SERVICE_URL_TRANSFER"]!
            #expect(try await nb.run("%env GLOBUS_SDK_SERVICE_URL_TRANSFER=\(same)\n%env GLOBUS_SDK_HTTP_TIMEOUT=30").0 == .ok())
        }
    }
}
