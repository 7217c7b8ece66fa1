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
    static func listing(of name: String) async throws -> (html: String, text: String) {
        var shown = ("", "")
        try await withNotebook { nb in
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

/// The kernel's own tokens are found by value in anything it shows or keeps, however they got
/// there (here: the simulator's audit listing of every token it issued, fetched as a call).
@Suite struct SecretsByValueTests {
    @Test func aTokenPickedOutOfAnAnswerIsNeitherShownNorKept() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let stored = try JSONTokenFile(nb.tokenFile).tokens
            #expect(!stored.isEmpty)
            let admin = nb.sim.variables["GLOBUS_SIM_ADMIN_URL"]!
            // An array of token strings, shown: every one masked, in every part of the output.
            let (_, listed) = try await nb.run("%globus call transfer GET \(admin)issued-tokens --format json")
            let shown = (listed.results + listed.displays).map { $0.json.serialized }.joined() + listed.stdout + listed.stderr
            for t in stored { #expect(!shown.contains(t), "a stored token was shown") }
            #expect(shown.contains(SecretMask.replacement))
            // One token picked out with --jmespath and kept: refused by name, nothing kept.
            let kept = try await nb.failure("%globus call transfer GET \(admin)issued-tokens --jmespath '[0]' --as t")
            #expect(kept?.ename == "SecretError")
            #expect(nb.kept("t") == nil)
            let array = try await nb.failure("%globus call transfer GET \(admin)issued-tokens --as all")
            #expect(array?.ename == "SecretError")
        }
    }

    @Test func aBodyFileHoldingATokenIsNotSent() async throws {
        try await withNotebook { nb in
            _ = try await nb.run("%globus login")
            let e = try await nb.failure("%globus call transfer POST /transfer --body-file \(nb.tokenFile)")
            #expect(e?.ename == "SecretError")
            #expect(await !nb.sim.requestedPaths().contains { $0.hasPrefix("/transfer/transfer") })
        }
    }
}

/// The token strings of a JSON token file.
struct JSONTokenFile {
    let tokens: [String]
    init(_ path: String) throws {
        let doc = try JSON.parse(readFile(path) ?? [])
        var out: [String] = []
        for (_, ns) in doc["data"]?.object ?? JSONObject() {
            for (_, e) in ns.object ?? JSONObject() {
                for k in ["access_token", "refresh_token"] { if let t = e[k]?.string { out.append(t) } }
            }
        }
        tokens = out
    }
}
