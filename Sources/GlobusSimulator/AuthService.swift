import Support
import Escaping
import Crypto
import Hummingbird
import JSON

/// Globus Auth: the OAuth2 endpoints, identities and consents.
extension Simulator {
    /// `POST /v2/oauth2/authorize/approve` (the sign-in page's form) and `GET /sim/approve` (its
    /// links): approves the identity chosen, or in a class the hub token's owner.
    func approveChosen(_ r: SimRequest) async -> SimResponse {
        guard let hub else { return approve(r) }
        return await approveInClass(r, hub: hub, requested: chosenIdentity(r))
    }

    func authError(_ status: Int, _ code: String, _ title: String, _ detail: String) -> SimResponse {
        .json(
            [
                "errors": [
                    [
                        "status": .string(String(status)), "id": .string(randomUUID()), "code": .string(code),
                        "detail": .string(detail), "title": .string(title)
                    ]
                ],
                "error_description": .string(title), "error": .string(code.lowercased())
            ], status: status)
    }

    func oauthError(_ status: Int, _ error: String, _ description: String) -> SimResponse {
        .json(["error": .string(error), "error_description": .string(description)], status: status)
    }

    func openIDConfiguration() -> SimResponse {
        let base = serviceURL("auth")
        return .json([
            "issuer": .string(String(base.dropLast())),
            "authorization_endpoint": .string(base + "v2/oauth2/authorize"),
            "token_endpoint": .string(base + "v2/oauth2/token"),
            "userinfo_endpoint": .string(base + "v2/oauth2/userinfo"),
            "revocation_endpoint": .string(base + "v2/oauth2/token/revoke"),
            "jwks_uri": .string(base + "jwk.json"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS512"],
            "scopes_supported": ["openid", "email", "profile"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "claims_supported": ["at_hash", "aud", "email", "exp", "name", "nonce", "preferred_username", "iat", "iss", "sub"]
        ])
    }

    // MARK: authorize

    /// A validated authorize request.
    struct AuthorizeRequest {
        var client: SimClient
        var redirectURI: String
        var scopes: [ScopeTree]
        var challenge: String?
        var state: String?
        var offline: Bool
        var prefill: String?
        var requiredDomain: [String]
        var requiredIdentities: [String]
        var mfa: Bool
        var message: String?
    }

    func parseAuthorize(_ r: SimRequest) -> Result<AuthorizeRequest, SimResponse> {
        func bad(_ m: String) -> Result<AuthorizeRequest, SimResponse> { .failure(errorPage(400, m)) }
        guard let clientID = r.param("client_id"), let client = knownClient(clientID) else {
            return bad("Unknown client_id. Register the app at app.globus.org/settings/developers, or use the tutorial client.")
        }
        guard r.param("response_type") == "code" else { return bad("response_type must be 'code'.") }
        guard let redirect = r.param("redirect_uri"), allowedRedirect(redirect) else {
            return bad("redirect_uri is missing or not registered for this client.")
        }
        guard let scopeText = r.param("scope"), let scopes = ScopeTree.parse(scopeText), !scopes.isEmpty else {
            return bad("scope is missing or malformed.")
        }
        let collections = withState { $0.transfer.collectionIDs }
        for s in scopes.flatMap(allNames) where ScopeTree.resourceServer(of: s, collections: collections) == nil {
            return bad("Unknown scope: \(s)")
        }
        let challenge = r.param("code_challenge")
        if client.isNative {
            guard let challenge, challenge.count == 43 else { return bad("Native apps must use PKCE: code_challenge (S256) is required.") }
            guard r.param("code_challenge_method") == "S256" else { return bad("code_challenge_method must be S256.") }
        }
        let access = r.param("access_type") ?? "online"
        guard access == "online" || access == "offline" else { return bad("access_type must be online or offline.") }
        func list(_ name: String) -> [String] {
            (r.param(name) ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        }
        return .success(
            AuthorizeRequest(
                client: client, redirectURI: redirect, scopes: scopes, challenge: challenge, state: r.param("state"),
                offline: access == "offline", prefill: r.param("prefill_named_grant"),
                requiredDomain: list("session_required_single_domain"), requiredIdentities: list("session_required_identities"),
                mfa: (r.param("session_required_mfa") ?? "").lowercased() == "true", message: r.param("session_message")))
    }

    func allNames(_ t: ScopeTree) -> [String] { [t.name] + t.dependencies.flatMap(allNames) }

    func allowedRedirect(_ uri: String) -> Bool {
        uri == serviceURL("auth") + "v2/web/auth-code"
            || uri.hasPrefix("http://localhost:") || uri.hasPrefix("http://127.0.0.1:")
            || uri == "https://auth.globus.org/v2/web/auth-code"
    }

    /// The sign-in page: pick an identity (or auto-approve for scripted users and demos). A
    /// class's simulator approves only the owner of the hub token the request carries.
    func authorize(_ r: SimRequest) async -> SimResponse {
        let parsed: AuthorizeRequest
        switch parseAuthorize(r) {
        case .success(let p): parsed = p;
        case .failure(let e): return e
        }
        if let hub { return await approveInClass(r, hub: hub, requested: r.param("sim_identity")) }
        if let who = r.param("sim_identity") ?? withState({ $0.autoApprove }) {
            return approve(r, as: who)
        }
        let query = FormCoding.encode(r.query)
        let people = withState { $0.identities }
        var rows = ""
        for p in people {
            rows +=
                "<li><a href=\"\(HTML.escape(serviceURL("auth") + "sim/approve?" + query + "&identity=" + FormCoding.escape(p.username)))\">"
                + "\(HTML.escape(p.name)) &lt;\(HTML.escape(p.username))&gt;</a></li>"
        }
        let scopes = parsed.scopes.map { "<li><code>\(HTML.escape($0.serialized))</code></li>" }.joined()
        let message = parsed.message.map { "<p class=msg>\(HTML.escape($0))</p>" } ?? ""
        return .html(
            page(
                title: "Sign in - Globus Simulator",
                body: """
                    <h1>Globus Simulator</h1>
                    <p><b>\(HTML.escape(parsed.client.name))</b>\(parsed.prefill.map { " (" + HTML.escape($0) + ")" } ?? "") would like to:</p>
                    <ul>\(scopes)</ul>\(message)
                    <p>Continue as:</p><ul>\(rows)</ul>
                    """))
    }

    /// Approves an authorize request as an identity; shows the code (auth-code page), redirects to
    /// a local redirect URI, or answers JSON when asked (`Accept: application/json`).
    func approve(_ r: SimRequest, as who: String? = nil) -> SimResponse {
        let parsed: AuthorizeRequest
        switch parseAuthorize(r) {
        case .success(let p): parsed = p;
        case .failure(let e): return e
        }
        guard let name = who ?? chosenIdentity(r),
            let person = withState({ $0.identity(named: name) })
        else {
            return errorPage(400, "Choose a known identity to continue.")
        }
        // The identity used to authenticate may be a linked one; its domain is the session's.
        let usedDomain = person.linkedUsernames.contains(name) ? person.domain(of: name) : person.domain
        if !parsed.requiredDomain.isEmpty && !parsed.requiredDomain.contains(usedDomain) {
            return errorPage(403, "This resource requires an identity from \(parsed.requiredDomain.joined(separator: " or ")); \(name) is not.")
        }
        let usedUsername = person.linkedUsernames.contains(name) ? name : person.username
        if !parsed.requiredIdentities.isEmpty && !parsed.requiredIdentities.contains(person.identityID(of: usedUsername))
            && !parsed.requiredIdentities.contains(usedUsername)
        {
            return errorPage(403, "This resource requires a specific identity; \(usedUsername) is not it.")
        }
        let code = randomToken("Code")
        withState { s in
            let session = SessionInfo(identityID: person.id, username: usedUsername, domain: usedDomain, mfa: parsed.mfa, authTime: s.now)
            s.keep(
                AuthorizationCode(
                    code: code, clientID: parsed.client.id, redirectURI: parsed.redirectURI, scopes: parsed.scopes,
                    challenge: parsed.challenge, identityID: person.id, offline: parsed.offline,
                    created: s.now, session: session, state: parsed.state))
            s.recordConsent(identityID: person.id, clientID: parsed.client.id, scopes: parsed.scopes)
        }
        var back = parsed.redirectURI + (parsed.redirectURI.contains("?") ? "&" : "?") + "code=" + FormCoding.escape(code)
        if let state = parsed.state { back += "&state=" + FormCoding.escape(state) }
        if (r.headers["accept"] ?? "").contains("application/json") {
            return .json(["code": .string(code), "state": parsed.state.map(JSON.string) ?? .null, "redirect": .string(back)])
        }
        if parsed.redirectURI.hasSuffix("/v2/web/auth-code") {
            return authCodePage(SimRequest(method: "GET", path: "", query: [("code", code)]))
        }
        return SimResponse(status: 302, headers: [("Location", back)])
    }

    /// The identity picked on the sign-in page (a link's query, or a form).
    func chosenIdentity(_ r: SimRequest) -> String? {
        r.param("identity") ?? r.form.first { $0.0 == "identity" }?.1
    }

    /// The page that shows the authorization code to copy.
    func authCodePage(_ r: SimRequest) -> SimResponse {
        guard let code = r.param("code") else { return errorPage(400, "No authorization code.") }
        return .html(
            page(
                title: "Native App Authorization Code",
                body: """
                    <h1>Native App Authorization Code</h1>
                    <p>Copy this code and paste it into your application:</p>
                    <pre id="code" data-code="\(HTML.escape(code))">\(HTML.escape(code))</pre>
                    <p>This code expires in 10 minutes and can be used once.</p>
                    """))
    }

    // MARK: token

    func token(_ r: SimRequest) async -> SimResponse {
        let form = r.form
        func field(_ n: String) -> String? { form.first { $0.0 == n }?.1 }
        // Client authentication: Basic for confidential clients, client_id in the body for native ones.
        let client: SimClient
        if let (id, secret) = r.basic {
            guard let c = knownClient(id), let s = c.secret, constantTimeEqual(s, secret) else {
                return oauthError(401, "invalid_client", "Invalid client credentials")
            }
            client = c
        } else if let id = field("client_id"), let c = knownClient(id) {
            guard c.isNative else { return oauthError(401, "invalid_client", "Confidential clients must authenticate with HTTP Basic") }
            client = c
        } else {
            return oauthError(401, "invalid_client", "Unknown or missing client")
        }
        switch field("grant_type") {
        case "authorization_code": return await exchangeCode(client: client, code: field("code"), redirect: field("redirect_uri"), verifier: field("code_verifier"))
        case "refresh_token": return refresh(client: client, token: field("refresh_token"))
        case "client_credentials":
            guard !client.isNative else { return oauthError(401, "unauthorized_client", "Native clients cannot use client_credentials") }
            guard let text = field("scope"), let scopes = ScopeTree.parse(text), !scopes.isEmpty else {
                return oauthError(400, "invalid_scope", "scope is required")
            }
            let collections = withState { $0.transfer.collectionIDs }
            if let unknown = scopes.flatMap(allNames).first(where: { ScopeTree.resourceServer(of: $0, collections: collections) == nil }) {
                return oauthError(400, "invalid_scope", "Unknown scope: \(unknown)")
            }
            if let refusal = clientCredentialsRefusal(scopes, collections: collections) { return refusal }
            let issued = withState { s in
                s.recordConsent(identityID: client.id, clientID: client.id, scopes: scopes)
                return s.issue(scopes: scopes, clientID: client.id, identityID: nil, offline: false, session: nil)
            }
            // As Globus Auth: with openid, an id_token whose subject is the client's own identity.
            var idToken: String?
            if scopes.contains(where: { $0.name == "openid" }) {
                let me = SimIdentity(
                    id: client.id, username: "\(client.id)@clients.auth.globus.org", name: client.name,
                    email: "\(client.id)@clients.auth.globus.org", organization: client.name)
                let now = withState { $0.now }
                idToken = await idTokens.make(
                    for: me, clientID: client.id, issuer: String(serviceURL("auth").dropLast()),
                    now: now, lifetime: withState { $0.tokenLifetime }, session: nil)
            }
            return .json(tokenResponse(issued, idToken: idToken, state: nil))
        default:
            return oauthError(400, "unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials")
        }
    }

    func exchangeCode(client: SimClient, code: String?, redirect: String?, verifier: String?) async -> SimResponse {
        let outcome: Result<([(AccessToken, RefreshToken?)], AuthorizationCode), SimResponse> = withState { s in
            guard let code, var c = s.codes[code] else { return .failure(oauthError(401, "invalid_grant", "Invalid authorization code")) }
            guard !c.used else { return .failure(oauthError(401, "invalid_grant", "Authorization code already used")) }
            guard s.now - c.created <= 600 else { return .failure(oauthError(401, "invalid_grant", "Authorization code expired")) }
            guard c.clientID == client.id else { return .failure(oauthError(401, "invalid_grant", "Code was issued to another client")) }
            guard c.redirectURI == redirect else { return .failure(oauthError(401, "invalid_grant", "redirect_uri does not match the authorize request")) }
            if let challenge = c.challenge {
                guard let verifier, pkceChallenge(verifier) == challenge else {
                    return .failure(oauthError(401, "invalid_grant", "code_verifier does not match the code_challenge"))
                }
            }
            c.used = true
            s.codes[code] = c
            return .success((s.issue(scopes: c.scopes, clientID: client.id, identityID: c.identityID, offline: c.offline, session: c.session), c))
        }
        switch outcome {
        case .failure(let e): return e
        case .success(let (issued, code)):
            var idToken: String?
            if code.scopes.contains(where: { $0.name == "openid" }), let person = withState({ $0.identity(code.identityID) }) {
                idToken = await idTokens.make(
                    for: person, clientID: client.id, issuer: String(serviceURL("auth").dropLast()),
                    now: withState { $0.now }, lifetime: withState { $0.tokenLifetime },
                    session: code.session)
            }
            return .json(tokenResponse(issued, idToken: idToken, state: code.state))
        }
    }

    func refresh(client: SimClient, token: String?) -> SimResponse {
        withState { s in
            guard let token, let rt = s.refreshTokens[token], !rt.revoked else { return oauthError(401, "invalid_grant", "Invalid refresh token") }
            guard rt.clientID == client.id else { return oauthError(401, "invalid_grant", "Refresh token was issued to another client") }
            let at = AccessToken(
                token: randomToken("AT"), clientID: client.id, resourceServer: rt.resourceServer, scopes: rt.scopes,
                identityID: rt.identityID, expiresAt: s.now + s.tokenLifetime, session: rt.session, issuedAt: s.now)
            s.keep(at)
            return .json(tokenResponse([(at, rt)], idToken: nil, state: nil))
        }
    }

    func tokenResponse(_ issued: [(AccessToken, RefreshToken?)], idToken: String?, state: String?) -> JSON {
        func one(_ at: AccessToken, _ rt: RefreshToken?) -> JSONObject {
            var o = JSONObject()
            o["access_token"] = .string(at.token)
            o["expires_in"] = .int(at.expiresAt - at.issuedAt)
            o["resource_server"] = .string(at.resourceServer)
            o["token_type"] = "Bearer"
            o["scope"] = .string(at.scopes.map(\.name).joined(separator: " "))
            o["refresh_token"] = rt.map { .string($0.token) } ?? .null
            o["state"] = .string(state ?? "_default")
            return o
        }
        guard let first = issued.first else { return ["error": "invalid_scope"] }
        var top = one(first.0, first.1)
        if let idToken { top["id_token"] = .string(idToken) }
        top["other_tokens"] = .array(issued.dropFirst().map { .object(one($0.0, $0.1)) })
        return .object(top)
    }

    // MARK: revoke, introspect, userinfo, identities, consents

    func revoke(_ r: SimRequest) -> SimResponse {
        let form = r.form
        guard let token = form.first(where: { $0.0 == "token" })?.1 else { return oauthError(400, "invalid_request", "token is required") }
        return withState { s in
            if var at = s.accessTokens[token] { at.revoked = true; s.accessTokens[token] = at }
            if var rt = s.refreshTokens[token] {
                rt.revoked = true
                s.refreshTokens[token] = rt
                for (k, var at) in s.accessTokens where at.clientID == rt.clientID && at.identityID == rt.identityID && at.resourceServer == rt.resourceServer {
                    at.revoked = true
                    s.accessTokens[k] = at
                }
            }
            return .json(["active": false])
        }
    }

    /// As Globus Auth: only a confidential client, authenticated with its secret, may introspect
    /// (the Python SDK has `oauth2_token_introspect` on `ConfidentialAppAuthClient` only).
    /// `include=session_info` adds the session: who authenticated, when, and how.
    func introspect(_ r: SimRequest) -> SimResponse {
        guard let (caller, secret) = r.basic, let c = knownClient(caller), let cs = c.secret, constantTimeEqual(cs, secret) else {
            return authError(401, "UNAUTHORIZED", "Unauthorized", "Call must be authenticated")
        }
        let token = r.form.first { $0.0 == "token" }?.1 ?? ""
        let withSession = r.form.contains { $0.0 == "include" && $0.1.split(separator: ",").contains("session_info") }
        return withState { s in
            guard let at = s.accessTokens[token], !at.revoked, at.expiresAt > s.now else { return .json(["active": false]) }
            var o: JSON = [
                "active": true, "scope": .string(at.scopes.map(\.name).joined(separator: " ")), "client_id": .string(at.clientID),
                "aud": [.string(at.resourceServer)], "exp": .int(at.expiresAt), "iat": .int(at.issuedAt), "nbf": .int(at.issuedAt),
                "token_type": "Bearer"
            ]
            if let id = at.identityID, let p = s.identity(id) {
                o = merge(
                    o,
                    [
                        "sub": .string(p.id), "username": .string(p.username), "name": .string(p.name), "email": .string(p.email),
                        "identity_set": [.string(p.id)]
                    ])
            } else {
                o = merge(o, ["sub": .string(at.clientID), "username": .string(at.clientID + "@clients.auth.globus.org")])
            }
            if withSession {
                var auths = JSONObject()
                if let session = at.session {
                    auths[s.identity(session.identityID)?.identityID(of: session.username) ?? session.identityID] = [
                        "auth_time": .int(session.authTime), "idp": .string(randomUUIDFor(session.domain)),
                        "amr": session.mfa ? ["mfa"] : [], "acr": session.mfa ? "mfa" : .null
                    ]
                }
                o = merge(
                    o,
                    [
                        "session_info": [
                            "session_id": .string(randomUUIDFor(at.session.map { "\($0.identityID)\($0.authTime)" } ?? at.token)),
                            "authentications": .object(auths)
                        ]
                    ])
            }
            return .json(o)
        }
    }

    func merge(_ a: JSON, _ b: JSON) -> JSON {
        guard case .object(var o) = a, case .object(let p) = b else { return a }
        for (k, v) in p { o[k] = v }
        return .object(o)
    }

    func identityDocument(_ p: SimIdentity) -> JSON {
        [
            "id": .string(p.id), "username": .string(p.username), "name": .string(p.name), "email": .string(p.email),
            "organization": .string(p.organization), "identity_provider": .string(randomUUIDFor(p.domain)),
            "identity_type": "login", "status": "used"
        ]
    }

    /// The token for an Auth API call, or the Auth-shaped 401.
    func authToken(_ r: SimRequest) -> Result<AccessToken, SimResponse> {
        guard let t = withState({ $0.validToken(r.bearer, for: "auth.globus.org") }) else {
            return .failure(authError(401, "UNAUTHORIZED", "Unauthorized", "Call must be authenticated"))
        }
        return .success(t)
    }

    func userinfo(_ r: SimRequest) -> SimResponse {
        let t: AccessToken
        switch authToken(r) {
        case .success(let v): t = v;
        case .failure(let e): return e
        }
        guard t.scopes.contains(where: { $0.name == "openid" }), let id = t.identityID, let p = withState({ $0.identity(id) }) else {
            return authError(403, "FORBIDDEN", "Forbidden", "The token does not include the openid scope")
        }
        var o: JSON = [
            "sub": .string(p.id), "preferred_username": .string(p.username), "name": .string(p.name),
            "organization": .string(p.organization), "identity_provider": .string(randomUUIDFor(p.domain)),
            "identity_provider_display_name": .string(p.organization)
        ]
        if t.scopes.contains(where: { $0.name == "email" }) { o = merge(o, ["email": .string(p.email)]) }
        o = merge(o, ["last_authentication": .int(t.session?.authTime ?? t.issuedAt)])
        // As Globus Auth: the identity set (primary and linked identities) only with view_identity_set.
        if t.scopes.contains(where: { $0.name == "urn:globus:auth:scope:auth.globus.org:view_identity_set" }) {
            o = merge(o, ["identity_set": .array(p.identitySet(session: t.session).map(\.json))])
        }
        return .json(o)
    }

    func identities(_ r: SimRequest) -> SimResponse {
        if case .failure(let e) = authToken(r) { return e }
        let people = withState { $0.identities }
        let ids = (r.param("ids") ?? "").split(separator: ",").map(String.init)
        let names = (r.param("usernames") ?? "").split(separator: ",").map(String.init)
        if ids.isEmpty == names.isEmpty {
            return authError(400, "INVALID_PARAMETERS", "Invalid parameters", "Give exactly one of ids or usernames")
        }
        let found = people.filter { ids.contains($0.id) || names.contains($0.username) }
        return .json(["identities": .array(found.map(identityDocument))])
    }

    func consents(_ r: SimRequest, identityID: String) -> SimResponse {
        let t: AccessToken
        switch authToken(r) {
        case .success(let v): t = v;
        case .failure(let e): return e
        }
        guard t.identityID == identityID else { return authError(403, "FORBIDDEN", "Forbidden", "You may only view your own consents") }
        let all = (r.param("all") ?? "false").lowercased() == "true"
        let nodes = withState { s in s.consents.filter { $0.identityID == identityID && (all || $0.clientID == t.clientID) } }
        return .json([
            "consents": .array(
                nodes.map { n in
                    [
                        "id": .int(n.id), "client": .string(n.clientID), "scope": .string(randomUUIDFor(n.scopeName)), "scope_name": .string(n.scopeName),
                        "effective_identity": .string(n.identityID), "dependency_path": .array(n.dependencyPath.map(JSON.int)),
                        "created": .string(isoDate(n.created)), "updated": .string(isoDate(n.created)), "last_used": .string(isoDate(n.created)),
                        "status": "approved", "allows_refresh": true, "auto_approved": false, "atomically_revocable": false
                    ]
                })
        ])
    }
}

/// base64url(SHA-256(verifier)) without padding.
func pkceChallenge(_ verifier: String) -> String {
    Base64.encode(Array(SHA256.hash(data: Array(verifier.utf8))), alphabet: .url)
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in 0..<x.count { d |= x[i] ^ y[i] }
    return d == 0
}

func page(title: String, body: String) -> String {
    """
    <!doctype html><html><head><meta charset="utf-8"><title>\(HTML.escape(title))</title>
    <style>body{font-family:sans-serif;max-width:40em;margin:2em auto}pre{font-size:1.3em;background:#eef;padding:.6em}.msg{color:#a50}
    .banner{background:#ffb81c;padding:.3em .6em;font-weight:bold}</style></head>
    <body><div class="banner">Globus Simulator: not the real Globus</div>\(body)</body></html>
    """
}

/// Globus Auth: the OAuth2 endpoints, identities and consents, and the simulator's sign-in page.
struct AuthRoutes: SimService {
    unowned let sim: Simulator
    var names: [String] { ["auth"] }

    func register(on group: RouterGroup<Simulator.SimContext>) {
        group.answer(.get, ".well-known/openid-configuration") { _, _ in sim.openIDConfiguration() }
        group.answer(.get, "jwk.json") { _, _ in .json(await sim.idTokens.jwks()) }
        group.answer(.get, "v2/oauth2/authorize") { r, _ in await sim.authorize(r) }
        group.answer(.post, "v2/oauth2/authorize/approve") { r, _ in await sim.approveChosen(r) }
        group.answer(.get, "sim/approve") { r, _ in await sim.approveChosen(r) }
        group.answer(.get, "v2/web/auth-code") { r, _ in sim.authCodePage(r) }
        group.answer(.post, "v2/oauth2/token") { r, _ in await sim.token(r) }
        group.answer(.post, "v2/oauth2/token/revoke") { r, _ in sim.revoke(r) }
        group.answer(.post, "v2/oauth2/token/introspect") { r, _ in sim.introspect(r) }
        group.answer(.get, "v2/oauth2/userinfo") { r, _ in sim.userinfo(r) }
        group.answer(.get, "v2/api/identities") { r, _ in sim.identities(r) }
        group.answer(.get, "v2/api/identities/:id/consents") { r, p in sim.consents(r, identityID: p.text("id")) }
    }

    func unrouted(_ r: SimRequest, _ path: String) async -> SimResponse {
        sim.authError(404, "NOT_FOUND", "Not Found", "No such resource: \(path)")
    }
}
