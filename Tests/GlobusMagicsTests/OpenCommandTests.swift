import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

/// `%globus open`: a file from a collection's HTTPS server, shown as what it is.
@Suite struct OpenCommandTests {
    @Test func theSampleCSVIsATableWhoseRowsCanBeKept() async throws {
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus open 'Globus Tutorial Collection 1':/~/samples/table.csv --as table")
            #expect(r == .ok(), "\(o.text)")
            let shown = try #require(o.results.last)
            #expect(shown["text/html"]?.string?.contains("<th>temperature_c</th>") == true)
            #expect(shown["text/plain"]?.string?.contains("5 rows, 4 columns") == true, "\(shown)")
            #expect(shown["text/plain"]?.string?.contains("sample | temperature_c") == true)
            #expect(nb.kept("table")?.array?.count == 5 && nb.kept("table")?.array?[2]["temperature_c"] == "22.5")
            // A kept row is a value later lines use.
            let later = try await nb.run("%globus open \(tutorial1):/~/samples/table.csv --lines @{table[0].sample}")
            #expect(later.0 == .ok(), "\(later.1.text)")
        }
    }

    @Test func thePNGIsAnImageAndTheJSONATree() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let png = try await nb.run("%globus open \(tutorial1):/~/samples/gradient.png").1.results.last
            #expect(png?["image/png"]?.string?.hasPrefix("iVBORw0KGgo") == true, "a PNG, base64")
            #expect(png?["text/plain"]?.string?.contains("PNG image, 160×96") == true)
            let json = try await nb.run("%globus open \(tutorial1):/~/samples/metadata.json --as meta").1.results.last
            #expect(json?["application/json"]?["units"]?["pressure"] == "kPa")
            #expect(nb.kept("meta")?["samples"] == 5)
            let text = try await nb.run("%globus open \(tutorial1):/~/samples/metadata.json --as-text").1.results.last
            #expect(text?["application/json"] == nil && text?["text/plain"]?.string?.contains(#""experiment": "tutorial""#) == true)
        }
    }

    @Test func aLargeFileIsReadByItsHeadOnly() async throws {
        try await withNotebook { nb in
            await nb.sim.admin("files", #"{"collection": "\#(tutorial1)", "path": "/~/big.log", "size": 200000000}"#)
            let (r, o) = try await nb.run("%globus login\n%globus open \(tutorial1):/~/big.log --lines 3")
            #expect(r == .ok(), "\(o.text)")
            let text = o.results.last?["text/plain"]?.string ?? ""
            #expect(text.contains("the first 1.0 MB of 200 MB read") && text.contains("the rest was not read"), "\(text)")
            #expect(text.split(separator: "\n").dropFirst() == ["Globus Simulator generated data", "Globus Simulator generated data", "Globus Simulator generated data"])
            let reads = await nb.sim.requests().filter { $0["path"]?.string == "/https/\(tutorial1)/~/big.log" }
            #expect(reads.map { $0["method"]?.string ?? "" } == ["HEAD", "GET"])
            #expect(reads.last?["range"] == "bytes=0-1048575", "only the head is asked for")
            let part = try await nb.run("%globus open \(tutorial1):/~/big.log --bytes 7-12").1.results.last?["text/plain"]?.string
            #expect(part?.hasSuffix("\nSimula") == true && part?.contains("bytes 7-12 of 200 MB read") == true, "\(part ?? "")")
        }
    }

    @Test func anImageOverTheCapIsSaidNotShown() async throws {
        try await withNotebook { nb in
            // A PNG of 9 MB (its signature, then zeros): more than open reads whole.
            let local = nb.home + "/big.png"
            #expect(writeFile(local, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 9 << 20)))
            let up = try await nb.run("%globus login\n%globus put \(local) \(tutorial2):/~/big.png")
            #expect(up.0 == .ok(), "\(up.1.text)")
            let (r, o) = try await nb.run("%globus open \(tutorial2):/~/big.png")
            #expect(r == .ok(), "\(o.text)")
            let shown = try #require(o.results.last)
            #expect(shown["image/png"] == nil, "no data URI of 9 MB")
            #expect(
                shown["text/plain"]?.string == "big.png: 9.4 MB, PNG image (image/png); too large to show here (open shows images up to 8.4 MB).\n"
                    + "Download it with: %globus get '\(tutorial2):/~/big.png'", "\(shown)")
            #expect(shown["text/html"]?.string?.contains("<code>%globus get &#39;\(tutorial2):/~/big.png&#39;</code>") == true)
            let reads = await nb.sim.requests().filter { $0["path"]?.string == "/https/\(tutorial2)/~/big.png" && $0["method"]?.string != "PUT" }
            #expect(reads.map { $0["method"]?.string ?? "" } == ["HEAD", "HEAD", "GET"], "put's HEAD, then open's HEAD and one read of the head")
            #expect(reads.last?["range"] == "bytes=0-1048575")
            // A part of an image is not shown as one.
            let part = try await nb.run("%globus open \(tutorial1):/~/samples/gradient.png --bytes 0-99").1.results.last
            #expect(part?["image/png"] == nil && part?["text/plain"]?.string?.contains("an image is shown whole") == true, "\(String(describing: part))")
        }
    }

    @Test func aMappedCollectionAsksForItsConsentAndTheRemedyWorks() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus open \(mappedCollection):/~/notes.txt", stdin: false)
            let remedy = try #require(e?.traceback.first { $0.contains("%globus login") }, "\(String(describing: e))")
            #expect(remedy.contains("\(mappedCollection)/https") && remedy.contains("data_access"), "\(remedy)")
            let (r, o) = try await nb.run(remedy.trimmed)
            #expect(r == .ok(), "\(o.text)")
            let opened = try await nb.run("%globus open \(mappedCollection):/~/notes.txt", stdin: false)
            #expect(opened.0 == .ok(), "\(opened.1.text)")
            #expect(opened.1.results.last?["text/plain"]?.string?.contains("notes.txt, 210 B") == true)
        }
        // With auto_relogin, the cell logs in for exactly that consent, as transfer does.
        try await withNotebook { nb in
            let (r, o) = try await nb.run("%globus login\n%globus config auto_relogin=true\n%globus open \(mappedCollection):/~/notes.txt")
            #expect(r == .ok(), "\(o.text)")
            #expect(o.signInURL?.contains("data_access") == true && o.results.last?["text/plain"]?.string?.contains("notes.txt, 210 B") == true)
        }
    }

    @Test func usageErrorsSayWhatToType() async throws {
        try await withNotebook { nb in
            #expect(try await nb.failure("%globus open \(tutorial1):/~/samples/")?.evalue.contains("give a file's path") == true)
            #expect(try await nb.failure("%globus open \(tutorial1):/~/x --bytes 9-2")?.evalue.contains("END must be") == true)
            let help = try await nb.run("%globus help open").1.results.last?["text/plain"]?.string ?? ""
            #expect(help.hasPrefix("Examples:\n  %globus open ") && help.contains("--bytes RANGE") && help.contains("--as NAME"))
        }
    }
}
