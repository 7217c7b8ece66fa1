import Escaping
import JSON
import PropertyBased
import Testing
@testable import GlobusMagics

/// `SecretMask` finds and masks secrets as a plain search would: checked against a naive
/// byte-by-byte search on texts and secrets drawn from a few letters (so that near misses,
/// overlaps and secrets inside secrets are common), multi-byte ones among them.
@Suite struct SecretMaskTests {
    static let alphabet = ["a", "b", "c", "é", "🔑", "\u{0}"]
    static let letters = Gen.int(in: 0...5).map { alphabet[$0] }
    static let secretGen = letters.array(of: 1...6).map { $0.joined() }
    static let textGen = letters.array(of: 0...60).map { $0.joined() }

    /// Whether `needle` occurs in `bytes`, one offset at a time.
    static func naiveContains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    /// Each secret, longest first then in byte order, replaced wherever it occurs, left to right.
    static func naiveMasked(_ text: String, _ secrets: [String]) -> String {
        let ordered = Set(secrets.map { Array($0.utf8) }.filter { $0.count >= 2 })
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        var bytes = Array(text.utf8)
        for secret in ordered {
            var out: [UInt8] = []
            var at = 0
            while at < bytes.count {
                if at + secret.count <= bytes.count, Array(bytes[at..<(at + secret.count)]) == secret {
                    out += SecretMask.replacement.utf8
                    at += secret.count
                } else {
                    out.append(bytes[at])
                    at += 1
                }
            }
            bytes = out
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func findsAndMasksAsANaiveSearchDoes() async {
        await propertyCheck(count: 3000, input: Self.secretGen.array(of: 0...5), Self.textGen) { secrets, text in
            let mask = SecretMask(secrets, minimumLength: 0)
            let expected = secrets.contains { $0.utf8.count >= 2 && Self.naiveContains(Array(text.utf8), Array($0.utf8)) }
            #expect(mask.contains(text) == expected, "secrets \(secrets.debugDescription) in \(text.debugDescription)")
            #expect(mask.masked(text) == Self.naiveMasked(text, secrets))
            #expect(mask.contains(JSON.array([["k": .string(text)]])) == expected)
        }
    }

    /// Long secrets (past the indexed prefix) in long texts, where the search looks at one
    /// place in many: from two letters, so near misses are everywhere.
    @Test func longSecretsInLongTextsAsANaiveSearchDoes() async {
        let ab = Gen.int(in: 0...1).map { ["a", "b"][$0] }
        let secrets = ab.array(of: 8...90).map { $0.joined() }.array(of: 1...3)
        await propertyCheck(count: 300, input: secrets, ab.array(of: 0...400).map { $0.joined() }, Gen.int(in: 0...400)) { secrets, text, at in
            // Often the text holds a secret somewhere (a random string of a's and b's seldom does).
            let cut = text.index(text.startIndex, offsetBy: min(at, text.count))
            let text = at % 2 == 0 ? text : String(text[..<cut]) + secrets[at % secrets.count] + String(text[cut...])
            let mask = SecretMask(secrets)
            let expected = secrets.contains { Self.naiveContains(Array(text.utf8), Array($0.utf8)) }
            #expect(mask.contains(text) == expected, "secrets \(secrets) in \(text)")
            #expect(mask.masked(text) == Self.naiveMasked(text, secrets))
        }
    }

    /// Markup holds a secret as written or as `HTML.escape` writes it.
    @Test func markupHoldsASecretAsWrittenOrEscaped() {
        let secret = #"style="white-space:nowrap">&x"#
        let token = "AgX7rQ2pLm9vTzK0bWcYdE4fH1jN6sU8"
        let mask = SecretMask([secret, token])
        #expect(mask.holdsInMarkup("<td>" + HTML.escape(secret) + "</td>"))
        #expect(mask.holdsInMarkup("<td " + secret + "</td>"))
        #expect(mask.holdsInMarkup("<td>" + HTML.escape(token) + "</td>"))
        #expect(!mask.holdsInMarkup("<td>" + HTML.escape(String(secret.dropLast())) + "</td>"))
        #expect(!SecretMask([token]).holdsInMarkup("<td>&quot;nothing&amp;</td>"))
    }

    @Test func aSecretAtEitherEndOrFillingTheWholeTextIsFound() {
        let token = "AgX7rQ2pLm9vTzK0bWcYdE4fH1jN6sU8"
        let mask = SecretMask([token, "refresh-" + token])
        for text in [token, token + " tail", "head " + token, "x" + token + "y", "refresh-" + token + "\n"] {
            #expect(mask.contains(text))
            #expect(!mask.masked(text).contains(token.dropFirst(2)), "\(text) → \(mask.masked(text))")
        }
        #expect(mask.masked("refresh-" + token) == SecretMask.replacement, "the longer secret is masked whole")
        #expect(!mask.contains(String(token.dropLast())) && !mask.contains(String(token.dropFirst())))
        #expect(!mask.contains("") && !SecretMask([]).contains(token))
    }
}
