import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

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
