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
            #expect(shown["text/plain"]?.string == "big.png: 9.4 MB, PNG image (image/png); too large to show here (open shows images up to 8.4 MB).\n"
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

/// Hostile file content, shown by `open` as a person would see it after the output guard.
@Suite struct HostileFileContentTests {
    func shown(_ bytes: [UInt8], name: String, lines: Int = 40) -> MimeBundle {
        let file = OpenedFile(location: CollectionPath(tutorial1), path: "/~/" + name, size: Int64(bytes.count), contentType: nil)
        let read = FileRead(file: file, bytes: bytes, complete: true, start: 0)
        let kind = FileKind.sniff(bytes, name: name, contentType: nil, complete: true)
        return OutputGuard(RecordingOutput(), secrets: { SecretMask([]) }).cleaned(read.bundle(kind, lines: lines))
    }

    @Test func markupInACSVCellIsText() {
        let b = shown(Array("name,note\nx,<img src=x onerror=alert(1)>\n".utf8), name: "evil.csv")
        let html = b["text/html"]?.string ?? ""
        #expect(html.contains("<th>note</th>") && !html.contains("<img") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func controlCharactersAndInvalidUTF8AreShownNotObeyed() {
        let b = shown(Array("title\u{1b}]0;pwned\u{7}\n".utf8) + [0x61, 0xFF, 0x62, 0x0A], name: "log.txt")
        let text = b["text/plain"]?.string ?? ""
        #expect(!text.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{7}" } && text.contains("pwned"))
        #expect(text.contains("a\u{FFFD}b"))
    }

    @Test func markdownAndSVGNeverBecomeMarkup() {
        let md = shown(Array("# Notes\n<script>alert(1)</script> & more\n".utf8), name: "notes.md")
        #expect(md["text/markdown"]?.string?.contains("<script") == false && md["text/markdown"]?.string?.contains("# Notes") == true)
        let svg = shown(Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8), name: "x.svg")
        let html = svg["text/html"]?.string ?? ""
        #expect(html.hasPrefix("<img src=\"data:image/svg+xml;base64,") && !html.contains("<svg") && !html.contains("<script"))
    }

    @Test func deepJSONAndOneHugeLineAreShownShortened() {
        let deep = shown(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8), name: "deep.json")
        #expect(deep["application/json"] == nil && (deep["text/plain"]?.string?.count ?? 0) < 3000, "too deep for a tree: shown as text")
        var line = ""
        for i in 0..<100_000 { line += "cell\(i % 10),xx" }
        let huge = shown(Array((line + "\n").utf8), name: "one-line.csv")
        let text = huge["text/plain"]?.string ?? ""
        #expect(text.contains("(the first 30 shown)") && text.utf8.count < 20_000, "\(text.utf8.count) bytes")
        #expect((huge["text/html"]?.string?.utf8.count ?? 0) < 40_000)
    }
}

/// Numbers from outside at the ends of Int64: a `--bytes` start, a part read at the end of the
/// range, a size a server gives that no rate will reach. Each is said, none traps.
@Suite struct OutsideNumbersTests {
    @Test func aRangeFromTheLastOffsetEndsThere() throws {
        #expect(try OpenCommand.range("9223372036854775807-") == FileRange(start: .max, end: .max))
        #expect(try OpenCommand.range("9223372036854775000-") == FileRange(start: 9_223_372_036_854_775_000, end: .max))
        #expect(try OpenCommand.range("5-") == FileRange(start: 5, end: 5 + OpenCommand.rangeCap - 1))
        let file = OpenedFile(location: CollectionPath(tutorial1), path: "/~/x.txt", size: nil, contentType: nil)
        let read = FileRead(file: file, bytes: Array("abc".utf8), complete: false, start: .max - 1)
        #expect(read.extent == "x.txt: bytes 9223372036854775806-9223372036854775807 of unknown size read")
    }

    @Test func progressWithAnyTotalIsSaid() {
        #expect(formatSeconds(1e30) == "more than 100 years" && formatSeconds(.infinity) == "more than 100 years")
        #expect(formatSeconds(.nan) == "under 1 s" && formatSeconds(-5) == "under 1 s" && formatSeconds(61) == "1 min 1 s")
        #expect(LiveProgress.line(TransferProgress(bytes: 1, total: .max), elapsed: 1) == "1 B of 9223 PB (0%), 1 B/s, more than 100 years left")
        #expect(LiveProgress.line(TransferProgress(bytes: .max, total: 1), elapsed: 1).contains("(100%)"))
    }
}
