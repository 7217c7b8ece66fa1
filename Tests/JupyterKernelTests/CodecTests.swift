import JSON
import Testing
@testable import JupyterKernel

@Suite struct CodecTests {
    let headers = HeaderFactory(session: "s")

    @Test func encodedMessagesDecodeWithIdentitiesAndParent() throws {
        let a = MessageCodec(key: "secret", headers: headers)
        let b = MessageCodec(key: "secret", headers: headers)
        let parent = Array(#"{"msg_id":"p1","msg_type":"execute_request"}"#.utf8)
        let frames = a.encode(
            "execute_request", content: ["code": "%echo hi"], parent: parent,
            identities: [Array("id1".utf8), Array("id2".utf8)])
        let r = try b.decode(frames)
        #expect(r.identities == [Array("id1".utf8), Array("id2".utf8)])
        #expect(r.msgType == "execute_request")
        #expect(r.content["code"] == "%echo hi")
        #expect(r.header["version"] == "5.3")
        #expect(r.header["session"] == "s")
    }

    @Test func rejectsMalformedFrames() {
        let c = MessageCodec(key: "k", headers: headers)
        #expect(throws: DecodeFailure.noDelimiter) { try c.decode([Array("x".utf8)]) }
        #expect(throws: DecodeFailure.tooFewFrames(2)) { try c.decode([delimiter, [], Array("{}".utf8)]) }
        let bad = [delimiter, Array(repeating: UInt8(ascii: "0"), count: 64)] + Array(repeating: Array("{}".utf8), count: 4)
        #expect(throws: DecodeFailure.signature(.invalid)) { try c.decode(bad) }
    }

    @Test func rejectsInvalidJSONEvenWhenSigned() {
        let c = MessageCodec(key: "", headers: headers)
        #expect(throws: DecodeFailure.invalidJSON("header")) { try c.decode([delimiter, [], Array("{".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]) }
        #expect(throws: DecodeFailure.missingMessageType) { try c.decode([delimiter, [], Array("{}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]) }
    }

    @Test func headersAreFreshAndWellFormed() throws {
        let h1 = try JSON.parse(headers.make("status"))
        let h2 = try JSON.parse(headers.make("status"))
        #expect(h1["msg_id"] != h2["msg_id"])
        #expect(h1["msg_type"] == "status")
        let date = h1["date"]!.string!
        #expect(date.count == 27 && date.hasSuffix("Z") && date.dropFirst(10).first == "T")
    }

    @Test func parentHeaderIsTheRawRequestBytes() throws {
        let c = MessageCodec(key: "", headers: headers)
        let raw = Array(#"{ "msg_id" : "x",  "msg_type":"kernel_info_request", "extra": 1.0 }"#.utf8)
        let frames = c.encode("kernel_info_reply", content: [:], parent: raw, identities: [])
        #expect(frames[3] == raw)
    }

    @Test func connectionFileParsing() throws {
        let info = try ConnectionInfo(
            json:
                #"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"ip":"127.0.0.1","key":"k","transport":"tcp","signature_scheme":"hmac-sha256","future_key":true}"#
        )
        #expect(info.endpoint(info.shellPort) == "tcp://127.0.0.1:1")
        var ipc = info
        ipc.transport = "ipc"
        ipc.ip = "/tmp/kernel"
        #expect(ipc.endpoint(5) == "ipc:///tmp/kernel-5")
        #expect(throws: ConnectionInfo.Invalid.self) { try ConnectionInfo(json: #"{"shell_port":0}"#) }
    }
}
