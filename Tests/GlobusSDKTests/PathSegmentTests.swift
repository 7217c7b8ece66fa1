import PropertyBased
import Testing
@testable import GlobusSDK

/// An id put into a path names one resource under that path, whatever it holds.
@Suite struct PathSegmentTests {
    let production = GlobusEnvironment(name: "production")

    @Test func aTaskIdCannotClimbOutOfTasks() throws {
        let url = try TransferAPI.task("../../../admin/state").url(environment: production)
        #expect(url == "https://transfer.api.globus.org/v0.10/task/%2E%2E%2F%2E%2E%2F%2E%2E%2Fadmin%2Fstate")
        #expect(try TransferAPI.cancel("..").url(environment: production) == "https://transfer.api.globus.org/v0.10/task/%2E%2E/cancel")
        #expect(
            try TransferAPI.ls("x?path=/etc#", path: "/~/").url(environment: production)
                .hasPrefix("https://transfer.api.globus.org/v0.10/operation/endpoint/x%3Fpath%3D%2Fetc%23/ls?path="))
    }

    @Test func uuidsAreRecognised() {
        #expect(PathSegment.isUUID("6c54cade-bde5-45c1-bdea-f4bd71dba2cc"))
        #expect(PathSegment.isUUID("6C54CADE-BDE5-45C1-BDEA-F4BD71DBA2CC"))
        for bad in [
            "", "6c54cade-bde5-45c1-bdea-f4bd71dba2c", "6c54cade-bde5-45c1-bdea-f4bd71dba2cg", "../../6c54cade-bde5-45c1-bdea",
            "6c54cade-bde5-45c1-bdea-f4bd71dba2cc/..", "６c54cade-bde5-45c1-bdea-f4bd71dba2cc"
        ] {
            #expect(!PathSegment.isUUID(bad), "\(bad)")
        }
    }

    @Test func anyIdIsOneSegmentThatDecodesBackToIt() async {
        let text = Gen<UInt32>.value(in: 0...0x7FFF_FFFF).withoutShrink().map { n -> Unicode.Scalar in
            let pieces: [Unicode.Scalar] = ["/", ".", "?", "#", "%", "&", "=", " ", "\\", ";", "+", "\u{0}", "\n"]
            if n % 2 == 0 { return pieces[Int(n / 2) % pieces.count] }
            let v = (n / 2) % 0x10_F800
            return Unicode.Scalar(v < 0xD800 ? v : v + 0x800)!
        }.array(of: 0...30).map { String(String.UnicodeScalarView($0)) }
        await propertyCheck(count: 2000, input: text) { id in
            let segment = PathSegment.escape(id)
            #expect(segment.utf8.allSatisfy { b in b != UInt8(ascii: "/") && b != UInt8(ascii: "?") && b != UInt8(ascii: "#") && b != UInt8(ascii: ".") && b < 0x80 && b > 0x20 })
            #expect(decode(segment) == Array(id.utf8))
            let url = try? TransferAPI.task(id).url(environment: production)
            #expect(url == "https://transfer.api.globus.org/v0.10/task/" + segment)
        }
    }

    func decode(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return out
    }
}
