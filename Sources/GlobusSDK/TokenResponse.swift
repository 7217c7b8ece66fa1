import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// One resource server's tokens from a token response.
public struct TokenSet: Sendable, Equatable {
    /// The resource server.
    public var resourceServer: String
    /// The scopes granted, space-separated.
    public var scope: String
    /// The access token.
    public var accessToken: String
    /// The refresh token, if one was issued.
    public var refreshToken: String?
    /// When the access token expires (epoch seconds).
    public var expiresAtSeconds: Int
    /// `Bearer`.
    public var tokenType: String?
}

/// A Globus Auth token response: the top-level token and `other_tokens`, by resource server.
public struct TokenResponse: Sendable {
    /// The tokens by resource server.
    public var byResourceServer: [String: TokenSet]
    /// The order resource servers appeared in.
    public var resourceServers: [String]
    /// The id_token, when `openid` was asked for.
    public var idToken: String?

    /// Parses a token response; `now` is the receipt time (epoch seconds).
    public init(json: JSON, now: Int = Int(time(nil))) throws(GlobusError) {
        func one(_ j: JSON) throws(GlobusError) -> TokenSet {
            guard let rs = j["resource_server"]?.string, let scope = j["scope"]?.string, let at = j["access_token"]?.string else {
                throw .auth("token response without resource_server, scope or access_token")
            }
            // Globus issues 48-hour tokens; anything outside 0…10 years is a broken answer, and
            // is refused before it can overflow a date.
            let given = j["expires_in"].flatMap { $0.isNull ? nil : $0 }
            let expiresIn = given == nil ? 0 : given!.int ?? -1
            guard (0...315_360_000).contains(expiresIn) else {
                throw .auth("Globus Auth answered with an invalid token lifetime (expires_in \(j["expires_in"]?.serialized ?? "?"))")
            }
            return TokenSet(
                resourceServer: rs, scope: scope, accessToken: at, refreshToken: j["refresh_token"]?.string,
                expiresAtSeconds: now + expiresIn, tokenType: j["token_type"]?.string)
        }
        var all = [try one(json)]
        for o in json["other_tokens"]?.array ?? [] { all.append(try one(o)) }
        byResourceServer = [:]
        resourceServers = []
        for t in all {
            if byResourceServer[t.resourceServer] == nil { resourceServers.append(t.resourceServer) }
            byResourceServer[t.resourceServer] = t
        }
        idToken = json["id_token"]?.string
    }
}
