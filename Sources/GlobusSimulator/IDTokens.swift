import Support
import _CryptoExtras
import JSON
import JWTKit

/// Signs id_tokens with an RSA key made at start-up (RS512, like Globus Auth) and publishes
/// the public key as a JWKS. By default in Globus Auth's shape: the key set has no `kid` and the
/// token header is `{"typ": "JWT", "alg": "RS512"}`; with `keyID` both carry that `kid`.
actor IDTokens {
    private let keys = JWTKeyCollection()
    private let privateKey: JWTKit.Insecure.RSA.PrivateKey
    private let publicKey: JWTKit.Insecure.RSA.PublicKey
    private let kid: String?
    private var keyAdded = false

    init(keyID: String?) throws {
        privateKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        publicKey = privateKey.publicKey
        kid = keyID
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var aud: AudienceClaim
        var iss: IssuerClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var name: String
        var preferred_username: String
        var email: String
        var organization: String
        var identity_provider: String
        var identity_provider_display_name: String
        var last_authentication: Int
        var identity_set: [IdentitySetEntry]

        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    /// An id_token for `p`; `session` (nil for a client) says who authenticated and when.
    func make(for p: SimIdentity, clientID: String, issuer: String, now: Int, lifetime: Int, session: SessionInfo?) async -> String? {
        let claims = Claims(
            sub: .init(value: p.id), aud: .init(value: [clientID]), iss: .init(value: issuer),
            exp: .init(value: .init(timeIntervalSince1970: Double(now + lifetime))), iat: .init(value: .init(timeIntervalSince1970: Double(now))),
            name: p.name, preferred_username: p.username, email: p.email, organization: p.organization,
            identity_provider: randomUUIDFor(p.domain), identity_provider_display_name: p.organization,
            last_authentication: session?.authTime ?? now,
            identity_set: p.identitySet(session: session))
        if !keyAdded {
            await keys.add(rsa: privateKey, digestAlgorithm: .sha512, kid: kid.map { JWKIdentifier(string: $0) })
            keyAdded = true
        }
        return try? await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    func jwks() -> JSON {
        guard let (n, e) = try? publicKey.getKeyPrimitives() else { return ["keys": []] }
        var key = JSONObject()
        key["alg"] = "RS512"
        key["e"] = .string(Base64.encode(Array(e), alphabet: .url))
        key["kty"] = "RSA"
        key["n"] = .string(Base64.encode(Array(n), alphabet: .url))
        key["use"] = "sig"
        if let kid { key["kid"] = .string(kid) }
        return ["keys": [.object(key)]]
    }
}
