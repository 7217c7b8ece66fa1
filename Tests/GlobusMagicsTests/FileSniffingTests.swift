import Support
import JSON
import Testing
@testable import GlobusMagics

/// What `open` takes a file to be: from its bytes first, its name and type only between texts.
@Suite struct FileSniffingTests {
    func kind(_ text: String, _ name: String, type: String? = nil, complete: Bool = true) -> FileKind {
        FileKind.sniff(Array(text.utf8), name: name, contentType: type, complete: complete)
    }

    @Test func magicBytesWinOverTheName() {
        #expect(FileKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], name: "table.csv", contentType: "text/csv", complete: true) == .png)
        #expect(FileKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], name: "photo.txt", contentType: nil, complete: true) == .jpeg)
        #expect(kind("GIF89a\u{1}\u{0}\u{1}\u{0}", "anim.bin") == .gif)
        #expect(kind("a,b\n1,2\n", "picture.png", type: "image/png") == .csv, "a .png that is text is a table")
        #expect(FileKind.sniff([0, 1, 2, 0xFF, 0xFE], name: "data.csv", contentType: "text/csv", complete: true) == .binary)
    }

    @Test func textsAreToldApartByTheirContent() {
        #expect(kind(#"{"a": [1, 2]}"#, "notes.txt") == .json)
        #expect(kind("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "drawing") == .svg)
        #expect(kind("# Title\n\nSome *text*.\n", "README.md") == .markdown)
        #expect(kind("name\tvalue\nx\t1\n", "t.dat") == .tsv)
        #expect(kind("sample,temp\n1,21.4\n2,21.9\n", "readings") == .csv)
        #expect(kind("Hello, world.\n", "hello.txt") == .text, "one line with a comma is no table")
        #expect(kind("Dear Ann, hello.\nYes, and so on, twice.\n", "letter.txt") == .text, "lines with different field counts are no table")
        #expect(kind(#"{"a": [1, 2"#, "big.json", complete: false) == .text, "JSON cut short is shown as text")
    }

    @Test func aCharacterCutByTheEndOfAPartialReadIsDropped() {
        let cut = Array("ab€".utf8).dropLast()
        #expect(TextHead(Array(cut), complete: false)?.string == "ab")
        #expect(TextHead(Array(cut), complete: false)?.invalid == 0)
        #expect(TextHead(Array(cut), complete: true)?.string == "ab\u{FFFD}", "a whole file keeps what it has")
    }

    @Test func base64FollowsRFC4648() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
        #expect(Base64.encode([0xFF, 0xFE, 0xFD]) == "//79")
    }
}
