import GlobusSDK
import JSON
import SimulatorSupport
import Testing
@testable import GlobusMagics

#if canImport(Glibc)
    import Glibc
#endif

/// Every file a command reads or writes is opened one way (`FileAccess`): no link followed as
/// the file, no device or FIFO read, no more than a size cap; on a hub, walked from the home
/// without links, again at every open, and a token file with a second name refused.
@Suite struct FileSafetyTests {
    static func tempDir() -> String {
        var t = Array("/tmp/gk-files-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&t)!)
    }

    @Test func aDeviceAsTheClassSimulatorsFileIsRefusedNotRead() async throws {
        try await withNotebook { nb in
            // Before, this read /dev/zero until memory ran out.
            let e = try await nb.failure("%env GLOBUS_KERNEL_DEMO_SIMULATOR=/dev/zero\n%globus demo on")
            #expect(e?.evalue.contains("is not a regular file") == true, "\(String(describing: e))")
        }
    }

    @Test func aFIFOAsBodyFileIsRefusedAtOnce() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let fifo = nb.home + "/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            // Before, this blocked the shell thread for good (no writer ever comes).
            let e = try await nb.failure("%globus call transfer POST /transfer --body-file \(fifo)")
            #expect(e?.evalue.contains("is not a regular file") == true, "\(String(describing: e))")
        }
    }

    @Test func aLinkAsTheFileItselfIsNotFollowed() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            symlink("/etc/hostname", nb.home + "/body.json")
            let e = try await nb.failure("%globus call transfer POST /transfer --body-file \(nb.home)/body.json")
            #expect(e?.evalue.contains("symbolic link") == true, "\(String(describing: e))")
        }
    }

    @Test func onAHubTheClassFileAndTheTemporaryFolderAreTheOperators() async throws {
        let elsewhere = Self.tempDir()
        try await withNotebook(["JUPYTERHUB_USER": "student01"]) { nb in
            // The live variable is not the one the operator set: it is not looked at, so the
            // answer says nothing of whether that file exists.
            let e = try await nb.failure("%env GLOBUS_KERNEL_DEMO_SIMULATOR=/etc/shadow\n%env TMPDIR=\(elsewhere)\n%globus demo on")
            #expect(e == nil || e?.evalue.contains("shadow") == false, "\(String(describing: e))")
            _ = try await nb.run("%globus demo off")
            let made = (try? listFolder(elsewhere)) ?? []
            #expect(made.isEmpty, "demo mode wrote into the TMPDIR set with %env: \(made)")
        }
    }

    /// Two students' notebooks on a hub: bob's (student02) logged in, alice's (student01) not yet.
    static func twoStudentsOnAHub(
        _ sim: RunningSimulator, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (bob: SimulatedNotebook, alice: SimulatedNotebook) {
        let bob = SimulatedNotebook(sim, variables: ["JUPYTERHUB_USER": "student02"])
        let bobIn = try await bob.run("%globus login\n%globus whoami", as: "bob@globusid.org")
        #expect(bobIn.1.text.contains("bob@globusid.org"), "\(bobIn)", sourceLocation: sourceLocation)
        return (bob, SimulatedNotebook(sim, variables: ["JUPYTERHUB_USER": "student01"]))
    }

    @Test func onAHubAFolderSwappedForALinkToAnothersTokensIsCaught() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let (bob, alice) = try await Self.twoStudentsOnAHub(sim)
        let bobsFolder = String(bob.tokenFile[..<bob.tokenFile.lastIndex(of: "/")!])
        _ = try await alice.run("%globus config token_path=\(alice.home)/swap/tokens.json\n%globus login")
        #expect(try await alice.run("%globus whoami").1.text.contains("alice@uchicago.edu"))
        // Between two cells the folder becomes a link to bob's.
        #expect(rename(alice.home + "/swap", alice.home + "/swap-old") == 0)
        #expect(symlink(bobsFolder, alice.home + "/swap") == 0)
        let (outcome, out) = try await alice.run("%globus whoami", stdin: false)
        #expect(!out.text.contains("bob@globusid.org"), "alice's kernel used bob's tokens")
        guard case .error(let e) = outcome else { Issue.record("whoami worked through the link: \(out.text)"); return }
        #expect(e.evalue.contains("symbolic link"), "\(e)")
    }

    @Test func onAHubATokenFileWithASecondNameIsRefused() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let (bob, alice) = try await Self.twoStudentsOnAHub(sim)
        mkdir(alice.home + "/linked", 0o700)
        #expect(link(bob.tokenFile, alice.home + "/linked/tokens.json") == 0, "\(String(cString: strerror(errno))) \(bob.tokenFile)")
        let (outcome, out) = try await alice.run("%globus config token_path=\(alice.home)/linked/tokens.json\n%globus whoami", stdin: false)
        #expect(!out.text.contains("bob@globusid.org"))
        guard case .error(let e) = outcome else { Issue.record("a hard-linked token file was used"); return }
        #expect(e.evalue.contains("hard links"), "\(e)")
    }

    @Test(arguments: ["/", "", "/./..", "relative/home"])
    func onAHubWithoutAHomeNoFileIsOpened(home: String) async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        var variables = sim.variables
        variables["JUPYTERHUB_USER"] = "student01"
        variables["HOME"] = home.isEmpty ? nil : home
        let interp = GlobusInterpreter(settings: .test(variables))
        let out = RecordingOutput()
        out.allowInput = false
        let outcome = interp.execute("%globus login", context: .init(executionCount: 1, allowStdin: false), output: out)
        guard case .error(let e) = outcome else { Issue.record("HOME=\(home): a file was opened"); return }
        #expect(e.evalue.contains("reads and writes no file"), "\(e)")
    }
}

/// The names in a folder (not . and ..).
func listFolder(_ path: String) throws -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
