import Escaping
import PropertyBased
import Testing

/// `Markdown.inertHTML`: no `<` survives (so no tag, comment or script can open), and the two
/// references read back (by an HTML parser's rules, `readBack`) to exactly the text (so the file's Markdown is unchanged).
@Suite struct MarkdownTests {
    @Test func noTagCanOpenAndTheTextReadsBack() async {
        await propertyCheck(count: 3000, input: hostileStrings) { s in
            let source = Markdown.inertHTML(s)
            #expect(!source.utf8.contains(UInt8(ascii: "<")))
            #expect(readBack(source) == s)
        }
    }

    @Test func markdownOfItsOwnStays() {
        #expect(Markdown.inertHTML("# Notes\n> quoted\n- a *b*") == "# Notes\n> quoted\n- a *b*")
        #expect(Markdown.inertHTML("<script>x</script> & <!-- c -->") == "&lt;script>x&lt;/script> &amp; &lt;!-- c -->")
    }
}
