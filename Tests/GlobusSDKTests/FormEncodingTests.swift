import PropertyBased
import Testing
@testable import GlobusSDK

@Suite struct FormEncodingTests {
    /// Any text, Unicode and controls included, is percent-encoded into the unreserved bytes and
    /// `%XX` only, unreserved bytes stay as they are, and decoding gives the text back.
    @Test func percentEncodingRoundTripsAnyText() {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", "-", ".", "_", "~", " ", "+", "%", "&", "=", "?", "#", "/", "\u{0}", "\u{7F}", "é", "€", "𝄞", "\u{FEFF}"]
        var rng = Xoshiro(seed: (11, 0x9E37_79B9_7F4A_7C15, 3, 4))
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &rng) { text.unicodeScalars.append(pool.randomElement(using: &rng)!) }
            for spaceAsPlus in [false, true] {
                let encoded = FormEncoding.percentEncoded(text, spaceAsPlus: spaceAsPlus)
                #expect(encoded.utf8.allSatisfy { isUnreserved($0) || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") && spaceAsPlus }, "\(encoded)")
                #expect(FormEncoding.unescape(encoded) == text, "\(text.debugDescription) → \(encoded)")
                #expect(encoded.filter { $0 != "%" && $0 != "+" }.count >= text.unicodeScalars.filter { $0.isASCII && isUnreserved(UInt8($0.value)) }.count)
            }
        }
    }

    @Test func aQueryEncodesSpacesAsPercent20AndPlusAsPercent2B() throws {
        var request = ServiceRequest(service: .transfer, method: "GET", path: "/task_list")
        request.query = [("filter", "label:a b+c"), ("ü", "/x?y")]
        #expect(request.queryString == "?filter=label%3Aa%20b%2Bc&%C3%BC=%2Fx%3Fy")
    }

    private func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}
