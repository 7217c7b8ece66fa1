import Testing
@testable import JupyterKernel

@Suite struct SignerTests {
    // Known answers computed once with Python's hmac module.
    let frames: [[UInt8]] = [Array(#"{"msg_id":"1","msg_type":"kernel_info_request"}"#.utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]

    @Test func matchesPythonHMAC() {
        let s = Signer(key: "a0436f6c-1916498b8eb9e81ab9368e84")
        #expect(String(decoding: s.sign(frames), as: UTF8.self) == "3d8953ad0acb630486be2df6cd1de20399308887ee53b361c6b4da253a5dac45")
    }

    /// Each message starts from the keyed state afresh, whatever was signed before it, on
    /// whichever thread (the known answer holds after other messages, interleaved).
    @Test func eachSignatureStartsFromTheKeyAlone() async {
        let s = Signer(key: "a0436f6c-1916498b8eb9e81ab9368e84")
        let other: [[UInt8]] = [Array("x".utf8), [], [], Array("y".utf8)]
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    _ = s.sign(i % 2 == 0 ? other : [])
                    return String(decoding: s.sign(frames), as: UTF8.self) == "3d8953ad0acb630486be2df6cd1de20399308887ee53b361c6b4da253a5dac45"
                }
            }
            for await same in group { #expect(same) }
        }
    }

    @Test func keyIsTheUTF8OfTheString() {
        let s = Signer(key: "ключ")
        let f: [[UInt8]] = [Array("h".utf8), Array("p".utf8), Array("m".utf8), Array("ü".utf8)]
        #expect(String(decoding: s.sign(f), as: UTF8.self) == "f1d2dfd5d9969ce62611eb87a3c5101f5707cc63f1eae864a3cc0f805e524d46")
    }

    @Test func verifiesOnceThenRefusesReplay() throws {
        let s = Signer(key: "k")
        let sig = s.sign(frames)
        try s.verify(sig, frames: frames)
        #expect(throws: Signer.Failure.replayed) { try s.verify(sig, frames: frames) }
    }

    @Test func aReplayIsRefusedWhateverItsCaseAndWhicheverChannel() throws {
        let shared = ReplayHistory()
        let shell = Signer(key: "k", history: shared), control = Signer(key: "k", history: shared)
        let sig = shell.sign(frames)
        // Upper-case hex is not the canonical form Jupyter clients send: refused outright.
        let upper = Array(String(decoding: sig, as: UTF8.self).uppercased().utf8)
        #expect(throws: Signer.Failure.invalid) { try shell.verify(upper, frames: frames) }
        try shell.verify(sig, frames: frames)
        #expect(throws: Signer.Failure.replayed) { try control.verify(sig, frames: frames) }
        var mixed = sig
        if let i = mixed.firstIndex(where: { $0 >= UInt8(ascii: "a") }) { mixed[i] -= 32 }
        #expect(throws: Signer.Failure.self) { try control.verify(mixed, frames: frames) }
    }

    @Test func refusesMissingWrongAndMalformedSignatures() {
        let s = Signer(key: "k")
        #expect(throws: Signer.Failure.missing) { try s.verify([], frames: frames) }
        #expect(throws: Signer.Failure.invalid) { try s.verify(Array(String(repeating: "0", count: 64).utf8), frames: frames) }
        #expect(throws: Signer.Failure.invalid) { try s.verify(Array("zz".utf8), frames: frames) }
        var upper = s.sign(frames)
        upper[0] = UInt8(ascii: "x")
        #expect(throws: Signer.Failure.invalid) { try s.verify(upper, frames: frames) }
    }

    @Test func emptyKeyDisablesSigning() throws {
        let s = Signer(key: "")
        #expect(s.sign(frames).isEmpty)
        try s.verify([], frames: frames)
        try s.verify([], frames: frames)
    }

    @Test func digestHistoryIsBounded() {
        var h = DigestHistory(capacity: 3)
        for i in 0..<10 { let fresh = h.insert([UInt8(i)]); #expect(fresh) }
        #expect(h.count == 3)
        let forgotten = h.insert([0])
        #expect(forgotten)  // forgotten long ago
        let remembered = !h.insert([9])
        #expect(remembered)  // still remembered
    }
}
