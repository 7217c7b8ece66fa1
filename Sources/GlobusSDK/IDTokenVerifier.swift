import Support
import _CryptoExtras
import Crypto
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// What the SDK reads from a verified id_token.
public struct IdentityClaims: Sendable, Equatable {
    /// The identity id (`sub`).
    public var sub: String
    /// The username (`alice@uchicago.edu`).
    public var preferredUsername: String?
    /// The person's name.
    public var name: String?
    /// Their email address.
    public var email: String?
    /// The identity provider's name (`identity_provider_display_name`), e.g. "Globus ID".
    public var identityProvider: String?
}

/// Verifies id_tokens against Globus Auth's published keys, as Globus serves them: the key set
/// has no `kid` and the token header has none (`{"typ": "JWT", "alg": "RS512"}`), so a token
/// without `kid` is checked with the first key of the set (as the Python SDK does); a token with
/// a `kid` is checked with the key of that id. The `alg` must be one the OpenID configuration
/// lists in `id_token_signing_alg_values_supported` (Globus: RS512); audience (this client),
/// expiry and issue time are checked with 300 s of leeway for clock skew. The OpenID
/// configuration and keys are fetched once per verifier.
public final class IDTokenVerifier: Sendable {
    let http: GlobusHTTP
    let environment: GlobusEnvironment
    let clientID: String
    private let published = Locked<(keys: JSON, algorithms: [String])?>(nil)
    /// Seconds of clock difference allowed.
    public static let leeway = 300

    /// A verifier for id_tokens issued to `clientID` in `environment`.
    public init(http: GlobusHTTP, environment: GlobusEnvironment, clientID: String) {
        self.http = http
        self.environment = environment
        self.clientID = clientID
    }

    /// Verifies `token` at time `now` (epoch seconds), fetching Globus Auth's keys on first use.
    public func verify(_ token: String, now: Int = Int(time(nil)), isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> IdentityClaims {
        let (keys, algorithms) = try publishedKeys(isCancelled: isCancelled)
        return try IDTokenVerifier.verify(token, keySet: keys, algorithms: algorithms, audience: clientID, now: now)
    }

    /// The key set and the signing algorithms from Globus Auth's OpenID configuration.
    func publishedKeys(isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> (JSON, [String]) {
        if let p = published.withLock({ $0 }) { return p }
        let config = try http.json(
            HTTPRequest(method: "GET", url: environment.baseURL("auth") + ".well-known/openid-configuration"),
            isCancelled: isCancelled)
        guard let uri = config["jwks_uri"]?.string else { throw .idToken("Globus Auth's OpenID configuration has no jwks_uri") }
        let keys = try http.json(HTTPRequest(method: "GET", url: uri), isCancelled: isCancelled)
        let algorithms = config["id_token_signing_alg_values_supported"]?.array?.compactMap(\.string) ?? ["RS512"]
        published.withLock { $0 = (keys, algorithms) }
        return (keys, algorithms)
    }

    /// Verifies `token` with a published key set (`{"keys": [...]}`) for `audience` at `now`,
    /// accepting only the `algorithms` given (RSA PKCS#1 v1.5: RS256, RS384, RS512). Synchronous
    /// (swift-crypto's RSA), so it is safe on any thread.
    public static func verify(_ token: String, keySet: JSON, algorithms: [String], audience: String, now: Int) throws(GlobusError) -> IdentityClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64.decode(String(parts[0]), alphabet: .url), let header = try? JSON.parse(headerBytes),
            let payloadBytes = Base64.decode(String(parts[1]), alphabet: .url), let signature = Base64.decode(String(parts[2]), alphabet: .url)
        else {
            throw .idToken("the id_token is not a JWT (expected three base64url parts with a JSON header)")
        }
        guard let alg = header["alg"]?.string else { throw .idToken("the id_token's header names no algorithm") }
        guard algorithms.contains(alg), ["RS256", "RS384", "RS512"].contains(alg) else {
            throw .idToken("the id_token is signed with \(alg), which Globus Auth does not use for id_tokens (expected \(algorithms.joined(separator: " or ")))")
        }
        let keys = (keySet["keys"]?.array ?? []).filter { $0["kty"]?.string == "RSA" }
        let jwk: JSON
        if let kid = header["kid"]?.string {
            guard let k = keys.first(where: { $0["kid"]?.string == kid }) else {
                throw .idToken("Globus Auth's key set has no key '\(kid)' for the id_token")
            }
            jwk = k
        } else {
            guard let k = keys.first else { throw .idToken("Globus Auth's key set has no RSA key") }
            jwk = k
        }
        if let keyAlg = jwk["alg"]?.string, keyAlg != alg {
            throw .idToken("the id_token is signed with \(alg) but its key is for \(keyAlg)")
        }
        guard let n = jwk["n"]?.string.flatMap({ Base64.decode($0, alphabet: .url) }), let e = jwk["e"]?.string.flatMap({ Base64.decode($0, alphabet: .url) }) else {
            throw .idToken("Globus Auth's key has no valid modulus or exponent")
        }
        let signedInput = Array(token.utf8[..<token.utf8.lastIndex(of: UInt8(ascii: "."))!])
        let valid: Bool
        do {
            let key = try _RSA.Signing.PublicKey(n: n, e: e)
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch alg {
            case "RS256": valid = key.isValidSignature(sig, for: SHA256.hash(data: signedInput), padding: .insecurePKCS1v1_5)
            case "RS384": valid = key.isValidSignature(sig, for: SHA384.hash(data: signedInput), padding: .insecurePKCS1v1_5)
            default: valid = key.isValidSignature(sig, for: SHA512.hash(data: signedInput), padding: .insecurePKCS1v1_5)
            }
        } catch {
            throw .idToken("Globus Auth's key could not be used (\(error))")
        }
        guard valid else { throw .idToken("the id_token's signature could not be verified (it does not match Globus Auth's key)") }
        guard let claims = try? JSON.parse(payloadBytes), let sub = claims["sub"]?.string, let exp = claims["exp"]?.int else {
            throw .idToken("the id_token's claims are not valid (no sub or exp)")
        }
        let aud = claims["aud"]?.string.map { [$0] } ?? claims["aud"]?.array?.compactMap(\.string) ?? []
        guard aud.contains(audience) else { throw .idToken("the id_token was issued to another client") }
        // In 128 bits: an `exp` or `iat` at the ends of Int's range (a hostile Auth can sign
        // anything) cannot overflow.
        let leeway = Int128(IDTokenVerifier.leeway)
        guard Int128(exp) + leeway >= Int128(now) else { throw .idToken("the id_token has expired (check the computer's clock)") }
        if let iat = claims["iat"]?.int, Int128(iat) - leeway > Int128(now) {
            throw .idToken("the id_token was issued in the future (the computer's clock is behind by more than \(IDTokenVerifier.leeway) s)")
        }
        return IdentityClaims(
            sub: sub, preferredUsername: claims["preferred_username"]?.string, name: claims["name"]?.string,
            email: claims["email"]?.string, identityProvider: claims["identity_provider_display_name"]?.string)
    }
}
