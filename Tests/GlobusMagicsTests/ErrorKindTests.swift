import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

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

@Suite struct EnvSettingsTests {
    @Test func aBadGlobusVariableIsNamedWhenItIsSet() {
        let interp = GlobusInterpreter(variables: [:])
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
            for cell in ["%env GLOBUS_SDK_SERVICE_URL_TRANSFER=https://attacker.example/", "%env GLOBUS_SDK_SERVICE_URL_AUTH https://attacker.example/",
                         "%env GLOBUS_SDK_VERIFY_SSL=false", "%env GLOBUS_SDK_VERIFY_SSL=/tmp/attacker-ca.pem", "%env https_proxy=http://attacker.example:3128",
                         "%env --unset GLOBUS_SDK_SERVICE_URL_TRANSFER", "%env --unset GLOBUS_SDK_VERIFY_SSL"] {
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

/// Numbers a hostile service answers, at the ends of Int's range, are shown, never trapped on.
@Suite struct HostileNumbersTests {
    @Test func epochTimesOutsideTheCalendarAreShownAsNumbers() {
        #expect(SessionCommand.time(0) == "1970-01-01 00:00:00 UTC")
        for t in [67_768_036_191_676_799, Int.max, Int.min, -62_167_219_201] {
            #expect(SessionCommand.time(t) == "\(t) (not a date)")
        }
    }
}
