import Crypto
import FoundationEssentials
import JSON
import Synchronization
import Testing
import _CryptoExtras
@testable import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct GatewayLauncherTests {
    typealias Range = GatewayLauncher.PortRange

    @Test func portRanges() throws {
        #expect(try Range(parsing: nil) == .any)
        #expect(try Range(parsing: "") == .any)
        #expect(try Range(parsing: "0..0") == .any)
        let r = try Range(parsing: "40000..41000")
        #expect(r.lower == 40000 && r.upper == 41000)
        #expect(r.contains(40500) && !r.contains(39999) && !r.contains(41001))
        #expect(try Range(parsing: "5000..5010", minimumSize: 10).upper == 5010)
    }

    @Test(arguments: ["a..b", "1000", "1000..", "..2000", "1000...3000", "1000-3000", "10..20..30", " 1000..3000", "1000..3000x"])
    func portRangesNotOfTheForm(_ text: String) {
        #expect(throws: GatewayLauncher.Failure("port range '\(text)' is not of the form LOWER..UPPER (two port numbers, e.g. 40000..41000)")) {
            try Range(parsing: text)
        }
    }

    @Test func portRangesOutOfBoundsOrTooSmall() {
        #expect(throws: GatewayLauncher.Failure("port range '3000..2000' must have 1 <= LOWER <= UPPER <= 65535 (or be 0..0 for any port)")) {
            try Range(parsing: "3000..2000")
        }
        #expect(throws: GatewayLauncher.Failure("port range '65000..70000' must have 1 <= LOWER <= UPPER <= 65535 (or be 0..0 for any port)")) {
            try Range(parsing: "65000..70000")
        }
        #expect(throws: GatewayLauncher.Failure("port range '0..2000' must have 1 <= LOWER <= UPPER <= 65535 (or be 0..0 for any port)")) {
            try Range(parsing: "0..2000")
        }
        #expect(throws: GatewayLauncher.Failure("port range '40000..40100' spans 100 ports; it must span at least 1000 (EG_MIN_PORT_RANGE_SIZE)")) {
            try Range(parsing: "40000..40100")
        }
    }

    @Test func portsArePickedInTheRange() throws {
        let range = try Range(parsing: "42000..43000")
        let ports = try GatewayLauncher.pickPorts(5, in: range, retries: 20)
        #expect(ports.count == 5 && Set(ports).count == 5)
        #expect(ports.allSatisfy(range.contains))
        let listener = try GatewayLauncher.bindListener(in: range, retries: 20)
        defer { close(listener.fd) }
        #expect(range.contains(listener.port))
    }

    @Test func publicKeysThatAreNot() {
        #expect(throws: GatewayLauncher.Failure("the public key is empty")) { try GatewayLauncher.PublicKey(base64: " \n") }
        #expect(throws: GatewayLauncher.Failure("the public key is not base64 (expected the gateway's RSA public key, base64 DER)")) {
            try GatewayLauncher.PublicKey(base64: "not a key!")
        }
        do {
            _ = try GatewayLauncher.PublicKey(base64: Data("hello, world".utf8).base64EncodedString())
            Issue.record("a base64 text that is no key was accepted")
        } catch {
            #expect(error.description.hasPrefix("the public key is not an RSA public key of 1024 bits or more"))
        }
        // An EC key is a public key, but not RSA.
        let ec = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
        #expect(throws: GatewayLauncher.Failure.self) { try GatewayLauncher.PublicKey(base64: ec) }
    }

    /// What the gateway does with the payload (its ResponseManager, version 1), done here with
    /// the private key: base64 → JSON → RSA-decrypt the AES key → AES-ECB-decrypt and unpad.
    @Test(arguments: [1024, 2048])
    func sealedPayloadOpensWithThePrivateKey(bits: Int) throws {
        let privateKey = try _RSA.Encryption.PrivateKey(unsafeKeySize: .init(bitCount: bits))
        // The gateway sends its PEM without armour and line breaks.
        let sent = privateKey.publicKey.pemRepresentation
            .replacing("-----BEGIN PUBLIC KEY-----", with: "").replacing("-----END PUBLIC KEY-----", with: "")
            .filter { $0 != "\n" }
        let key = try GatewayLauncher.PublicKey(base64: sent)
        for size in [0, 15, 16, 17, 300] {
            let plaintext = Array(String(repeating: "x", count: size).utf8)
            let sealed = try key.seal(plaintext)
            let outer = try #require(Data(base64Encoded: Data(sealed)))
            let payload = try JSON.parse(String(decoding: outer, as: UTF8.self))
            #expect(payload["version"]?.int == 1)
            let wrapped = try #require(payload["key"]?.string.flatMap { Data(base64Encoded: $0) })
            let aes = SymmetricKey(data: try privateKey.decrypt(wrapped, padding: ._WEAK_AND_INSECURE_PKCS_V1_5))
            #expect(aes.bitCount == 128)
            var blocks = Array(try #require(payload["conn_info"]?.string.flatMap { Data(base64Encoded: $0) }))
            #expect(blocks.count % 16 == 0 && blocks.count > plaintext.count)
            for start in stride(from: 0, to: blocks.count, by: 16) {
                var block = Array(blocks[start..<start + 16])
                try AES.inversePermute(&block, key: aes)
                blocks.replaceSubrange(start..<start + 16, with: block)
            }
            let pad = Int(try #require(blocks.last))
            #expect((1...16).contains(pad) && blocks.suffix(pad).allSatisfy { Int($0) == pad })
            #expect(Array(blocks.dropLast(pad)) == plaintext)
        }
    }

    @Test func responseAddresses() throws {
        let a = try GatewayLauncher.ResponseAddress(parsing: "10.0.0.1:8877")
        #expect(a.host == "10.0.0.1" && a.port == 8877)
        for bad in ["10.0.0.1", "10.0.0.1:", ":8877", "10.0.0.1:99999", "host.example:8877", "10.0.0.1:x"] {
            #expect(throws: GatewayLauncher.Failure.self) { try GatewayLauncher.ResponseAddress(parsing: bad) }
        }
    }

    @Test func unreachableResponseAddress() throws {
        // A port just bound and closed: nothing listens there.
        let port = try GatewayLauncher.pickPorts(1, in: .any)[0]
        do {
            try GatewayLauncher.send([1, 2, 3], to: GatewayLauncher.ResponseAddress(parsing: "127.0.0.1:\(port)"))
            Issue.record("sent to a port where nothing listens")
        } catch {
            #expect(error.description.hasPrefix("cannot reach the gateway's response address 127.0.0.1:\(port): "))
        }
    }

    @Test func requests() {
        #expect(GatewayLauncher.Request.parse(#"{"signum": 2}"#) == [.signal(2)])
        #expect(GatewayLauncher.Request.parse(#"{"signum": 0}"#) == [.signal(0)])
        #expect(GatewayLauncher.Request.parse(#"{"shutdown": 1}"#) == [.shutdown])
        #expect(GatewayLauncher.Request.parse(#"{"signum": 15, "shutdown": 1}"#) == [.signal(15), .shutdown])
        #expect(GatewayLauncher.Request.parse(#"{"shutdown": 0}"#) == [])
        #expect(GatewayLauncher.Request.parse(#"{"signum": 99}"#) == [])
        #expect(GatewayLauncher.Request.parse("not json") == [])
        #expect(GatewayLauncher.Request.parse("[2]") == [])
    }

    /// The communication port as the gateway uses it: a connection per request, each closed
    /// after sending; after a shutdown request the port refuses connections.
    @Test func communicationPort() throws {
        let listener = try GatewayLauncher.bindListener(in: .any)
        let seen = Mutex<[GatewayLauncher.Request]>([])
        let done = Latch()
        GatewayLauncher.serve(listener) { request in
            seen.withLock { $0.append(request) }
            if request == .shutdown { done.signal() }
        }
        for text in [#"{"signum": 0}"#, #"{"signum": 28}"#, #"{"shutdown": 1}"#] {
            try GatewayLauncher.send(Array(text.utf8), to: GatewayLauncher.ResponseAddress(parsing: "127.0.0.1:\(listener.port)"))
        }
        done.wait()
        #expect(seen.withLock { $0 } == [.signal(0), .signal(28), .shutdown])
        // The listener closes its socket after the shutdown request (on its own thread: poll for it).
        let deadline = ContinuousClock.now + .seconds(10)
        while fcntl(listener.fd, F_GETFD) != -1 && ContinuousClock.now < deadline { usleep(1000) }
        #expect(throws: GatewayLauncher.Failure.self) {
            try GatewayLauncher.send([1], to: GatewayLauncher.ResponseAddress(parsing: "127.0.0.1:\(listener.port)"))
        }
    }

    /// A gateway's kernelspec interrupts by signal (through the launcher); the default stays a message.
    @Test func kernelSpecInterruptMode() {
        var spec = KernelSpec(name: "k", displayName: "K", language: "x", argv: ["k"])
        #expect(spec.json["interrupt_mode"]?.string == "message")
        spec.interruptMode = "signal"
        #expect(spec.json["interrupt_mode"]?.string == "signal")
    }
}
