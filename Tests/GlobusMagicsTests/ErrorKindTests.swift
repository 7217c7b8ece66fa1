import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

@Suite struct ErrorKindTests {
    @Test func aBadVariableIsAConfigurationErrorWithItsFix() async throws {
        try await withNotebook(["GLOBUS_SDK_HTTP_TIMEOUT": "soon"]) { nb in
            let e = try await nb.failure("%globus whoami")
            #expect(e?.ename == "ConfigurationError")
            #expect(e?.traceback.contains("  %env GLOBUS_SDK_HTTP_TIMEOUT=VALUE   (or %env --unset GLOBUS_SDK_HTTP_TIMEOUT for the default)") == true)
            // Fixed with %env, the next cell works: the settings are remade from the variables.
            let v11 = try await nb.run("%env GLOBUS_SDK_HTTP_TIMEOUT=30\n%globus whoami")
            #expect(v11.0 == .ok())
        }
    }

    @Test func aSecretWithoutItsClientIDIsAConfigurationError() async throws {
        try await withNotebook(["GLOBUS_CLIENT_SECRET": "s3cr3t-value"]) { nb in
            let e = try await nb.failure("%globus login")
            #expect(e?.ename == "ConfigurationError" && e?.evalue.contains("GLOBUS_CLIENT_ID is not") == true)
            #expect(!(e.map { $0.evalue + $0.traceback.joined() } ?? "").contains("s3cr3t-value"))
        }
    }

    @Test func aDeadServiceIsANetworkError() async throws {
        try await withNotebook(["GLOBUS_SDK_SERVICE_URL_TRANSFER": "http://127.0.0.1:9/", "GLOBUS_SDK_HTTP_TIMEOUT": "2"]) { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer GET /task_list --no-retry")
            #expect(e?.ename == "NetworkError" && e?.traceback.last?.contains("Check the network connection") == true)
        }
    }

    @Test func everyKindHasItsOwnName() {
        #expect(MagicError.usage("x", command: nil).executionError.ename == "UsageError")
        #expect(MagicError.configuration("x", fix: "%env A=1").executionError.traceback == ["ConfigurationError: x", "Fix it with:", "  %env A=1"])
        #expect(MagicError.internal("x").executionError.ename == "InternalError")
        #expect(MagicError.globus(.auth("bad token response")).executionError.ename == "AuthError")
        #expect(MagicError.globus(.auth("x")).executionError.traceback.last == "  %globus login --force")
        #expect(MagicError.globus(.loginRequired(LoginRequired(reason: .noTokens, resourceServer: "r"))).executionError.ename == "LoginRequired")
        #expect(MagicError.globus(.storage("x")).executionError.ename == "TokenStorageError")
    }
}
