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

/// `%globus get` and `%globus put`: files to and from a collection's HTTPS server.
@Suite struct GetPutCommandTests {
    @Test func aFileGoesDownAndBackUp() async throws {
        try await withNotebook { nb in
            let local = nb.home + "/table.csv"
            let (r, o) = try await nb.run("%globus login\n%globus get \(tutorial1):/~/samples/table.csv \(local) --as got")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.results.last?["text/plain"]?.string?.hasPrefix("Downloaded \(tutorial1):/~/samples/table.csv to \(local): 127 B") == true, "\(o.text)")
            #expect(readFile(local).map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("sample,temperature_c,pressure_kpa,humidity_pct\n1,21.4") == true)
            #expect(nb.kept("got")?["bytes"] == 127)
            let up = try await nb.run("%globus put \(local) 'Globus Tutorial Collection 2':/~/")
            #expect(up.0 == .ok(), "\(up.1.text)")
            #expect(up.1.results.last?["text/plain"]?.string?.hasPrefix("Uploaded \(local) to Globus Tutorial Collection 2:/~/table.csv: 127 B") == true)
            _ = try await nb.run("%globus open \(tutorial2):/~/table.csv --as back")
            #expect(nb.kept("back")?.array?.count == 5 && nb.kept("back")?.array?[4]["humidity_pct"] == "44")
            #expect(try await nb.run("%globus ls \(tutorial2)").1.results.last?["text/plain"] == "table.csv")
        }
    }

    @Test func anExistingFileIsKeptWithoutOverwrite() async throws {
        try await withNotebook { nb in
            let local = nb.home + "/mine.json"
            #expect(writeFile(local, Array("mine".utf8)))
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus get \(tutorial1):/~/samples/metadata.json \(local)")
            #expect(e?.ename == "UsageError" && e?.evalue.contains("already exists and was kept; add --overwrite") == true, "\(String(describing: e))")
            #expect(readFile(local) == Array("mine".utf8))
            let (r, o) = try await nb.run("%globus get \(tutorial1):/~/samples/metadata.json \(local) --overwrite")
            #expect(r == .ok(), "\(o.text)")
            #expect(readFile(local).map { String(decoding: $0, as: UTF8.self) }?.contains("\"experiment\": \"tutorial\"") == true)
            #expect(try listFolder(nb.home).filter { $0.contains(".part-") }.isEmpty)
        }
    }

    @Test func anExistingRemoteFileIsKeptWithoutOverwrite() async throws {
        try await withNotebook { nb in
            let local = nb.home + "/table.csv"
            let (r, o) = try await nb.run("%globus login\n%globus get \(tutorial1):/~/samples/table.csv \(local)\n%globus put \(local) \(tutorial2):/~/t.csv")
            #expect(r == .ok(), "\(o.text)")
            let mine = Array("mine\n".utf8)
            #expect(writeFile(local, mine))
            let e = try await nb.failure("%globus put \(local) \(tutorial2):/~/t.csv")
            #expect(e?.ename == "UsageError" && e?.evalue.contains("\(tutorial2):/~/t.csv already exists and was kept; add --overwrite") == true, "\(String(describing: e))")
            _ = try await nb.run("%globus open \(tutorial2):/~/t.csv --as-text --as kept")
            #expect(nb.kept("kept")?.string?.hasPrefix("sample,temperature_c") == true, "the remote file is as it was")
            let (r2, o2) = try await nb.run("%globus put \(local) \(tutorial2):/~/t.csv --overwrite")
            #expect(r2 == .ok(), "\(o2.text)")
            _ = try await nb.run("%globus open \(tutorial2):/~/t.csv --as-text --as replaced")
            #expect(nb.kept("replaced")?.string == "mine\n")
        }
    }

    @Test func anInterruptStopsTheDownloadAndRemovesThePartialFile() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = SimulatedNotebook(sim)
        // Logged in, and consented to the collection's https scope (asked once, by the first open).
        _ = try await nb.run("%globus login\n%globus open \(tutorial1):/~/samples/table.csv")
        await sim.admin("files", #"{"collection": "\#(tutorial1)", "path": "/~/big.dat", "size": \#(256 << 20)}"#)
        await sim.admin("faults", #"{"fault": "throttle=1048576@/https/\#(tutorial1)/"}"#)
        let out = RecordingOutput()
        out.interruptsCalls = true
        let interp = nb.interp
        let local = nb.home + "/big.dat"
        async let outcome = onThread {
            interp.execute("%globus get \(tutorial1):/~/big.dat \(local)", context: ExecutionContext(executionCount: 5, allowStdin: false), output: out)
        }
        // Interrupted once bytes have reached the partial file (throttled: it takes minutes).
        var looks = 0
        while try partialBytes(nb.home) == 0 && looks < 3000 {
            try await Task.sleep(nanoseconds: 20_000_000)
            looks += 1
        }
        out.interrupted = true
        #expect(try await outcome == .error(.interrupted))
        #expect(try listFolder(nb.home).filter { $0.hasPrefix("big.dat") }.isEmpty, "neither the file nor a partial one is left")
        #expect(out.stderr.contains("The partial download was removed"))
        #expect(out.displays.count <= 1 && Set(out.updates).count <= 1, "one live display at most")
    }

    @Test func underAHubFilesStayInsideTheHome() async throws {
        try await withNotebook(["JUPYTERHUB_USER": "student01"]) { nb in
            _ = try await nb.run("%globus login")
            let outside = try await nb.failure("%globus get \(tutorial1):/~/samples/table.csv /tmp/gk-outside-\(getpid()).csv")
            #expect(outside?.ename == "ConfigurationError" && outside?.evalue.contains("inside your home folder") == true, "\(String(describing: outside))")
            #expect(access("/tmp/gk-outside-\(getpid()).csv", F_OK) != 0)
            let climb = try await nb.failure("%globus put \(nb.home)/../../etc/hostname \(tutorial2):/~/")
            #expect(climb?.ename == "ConfigurationError", "\(String(describing: climb))")
            #expect(symlink("/etc/hostname", nb.home + "/link") == 0)
            let link = try await nb.failure("%globus put \(nb.home)/link \(tutorial2):/~/")
            #expect(link?.evalue.contains("symbolic link") == true, "\(String(describing: link))")
            let inside = try await nb.run("%globus get \(tutorial1):/~/samples/table.csv \(nb.home)/t.csv\n%globus put \(nb.home)/t.csv \(tutorial2):/~/t.csv")
            #expect(inside.0 == .ok(), "\(inside.1.text)")
        }
    }

    @Test func helpStartsWithExamples() async throws {
        try await withNotebook { nb in
            for verb in ["get", "put"] {
                let help = try await nb.run("%globus help \(verb)").1.results.last?["text/plain"]?.string ?? ""
                #expect(help.hasPrefix("Examples:\n  %globus \(verb) "), "\(help)")
            }
        }
    }
}

/// The bytes in a `.part-` file in `dir`, if one is there.
func partialBytes(_ dir: String) throws -> Int {
    for name in try listFolder(dir) where name.contains(".part-") {
        var st = stat()
        if stat(dir + "/" + name, &st) == 0 { return Int(st.st_size) }
    }
    return 0
}
