import PropertyBased
import Testing
import Support

@Suite struct Base64Tests {
    /// RFC 4648's test vectors, in both alphabets.
    @Test func rfcVectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.encode(Array(plain.utf8), alphabet: .url) == encoded.filter { $0 != "=" })
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            #expect(Base64.decode(encoded.filter { $0 != "=" }, alphabet: .url) == Array(plain.utf8))
        }
        #expect(Base64.encode([0xFF, 0xFE, 0xFD]) == "//79")
        #expect(Base64.encode([0xFB, 0xFF], alphabet: .url) == "-_8")
    }

    /// Any bytes round-trip in both alphabets; the output holds only the alphabet's characters.
    @Test func anyBytesRoundTrip() {
        var rng = Xoshiro(seed: (3, 0x9E37_79B9_7F4A_7C15, 5, 7))
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let standard = Base64.encode(bytes), url = Base64.encode(bytes, alphabet: .url)
            #expect(Base64.decode(standard) == bytes && Base64.decode(url, alphabet: .url) == bytes)
            #expect(standard.utf8.count % 4 == 0 && !url.contains("="))
            #expect(!url.contains("+") && !url.contains("/") && !standard.contains("-") && !standard.contains("_"))
        }
    }

    /// Text that is not base64 of the alphabet is refused, not half-decoded.
    @Test func refusesWhatIsNotBase64() {
        for text in ["Zg=a", "Z", "Zm9vY", "Zg===", "Zm 9v", "Zm9v\n", "é", "Zm-v"] { #expect(Base64.decode(text) == nil, "\(text)") }
        for text in ["Zm+v", "Zm/v", "Z"] { #expect(Base64.decode(text, alphabet: .url) == nil, "\(text)") }
    }
}
