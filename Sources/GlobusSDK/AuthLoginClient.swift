import Support
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// The OAuth2 side of Globus Auth for one client: native (PKCE) or confidential (secret).
public struct AuthLoginClient: Sendable {
    /// The client's id.
    public let clientID: String
    /// Nil for a native app.
    let clientSecret: String?
    /// The Globus environment whose Auth it talks to.
    public let environment: GlobusEnvironment
    /// How its requests are sent.
    public let http: GlobusHTTP

    /// A client; with `clientSecret` it is confidential, without it native (PKCE).
    public init(clientID: String, clientSecret: String? = nil, environment: GlobusEnvironment, http: GlobusHTTP = GlobusHTTP()) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.environment = environment
        self.http = http
    }

    /// Whether the client has a secret.
    public var isConfidential: Bool { clientSecret != nil }
    /// Globus Auth's base URL in the environment.
    public var baseURL: String { environment.baseURL("auth") }
    /// The Globus page that shows the code to copy (native apps' default redirect).
    public var authCodeRedirect: String { baseURL + "v2/web/auth-code" }

    /// What an authorize URL needs besides the client.
    public struct AuthorizeOptions: Sendable {
        /// The scopes to ask consent for.
        public var scopes: [Scope]
        /// Where Globus Auth sends the person back with the code.
        public var redirectURI: String
        /// Whether to ask for refresh tokens (`access_type=offline`).
        public var refreshTokens: Bool
        /// The PKCE challenge (native apps).
        public var pkce: PKCE?
        /// The name the consent page suggests for this grant.
        public var prefillNamedGrant: String?
        /// Session requirements (from a GARE, or asked for).
        public var parameters: AuthorizationParameters?
        /// The `state` sent, and echoed back.
        public var state = "_default"

        /// Options; see the properties.
        public init(
            scopes: [Scope], redirectURI: String, refreshTokens: Bool, pkce: PKCE?, prefillNamedGrant: String? = nil,
            parameters: AuthorizationParameters? = nil
        ) {
            self.scopes = scopes
            self.redirectURI = redirectURI
            self.refreshTokens = refreshTokens
            self.pkce = pkce
            self.prefillNamedGrant = prefillNamedGrant
            self.parameters = parameters
        }
    }

    /// The authorize URL, with parameters in the Python SDK's order.
    public func authorizeURL(_ o: AuthorizeOptions) -> String {
        var q: [(String, String)] = [
            ("client_id", clientID), ("redirect_uri", o.redirectURI), ("scope", ScopeParser.serialize(o.scopes)),
            ("state", o.state), ("response_type", "code"), ("access_type", o.refreshTokens ? "offline" : "online")
        ]
        if let p = o.pkce { q += [("code_challenge", p.challenge), ("code_challenge_method", "S256")] }
        if let n = o.prefillNamedGrant { q.append(("prefill_named_grant", n)) }
        if let a = o.parameters {
            if let m = a.sessionRequiredMFA { q.append(("session_required_mfa", m ? "True" : "False")) }
            if let m = a.sessionMessage { q.append(("session_message", m)) }
            if let p = a.prompt { q.append(("prompt", p)) }
            if let d = a.sessionRequiredSingleDomain, !d.isEmpty { q.append(("session_required_single_domain", d.joined(separator: ","))) }
            if let p = a.sessionRequiredPolicies, !p.isEmpty { q.append(("session_required_policies", p.joined(separator: ","))) }
            if let i = a.sessionRequiredIdentities, !i.isEmpty { q.append(("session_required_identities", i.joined(separator: ","))) }
        }
        return baseURL + "v2/oauth2/authorize?" + FormEncoding.encode(q)
    }

    /// The `Authorization` value a confidential client signs in with (`Basic` and the base64 of
    /// `id:secret`): as secret as the secret itself.
    public static func basicCredentials(clientID: String, secret: String) -> String {
        "Basic " + Base64.encode(Array("\(clientID):\(secret)".utf8))
    }

    func tokenRequest(_ fields: [(String, String)], path: String = "v2/oauth2/token") -> HTTPRequest {
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        var body = fields
        if let secret = clientSecret {
            headers.append(("Authorization", AuthLoginClient.basicCredentials(clientID: clientID, secret: secret)))
        } else if !fields.contains(where: { $0.0 == "client_id" }) {
            body.append(("client_id", clientID))
        }
        return HTTPRequest(method: "POST", url: baseURL + path, headers: headers, body: Array(FormEncoding.encode(body).utf8))
    }

    func tokens(_ fields: [(String, String)], isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> (TokenResponse, JSON) {
        let json = try http.json(tokenRequest(fields), isCancelled: isCancelled)
        return (try TokenResponse(json: json), json)
    }

    /// Exchanges an authorization code (with the PKCE verifier for native apps).
    public func exchange(code: String, redirectURI: String, pkce: PKCE?, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> TokenResponse {
        var fields: [(String, String)] = []
        if !isConfidential { fields.append(("client_id", clientID)) }
        fields += [("grant_type", "authorization_code"), ("code", code)]
        if let pkce, !isConfidential { fields.append(("code_verifier", pkce.verifier)) }
        fields.append(("redirect_uri", redirectURI))
        return try tokens(fields, isCancelled: isCancelled).0
    }

    /// Uses a refresh token.
    public func refresh(_ refreshToken: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> TokenResponse {
        try tokens([("refresh_token", refreshToken), ("grant_type", "refresh_token")], isCancelled: isCancelled).0
    }

    /// Client credentials for a confidential client.
    public func clientCredentials(scopes: [Scope], isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> TokenResponse {
        guard isConfidential else { throw .usage("client credentials need a client secret") }
        return try tokens([("grant_type", "client_credentials"), ("scope", ScopeParser.serialize(scopes))], isCancelled: isCancelled).0
    }

    /// Revokes an access or refresh token.
    public func revoke(_ token: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) {
        _ = try http.perform(tokenRequest([("token", token)], path: "v2/oauth2/token/revoke"), isCancelled: isCancelled)
    }

    /// Introspects a token. Globus Auth answers only a confidential client authenticated with its
    /// secret (as the Python SDK, which has it on `ConfidentialAppAuthClient` only); a native app
    /// gets a usage error before anything is sent.
    public func introspect(_ token: String, include: String? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> JSON {
        guard isConfidential else { throw .usage("token introspection needs a confidential client (a client secret); Globus Auth refuses it from native apps") }
        var f = [("token", token)]
        if let include { f.append(("include", include)) }
        return try http.json(tokenRequest(f, path: "v2/oauth2/token/introspect"), isCancelled: isCancelled)
    }
}
