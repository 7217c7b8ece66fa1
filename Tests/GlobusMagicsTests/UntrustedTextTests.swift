import Escaping
import JSON
import JupyterKernel
import SimulatorSupport
import GlobusSDK
import Testing
@testable import GlobusMagics

/// Names other people wrote (here: made with %globus mkdir, as a classmate on a shared
/// collection would) come out of every verb as text: never as markup, never as terminal control.
@Suite struct UntrustedTextTests {
    static let tutorial = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"

    /// The HTML and text of `%globus ls` on a folder holding one entry named `name`.
    static func listing(of name: String, variables: [String: String] = [:]) async throws -> (html: String, text: String) {
        var shown = ("", "")
        try await withNotebook(variables) { nb in
            _ = try await nb.run("%globus login")
            let folder = "/~/untrusted-\(UInt32.random(in: 0...UInt32.max))"
            _ = try await nb.run("%globus mkdir \(tutorial):\(folder)")
            let made = try await nb.run("%globus mkdir \(tutorial):\(folder)/\(ShellWords.quote(name))")
            guard case .ok = made.0 else { Issue.record("mkdir failed: \(made.0)"); return }
            let (_, out) = try await nb.run("%globus ls \(tutorial):\(folder)")
            let b = out.results.last
            shown = (b?["text/html"]?.string ?? "", b?["text/plain"]?.string ?? "")
        }
        return shown
    }

    @Test func aPrependCharacterCannotSmuggleATagIntoAListing() async throws {
        let (html, _) = try await Self.listing(of: "\u{600}<img src=x onerror=alert(1)>")
        #expect(!html.isEmpty)
        #expect(!html.contains("<img"), "a live <img onerror> in: \(html)")
        #expect(html.contains("\u{600}&lt;img src=x onerror=alert(1)&gt;"))
    }

    /// A secret can be any text, the kernel's own markup included: masking it inside a finished
    /// table cut a `<td>`'s closing `">`, and the escaped name after it became its attributes.
    /// Markup that holds a secret is dropped, and the masked text stands in for it.
    @Test func aSecretThatIsTheKernelsOwnMarkupCannotOpenATag() async throws {
        let name = "x style=position:fixed;inset:0 onmouseover=alert(document.domain) x"
        let (html, text) = try await Self.listing(of: name, variables: ["X_TOKEN": "style=\"white-space:nowrap\">"])
        #expect(html.isEmpty, "HTML holding the secret was shown: \(html)")
        #expect(text.contains(name))
        let (plain, _) = try await Self.listing(of: name)
        #expect(plain.contains("<td style=\"white-space:nowrap\">\(name)</td>"))
    }

    @Test func aQuoteWithACombiningMarkCannotEndTheTooltip() async throws {
        // Longer than a table cell, so the full name goes into the cell's title="…".
        let name = "\"\u{301} onmouseover=alert(1) x=\"" + String(repeating: "a", count: 90)
        let (html, _) = try await Self.listing(of: name)
        #expect(html.contains("title=\""))
        let raw = "\"\u{301} onmouseover", escaped = "&quot;\u{301} onmouseover=alert(1) x=&quot;"
        #expect(!html.contains(raw), "the quote ended the attribute")
        #expect(html.contains(escaped))
    }

    @Test func aNameWithControlsIsNeverOfferedByTabCompletion() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let folder = "/~/tab-\(UInt32.random(in: 0...UInt32.max))"
            _ = try await nb.run("%globus mkdir \(Self.tutorial):\(folder)")
            for name in ["plain", "p\u{1b}]0;t\u{7}"] { _ = try await nb.run("%globus mkdir \(Self.tutorial):\(folder)/\(ShellWords.quote(name))") }
            _ = try await nb.run("%globus ls \(Self.tutorial):\(folder)")
            let code = "%globus ls \(Self.tutorial):\(folder)/p"
            let matches = nb.interp.complete(code, cursor: code.unicodeScalars.count).matches
            #expect(matches.contains { $0.hasSuffix("/plain/") }, "\(matches)")
            #expect(!matches.contains { $0.contains("\u{1b}") }, "\(matches.debugDescription)")
        }
    }

    @Test func terminalControlsInANameAreShownNotObeyed() async throws {
        let (html, text) = try await Self.listing(of: "\u{1b}]0;title\u{7}\u{1b}[2J")
        #expect(!text.contains("\u{1b}") && !text.contains("\u{7}"), "raw controls in: \(text.debugDescription)")
        #expect(text.contains("\\x1b]0;title\\x07\\x1b[2J"))
        #expect(!html.contains("\u{1b}"))
    }
}
