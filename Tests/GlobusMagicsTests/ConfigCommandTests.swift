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

@Suite struct ConfigCommandTests {
    @Test func showsAndChangesTheSettingsWithoutTouchingTheProcess() async throws {
        try await withNotebook { nb in
            let all = try await nb.run("%globus config").1.results.last?["application/json"]
            #expect(all?["environment"] == "production" && all?["storage"] == "json" && all?["auto_relogin"] == "false")
            #expect(all?["token_path"]?.string == nb.tokenFile)
            _ = try await nb.run("%globus config storage=memory\n%globus config environment=sandbox")
            let changed = try await nb.run("%globus config").1.results.last?["application/json"]
            #expect(changed?["storage"] == "memory" && changed?["environment"] == "sandbox" && changed?["token_path"] == "memory")
            #expect(getenv("GLOBUS_SDK_ENVIRONMENT") == nil, "the process environment is not changed")
            _ = try await nb.run("%globus config environment=")
            let v6 = try await nb.run("%globus config environment")
            #expect(v6.1.results.last?["text/plain"] == "production")
        }
    }

    @Test func badValuesAreUsageErrors() async throws {
        try await withNotebook { nb in
            let v7 = try await nb.failure("%globus config environment=mars")
            #expect(v7?.evalue.contains("environment must be one of") == true)
            let v8 = try await nb.failure("%globus config storage=floppy")
            #expect(v8?.ename == "UsageError")
            let v9 = try await nb.failure("%globus config colour=blue")
            #expect(v9?.evalue.contains("unknown key 'colour'") == true)
            let v10 = try await nb.failure("%globus config auto_relogin=maybe")
            #expect(v10?.evalue.contains("true or false") == true)
        }
    }

    @Test func memoryStorageKeepsNothingOnDisk() async throws {
        try await withNotebook { nb in
            let (r, _) = try await nb.run("%globus config storage=memory\n%globus login\n%globus call transfer GET /task_list")
            #expect(r == .ok())
            #expect(access(nb.tokenFile, F_OK) != 0)
        }
    }
}
