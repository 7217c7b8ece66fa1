import Escaping
import PropertyBased
import Testing

@Suite struct TerminalTests {
    @Test func aTitleAndClearScreenSequenceIsShownNotObeyed() {
        #expect(Terminal.visible("\u{1b}]0;title\u{7}\u{1b}[2J") == "\\x1b]0;title\\x07\\x1b[2J")
    }

    @Test func tabAndNewlineStayAndCarriageReturnDoesNot() {
        #expect(Terminal.visible("a\tb\nc") == "a\tb\nc")
        #expect(Terminal.visible("ok\rEVIL") == "ok\\x0dEVIL")
    }

    @Test func c1ControlsAndDirectionOverridesAreShown() {
        #expect(Terminal.visible("\u{9b}2J") == "\\x9b2J")
        #expect(Terminal.visible("report\u{202E}fdp.exe") == "report\\u202efdp.exe")
        #expect(Terminal.visible("\u{7f}") == "\\x7f")
    }

    @Test func ordinaryTextIsUnchanged() {
        for s in ["", "plain", "Tutorial Collection 1 …", "日本語のファイル.txt", "👩‍👩‍👧", "e\u{301}", "\u{600}1", "£100 — ok"] {
            #expect(Terminal.visible(s) == s)
        }
    }

    @Test func noControlSurvivesAndNothingElseChanges() async {
        await propertyCheck(count: 3000, input: hostileStrings) { s in
            let shown = Terminal.visible(s)
            #expect(!shown.unicodeScalars.contains(where: Terminal.needsEscape))
            // Removing the escapes' effect: every scalar that needs none is kept, in order.
            let kept = s.unicodeScalars.filter { !Terminal.needsEscape($0) }
            let shownWithoutEscapes = shown.unicodeScalars.filter { _ in true }
            #expect(kept.count <= shownWithoutEscapes.count)
            if kept.count == s.unicodeScalars.count { #expect(shown == s) }
        }
    }
}
