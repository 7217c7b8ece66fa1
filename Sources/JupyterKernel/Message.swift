import JSON

/// The delimiter between routing identities and the message proper.
let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

/// A request received from a client, with the raw header kept verbatim so that it can be
/// echoed as the `parent_header` of everything the request causes.
public struct Request: Sendable {
    /// Routing identities (echoed on replies and on `input_request`).
    public var identities: [[UInt8]]
    /// The header frame exactly as received.
    public var rawHeader: [UInt8]
    public var header: JSON
    public var metadata: JSON
    public var content: JSON
    /// Raw buffers after the content frame (comms only).
    public var buffers: [[UInt8]]

    public var msgType: String { header["msg_type"]?.string ?? "" }
    public var msgID: String { header["msg_id"]?.string ?? "" }
    public var session: String { header["session"]?.string ?? "" }

    /// A request built in memory (tests, the mock transport).
    public init(
        msgType: String, content: JSON, msgID: String = "test", session: String = "client",
        identities: [[UInt8]] = [Array("client".utf8)], metadata: JSON = [:]
    ) {
        let header: JSON = .obj([
            "msg_id": .string(msgID), "session": .string(session), "username": "test",
            "date": "2026-01-01T00:00:00.000000Z", "msg_type": .string(msgType), "version": "5.3"
        ])
        self.init(
            identities: identities, rawHeader: header.bytes, header: header,
            metadata: metadata, content: content, buffers: [])
    }

    public init(identities: [[UInt8]], rawHeader: [UInt8], header: JSON, metadata: JSON, content: JSON, buffers: [[UInt8]]) {
        self.identities = identities
        self.rawHeader = rawHeader
        self.header = header
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }
}

/// Why a multipart message was dropped.
public enum DecodeFailure: Error, CustomStringConvertible, Equatable, Sendable {
    case noDelimiter
    case tooFewFrames(Int)
    case signature(Signer.Failure)
    case invalidJSON(String)
    case missingMessageType

    public var description: String {
        switch self {
        case .noDelimiter: "no <IDS|MSG> delimiter"
        case .tooFewFrames(let n): "malformed message: \(n) frames after the delimiter, at least 5 needed"
        case .signature(.missing): "unsigned message"
        case .signature(.invalid): "invalid signature"
        case .signature(.replayed): "duplicate signature (replayed message)"
        case .invalidJSON(let frame): "invalid JSON in the \(frame) frame"
        case .missingMessageType: "header has no msg_type"
        }
    }
}

/// Encodes and decodes the Jupyter wire format: identities, delimiter, signature and four
/// JSON frames, plus optional buffers. One codec per owner thread (the signer keeps history).
public final class MessageCodec: @unchecked Sendable {
    public let signer: Signer
    public let headers: HeaderFactory

    public init(key: String, headers: HeaderFactory, history: ReplayHistory = ReplayHistory()) {
        self.signer = Signer(key: key, history: history)
        self.headers = headers
    }

    /// Splits, verifies and parses a multipart message.
    public func decode(_ frames: [[UInt8]]) throws(DecodeFailure) -> Request {
        guard let d = frames.firstIndex(of: delimiter) else { throw .noDelimiter }
        let rest = frames.count - d - 1
        guard rest >= 5 else { throw .tooFewFrames(rest) }
        let signed = Array(frames[(d + 2)...(d + 5)])
        do { try signer.verify(frames[d + 1], frames: signed) } catch { throw .signature(error) }
        func parse(_ i: Int, _ name: String) throws(DecodeFailure) -> JSON {
            do {
                let v = try JSON.parse(frames[d + 2 + i])
                guard case .object = v else { throw DecodeFailure.invalidJSON(name) }
                return v
            } catch { throw .invalidJSON(name) }
        }
        let header = try parse(0, "header")
        _ = try parse(1, "parent_header")
        let metadata = try parse(2, "metadata")
        let content = try parse(3, "content")
        guard header["msg_type"]?.string != nil else { throw .missingMessageType }
        return Request(
            identities: Array(frames[..<d]), rawHeader: frames[d + 2], header: header,
            metadata: metadata, content: content, buffers: Array(frames[(d + 6)...]))
    }

    /// Builds the frames of a message of `msgType` whose parent is `parent` (raw header bytes,
    /// or `{}`), routed with `identities` (or an IOPub topic).
    public func encode(
        _ msgType: String, content: JSON, parent: [UInt8]?, identities: [[UInt8]],
        metadata: JSON = [:]
    ) -> [[UInt8]] {
        let header = headers.make(msgType)
        let body: [[UInt8]] = [header, parent ?? Array("{}".utf8), metadata.bytes, content.bytes]
        return identities + [delimiter, signer.sign(body)] + body
    }
}
