import Dispatch
import JSON
import JWTKit
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the SDK reads from a verified id_token.
public struct IdentityClaims: Sendable, Equatable {
    /// The identity id (`sub`).
    public var sub: String
    public var preferredUsername: String?
    public var name: String?
    public var email: String?
}

/// Verifies id_tokens against Globus Auth's published keys: signature (RS512 as configured),
/// audience (this client), expiry and issue time with 300 s of leeway for clock skew.
/// The OpenID configuration and keys are fetched once per verifier.
public final class IDTokenVerifier: Sendable {
    let http: GlobusHTTP
    let environment: GlobusEnvironment
    let clientID: String
    private let jwks = Mutex<String?>(nil)
    public static let leeway = 300

    public init(http: GlobusHTTP, environment: GlobusEnvironment, clientID: String) {
        self.http = http
        self.environment = environment
        self.clientID = clientID
    }

    struct Payload: JWTPayload {
        var sub: String
        var aud: AudienceClaim
        var exp: Int
        var iat: Int?
        var preferred_username: String?
        var name: String?
        var email: String?
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    /// Verifies `token` at time `now` (epoch seconds).
    public func verify(_ token: String, now: Int = Int(time(nil))) throws(GlobusError) -> IdentityClaims {
        let keysJSON: String
        if let k = jwks.withLock({ $0 }) { keysJSON = k } else {
            let config = try http.json(HTTPRequest(method: "GET", url: environment.baseURL("auth") + ".well-known/openid-configuration"))
            guard let uri = config["jwks_uri"]?.string else { throw .idToken("Globus Auth's OpenID configuration has no jwks_uri") }
            let k = try http.json(HTTPRequest(method: "GET", url: uri)).serialized
            jwks.withLock { $0 = k }
            keysJSON = k
        }
        let result = Mutex<Result<Payload, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                let keys = try await JWTKeyCollection().add(jwksJSON: keysJSON)
                let p = try await keys.verify(token, as: Payload.self)
                result.withLock { $0 = .success(p) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        let payload: Payload
        switch result.withLock({ $0 })! {
        case .success(let p): payload = p
        case .failure(let e): throw .idToken("the id_token's signature could not be verified (\(e))")
        }
        guard payload.aud.value.contains(clientID) else { throw .idToken("the id_token was issued to another client") }
        guard payload.exp + IDTokenVerifier.leeway >= now else { throw .idToken("the id_token has expired (check the computer's clock)") }
        if let iat = payload.iat, iat - IDTokenVerifier.leeway > now {
            throw .idToken("the id_token was issued in the future (the computer's clock is behind by more than \(IDTokenVerifier.leeway) s)")
        }
        return IdentityClaims(sub: payload.sub, preferredUsername: payload.preferred_username, name: payload.name, email: payload.email)
    }
}
