import Support
import GlobusSimulator
import JSON
import SimulatorSupport
import Testing
@testable import GlobusSDK

/// `../shared/fixtures/` beside the repository (the project's shared folder; CI lays it there).
func sharedFixture(_ name: String) throws -> JSON {
    var root = #filePath
    for _ in 0..<3 { root = String(root[..<root.lastIndex(of: "/")!]) }
    let path = root + "/../shared/fixtures/" + name
    guard let bytes = readFile(path) else {
        Issue.record("missing fixture \(path): the project's shared/ folder must lie beside the repository")
        throw GlobusError.storage("missing fixture")
    }
    return try JSON.parse(bytes)
}

/// A real id_token issued by Globus Auth and the real key set that verifies it (no `kid`
/// anywhere, as Globus serves them), from the Python globus-sdk's own tests.
@Suite struct RealIDTokenTests {
    struct Fixture {
        let token: String, keys: JSON, algorithms: [String], audience: String, at: Int, claims: JSON
        init() throws {
            let f = try sharedFixture("globus-auth-real-id-token.json")
            token = f["id_token"]!.string!
            keys = f["jwks"]!
            algorithms = f["openid_configuration"]!["id_token_signing_alg_values_supported"]!.array!.compactMap(\.string)
            audience = f["audience_client_id"]!.string!
            at = f["verify_at"]!.int!
            claims = f["id_token_claims"]!
        }
    }

    func verify(
        _ token: String, _ f: Fixture, keys: JSON? = nil, audience: String? = nil, at: Int? = nil,
        algorithms: [String]? = nil
    ) throws(GlobusError) -> IdentityClaims {
        try IDTokenVerifier.verify(
            token, keySet: keys ?? f.keys, algorithms: algorithms ?? f.algorithms,
            audience: audience ?? f.audience, now: at ?? f.at)
    }

    @Test func theRealTokenVerifiesWithTheRealKeysAndNoKID() throws {
        let f = try Fixture()
        #expect(f.keys["keys"]?.array?.first?["kid"] == nil)
        let claims = try verify(f.token, f)
        #expect(claims.sub == f.claims["sub"]?.string)
        #expect(claims.preferredUsername == "sirosen2@globusid.org")
        #expect(claims.identityProvider == "Globus ID")
    }

    @Test func aOneByteChangeInPayloadOrSignatureIsRefused() throws {
        let f = try Fixture()
        let parts = f.token.split(separator: ".").map(String.init)
        func flip(_ s: String, at i: Int) -> String {
            var c = Array(s)
            c[i] = c[i] == "A" ? "B" : "A"
            return String(c)
        }
        for changed in [[parts[0], flip(parts[1], at: 10), parts[2]], [parts[0], parts[1], flip(parts[2], at: 20)]] {
            #expect(throws: GlobusError.self) { try verify(changed.joined(separator: "."), f) }
            do { _ = try verify(changed.joined(separator: "."), f) } catch {
                #expect("\(error)".contains("signature could not be verified"))
            }
        }
    }

    @Test func audienceExpiryAndIssueTimeAreChecked() throws {
        let f = try Fixture()
        let exp = f.claims["exp"]!.int!, iat = f.claims["iat"]!.int!
        do { _ = try verify(f.token, f, audience: "61338d24-54d5-408f-a10d-66c06b59f6d2"); Issue.record("wrong audience accepted") } catch {
            #expect("\(error)" == "the id_token was issued to another client")
        }
        _ = try verify(f.token, f, at: exp + IDTokenVerifier.leeway)
        #expect(throws: GlobusError.self) { try verify(f.token, f, at: exp + IDTokenVerifier.leeway + 1) }
        _ = try verify(f.token, f, at: iat - IDTokenVerifier.leeway)
        #expect(throws: GlobusError.self) { try verify(f.token, f, at: iat - IDTokenVerifier.leeway - 1) }
        // Clocks at the ends of Int's range are answered, not trapped on.
        #expect(throws: GlobusError.self) { try verify(f.token, f, at: Int.max) }
        #expect(throws: GlobusError.self) { try verify(f.token, f, at: Int.min) }
    }

    @Test func onlyTheConfiguredAlgorithmIsAccepted() throws {
        let f = try Fixture()
        let parts = f.token.split(separator: ".").map(String.init)
        for alg in ["HS512", "none", "RS256"] {
            let header = Base64.encode(Array(#"{"typ":"JWT","alg":"\#(alg)"}"#.utf8), alphabet: .url)
            let forged = [header, parts[1], parts[2]].joined(separator: ".")
            do {
                _ = try verify(forged, f)
                Issue.record("alg \(alg) was accepted")
            } catch {
                #expect("\(error)".contains("signed with \(alg)"))
            }
        }
        // The configured list is what counts: RS512 only.
        #expect(throws: GlobusError.self) { try verify(f.token, f, algorithms: ["RS256"]) }
    }

    @Test func aKIDPicksItsKeyAndAnUnknownKIDIsRefused() throws {
        let f = try Fixture()
        let real = f.keys["keys"]!.array![0]
        guard case .object(var keyed) = real else { return }
        keyed["kid"] = "globus-1"
        // A decoy first key: a token without kid uses the first key, so it fails here.
        guard case .object(var decoy) = real else { return }
        decoy["n"] = .string(String(real["n"]!.string!.reversed()))
        decoy["kid"] = "decoy"
        let set: JSON = ["keys": [.object(decoy), .object(keyed)]]
        #expect(throws: GlobusError.self) { try verify(f.token, f, keys: set) }
        // The same signature under a header naming the real key's kid: the header is part of the
        // signed input, so this must fail on the signature, not on the key lookup.
        let parts = f.token.split(separator: ".").map(String.init)
        let withKID = [Base64.encode(Array(#"{"typ":"JWT","alg":"RS512","kid":"globus-1"}"#.utf8), alphabet: .url), parts[1], parts[2]].joined(separator: ".")
        do { _ = try verify(withKID, f, keys: set); Issue.record("a changed header verified") } catch {
            #expect("\(error)".contains("signature could not be verified"))
        }
        let unknown = [Base64.encode(Array(#"{"typ":"JWT","alg":"RS512","kid":"nope"}"#.utf8), alphabet: .url), parts[1], parts[2]].joined(separator: ".")
        do { _ = try verify(unknown, f, keys: set); Issue.record("an unknown kid verified") } catch {
            #expect("\(error)".contains("no key 'nope'"))
        }
    }
}

/// The simulator signs as Globus does (no `kid`) unless told to add one; the SDK logs in either
/// way. (Part of the serialized simulator suite: simulators announce their URLs process-wide.)
extension SimulatorBackedTests {
    func loginWorks(keyID: String?) async throws {
        var config = Simulator.Configuration()
        config.signingKeyID = keyID
        let sim = try await RunningSimulator(config)
        defer { sim.stop() }
        let jwks = try JSON.parse(await sim.sim.handle(SimRequest(method: "GET", path: "/auth/jwk.json")).body)
        #expect(jwks["keys"]?.array?.first?["kid"]?.string == keyID)
        let app = makeApp(sim)
        let flow = ScriptedFlow(sim)
        let who = try await onThread { try app.login(flow: flow) }
        #expect(who?.preferredUsername == "alice@uchicago.edu")
    }

    @Test func loginWithGlobusShapedKeysWithoutKID() async throws { try await loginWorks(keyID: nil) }
    @Test func loginWithAKIDAddedBySimulatorFlag() async throws { try await loginWorks(keyID: "sim-key-1") }
}
