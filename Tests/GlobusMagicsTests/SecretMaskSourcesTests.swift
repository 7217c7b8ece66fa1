import GlobusSDK
import PropertyBased
import Testing
@testable import GlobusMagics

#if canImport(Glibc)
    import Glibc
#endif

/// The secret mask is made again only when one of its sources changed, so it must notice every
/// change: a token this process stores in any store, a token another process writes to the
/// person's token file, a secret-looking variable. Checked as a property over random sequences
/// of such changes: after each, every secret known is masked.
@Suite struct SecretMaskSourcesTests {
    /// A session whose person's token file lies in a fresh home.
    static func session() throws -> (GlobusSession, realFile: String) {
        let home = FileSafetyTests.tempDir()
        let session = GlobusSession(environment: KernelEnvironment(.test(["HOME": home])))
        let path = try JSONTokenStorage.defaultPath(
            clientID: GlobusSession.tutorialClientID, appName: GlobusSession.defaultAppName,
            environment: "production", home: home)
        return (session, path)
    }

    static func token(_ rs: String, _ value: String) -> TokenData {
        TokenData(
            resourceServer: rs, identityID: "someone", scope: "scope", accessToken: value, refreshToken: value + "-refresh",
            expiresAtSeconds: 4_102_444_800, tokenType: "Bearer")
    }

    /// Another process's write of the token file: a store of its own, which this session never sees.
    static func writeElsewhere(_ path: String, _ token: TokenData) throws {
        try JSONTokenStorage(path: path).store([token])
    }

    @Test(arguments: 1...12) func everySecretKnownIsMaskedAfterAnyChange(seed: Int) throws {
        var rng = Xoshiro(seed: (UInt64(seed), 0x9E37_79B9_7F4A_7C15, 1, 2))  // seeded: a failing sequence runs again
        let (session, realFile) = try Self.session()
        var live: [String: String] = [:]  // where → the secret it holds now
        var gone: [String] = []  // secrets of variables since changed (they stay masked)
        for step in 0..<40 {
            let value = "secret-\(seed)-\(step)-\(rng.next() % 1_000_000)"
            let rs = ["transfer.api.globus.org", "auth.globus.org", "groups.api.globus.org"][Int(rng.next() % 3)]
            switch rng.next() % 5 {
            case 0:
                try session.memory.store([Self.token(rs, value)])
                live["memory " + rs] = value
            case 1:
                try session.demo.memory.store([Self.token(rs, value)])
                live["demo " + rs] = value
            case 2:
                try Self.writeElsewhere(realFile, Self.token(rs, value))
                live["file " + rs] = value
            case 3:
                if let old = live["env"] { gone.append(old) }
                session.environment.set("MY_TOKEN", value)
                live["env"] = value
            default:
                try session.memory.remove(rs)
                live["memory " + rs] = nil
            }
            let mask = session.secretMask()
            for (place, secret) in live {
                #expect(mask.contains(secret), "step \(step): the secret in \(place) is not masked")
                if !place.hasPrefix("env") { #expect(mask.contains(secret + "-refresh"), "step \(step): \(place)'s refresh token") }
            }
            for secret in gone { #expect(mask.contains(secret), "step \(step): a variable's earlier secret") }
        }
    }

    /// A token file that has been quiet for a while is not read again for each mask (its look
    /// stands for it); a token another process then writes to it is masked at once.
    @Test func aQuietFileIsLookedAtNotReadAndAChangeIsSeen() throws {
        let (session, realFile) = try Self.session()
        try Self.writeElsewhere(realFile, Self.token("transfer.api.globus.org", "first-secret-value"))
        sleep(3)  // the file's last change is then far enough back for its look to tell a later one
        #expect(session.secretMask().contains("first-secret-value"))
        let gathered = session.secrets.gatherings
        for _ in 0..<100 { _ = session.secretMask() }
        #expect(session.secrets.gatherings == gathered, "an unchanged quiet file was read again")
        try Self.writeElsewhere(realFile, Self.token("transfer.api.globus.org", "second-secret-value"))
        #expect(session.secretMask().contains("second-secret-value"))
        try session.memory.store([Self.token("auth.globus.org", "a-memory-secret")])
        #expect(session.secretMask().contains("a-memory-secret"))
    }
}
