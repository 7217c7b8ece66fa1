import Escaping
import PropertyBased
import Testing

/// Reads escaped HTML text back the way an HTML parser does for the five references
/// `HTML.escape` writes (an independent decoder: it knows nothing of how they were made).
func readBack(_ html: String) -> String? {
    // By scalar: a reference's ";" and a combining mark after it are one Character.
    var out = String.UnicodeScalarView()
    var rest = html.unicodeScalars[...]
    let references: [(String, Unicode.Scalar)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")]
    while let first = rest.first {
        guard first == "&" else {
            out.append(first)
            rest = rest.dropFirst()
            continue
        }
        guard let (reference, text) = references.first(where: { rest.starts(with: $0.0.unicodeScalars) }) else { return nil }
        out.append(text)
        rest = rest.dropFirst(reference.unicodeScalars.count)
    }
    return String(out)
}

/// Scalars chosen to break code that walks grapheme clusters, or that trusts what follows a quote.
let tricky: [Unicode.Scalar] = [
    "<", ">", "&", "\"", "'", "`", "=", "/", " ",
    "\u{301}", "\u{20DD}", "\u{200D}", "\u{FE0F}", "\u{FE00}", "\u{E0100}",  // combining marks, ZWJ, variation selectors
    "\u{600}", "\u{605}", "\u{6DD}", "\u{70F}", "\u{8E2}", "\u{110BD}", "\u{111C2}", "\u{D4E}",  // Prepend
    "\u{0}", "\u{7}", "\u{8}", "\u{1B}", "\u{D}", "\u{7F}", "\u{85}", "\u{9B}", "\u{9F}", "\t", "\n",  // controls
    "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{61C}",  // direction marks
    "\u{1F600}", "\u{1F1FA}", "\u{1F3FB}", "\u{10FFFF}", "\u{E000}", "\u{FFFD}", "\u{FFFE}"
]

/// A scalar from any plane (surrogates skipped), from the first planes' scripts and marks, or a
/// tricky one, a third of the time each.
let hostileScalar = Gen<UInt32>.value(in: 0...0x7FFF_FFFF).withoutShrink().map { n -> Unicode.Scalar in
    let k = n / 3
    switch n % 3 {
    case 0:
        let v = k % 0x10_F800
        return Unicode.Scalar(v < 0xD800 ? v : v + 0x800)!
    case 1: return Unicode.Scalar(k % 0x300)!
    default: return tricky[Int(k) % tricky.count]
    }
}

/// Strings of up to 120 such scalars.
let hostileStrings = hostileScalar.array(of: 0...120).map { scalars in String(String.UnicodeScalarView(scalars)) }

@Suite struct HTMLEscapingTests {
    @Test func aPrependCharacterBeforeAngleBracketIsStillEscaped() {
        // "\u{600}<" is one Swift Character: a loop over Characters emitted its "<" raw.
        #expect(HTML.escape("\u{600}<img src=x onerror=alert(1)//") == "\u{600}&lt;img src=x onerror=alert(1)//")
    }

    @Test(arguments: ["\u{301}", "\u{200D}", "\u{FE0F}"])
    func aQuoteFollowedByAJoiningScalarCannotEndAnAttribute(joiner: String) {
        let name = "\"" + joiner + " onmouseover=alert(1) x=\""
        let escaped = HTML.escape(name)
        #expect(!escaped.contains("\""))
        #expect(escaped.hasPrefix("&quot;" + joiner))
    }

    @Test func singleQuotesAreEscaped() {
        #expect(HTML.escape("it's") == "it&#39;s")
    }

    @Test func onlyHTTPAddressesBecomeLinks() {
        #expect(HTML.href("https://auth.globus.org/v2/oauth2/authorize?a=1&b=2") == "https://auth.globus.org/v2/oauth2/authorize?a=1&amp;b=2")
        #expect(HTML.href("HTTP://127.0.0.1:8000/") != nil)
        #expect(HTML.href("javascript:alert(1)") == nil)
        #expect(HTML.href(" javascript:alert(1)") == nil)
        #expect(HTML.href("data:text/html,<script>") == nil)
    }

    @Test func anyStringStaysTextAndReadsBackAsShown() async {
        await propertyCheck(count: 3000, input: hostileStrings) { s in
            let escaped = HTML.escape(s)
            // Nothing that could open a tag, end an attribute or start another reference.
            #expect(!escaped.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" })
            #expect(readBack(escaped) == Terminal.visible(s))
            // Byte for byte the same whichever way the string is stored.
            #expect(HTML.escape(String(decoding: Array(s.utf8), as: UTF8.self)) == escaped)
        }
    }

    @Test func anyPrefixOfAnyStringIsEscapedAsWell() async {
        // Shortened cells are cut by Character; whatever the cut, the part shown stays text.
        await propertyCheck(count: 1000, input: hostileStrings, Gen.int(in: 0...120)) { s, n in
            let cut = String(s.prefix(n)) + "…"
            let escaped = HTML.escape(cut)
            #expect(!escaped.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" })
            #expect(readBack(escaped) == Terminal.visible(cut))
        }
    }
}
