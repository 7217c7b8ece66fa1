import JSON

/// The parameters of an authorization requirement (`authorization_parameters` of a GARE).
public struct AuthorizationParameters: Sendable, Equatable {
    /// A message for the person logging in.
    public var sessionMessage: String?
    /// Identities (ids or usernames) that must be in the session.
    public var sessionRequiredIdentities: [String]?
    /// Domains of which one identity must be in the session.
    public var sessionRequiredSingleDomain: [String]?
    /// Authentication policies the session must meet.
    public var sessionRequiredPolicies: [String]?
    /// Whether the session needs multi-factor authentication.
    public var sessionRequiredMFA: Bool?
    /// Scopes the login must consent to.
    public var requiredScopes: [String]?
    /// `login`: authenticate again, even within a session.
    public var prompt: String?

    /// Parameters; see the properties.
    public init(
        sessionMessage: String? = nil, sessionRequiredIdentities: [String]? = nil, sessionRequiredSingleDomain: [String]? = nil,
        sessionRequiredPolicies: [String]? = nil, sessionRequiredMFA: Bool? = nil, requiredScopes: [String]? = nil, prompt: String? = nil
    ) {
        self.sessionMessage = sessionMessage
        self.sessionRequiredIdentities = sessionRequiredIdentities
        self.sessionRequiredSingleDomain = sessionRequiredSingleDomain
        self.sessionRequiredPolicies = sessionRequiredPolicies
        self.sessionRequiredMFA = sessionRequiredMFA
        self.requiredScopes = requiredScopes
        self.prompt = prompt
    }

    /// Parses an `authorization_parameters` object; lists may also be comma strings (legacy).
    public init?(json: JSON) {
        guard case .object = json else { return nil }
        func list(_ k: String) -> [String]? {
            if let a = json[k]?.array { return a.compactMap(\.string) }
            if let s = json[k]?.string { return s.split(separator: ",").map(String.init) }
            return nil
        }
        sessionMessage = json["session_message"]?.string
        sessionRequiredIdentities = list("session_required_identities")
        sessionRequiredSingleDomain = list("session_required_single_domain")
        sessionRequiredPolicies = list("session_required_policies")
        sessionRequiredMFA = json["session_required_mfa"]?.bool
        requiredScopes = list("required_scopes")
        prompt = json["prompt"]?.string
    }

    /// True when it asks for something about the session (not only scopes).
    public var hasSessionRequirements: Bool {
        !(sessionRequiredIdentities ?? []).isEmpty || !(sessionRequiredSingleDomain ?? []).isEmpty
            || !(sessionRequiredPolicies ?? []).isEmpty || sessionRequiredMFA == true || prompt == "login"
    }
}

/// A Globus Auth Requirements Error: a `code` and the parameters a login must satisfy.
public struct GARE: Sendable, Equatable {
    /// `AuthorizationRequired`, `ConsentRequired`, …
    public var code: String
    /// What the next login must carry.
    public var authorizationParameters: AuthorizationParameters

    /// Recognises the canonical form and the legacy variants, root first, then sub-documents.
    public init?(json: JSON) {
        if let g = GARE.one(json) { self = g; return }
        for sub in json["errors"]?.array ?? [] {
            if let g = GARE.one(sub) { self = g; return }
        }
        return nil
    }

    init(code: String, authorizationParameters: AuthorizationParameters) {
        self.code = code
        self.authorizationParameters = authorizationParameters
    }

    static func one(_ j: JSON) -> GARE? {
        guard case .object = j else { return nil }
        // Canonical and legacy authorization_parameters.
        if let p = j["authorization_parameters"].flatMap(AuthorizationParameters.init(json:)) {
            var params = p
            if params.requiredScopes == nil, let rs = j["required_scopes"]?.array?.compactMap(\.string) { params.requiredScopes = rs }
            let hasContent = params.hasSessionRequirements || !(params.requiredScopes ?? []).isEmpty || params.sessionMessage != nil
            if hasContent { return GARE(code: j["code"]?.string ?? "AuthorizationRequired", authorizationParameters: params) }
        }
        // Legacy ConsentRequired (Transfer and action providers).
        if j["code"]?.string == "ConsentRequired" {
            let scopes = j["required_scopes"]?.array?.compactMap(\.string) ?? j["required_scope"]?.string.map { [$0] }
            if let scopes, !scopes.isEmpty {
                return GARE(
                    code: "ConsentRequired",
                    authorizationParameters: AuthorizationParameters(
                        sessionMessage: j["message"]?.string ?? j["description"]?.string, requiredScopes: scopes))
            }
        }
        // Legacy Auth dependent consent.
        if j["error"]?.string == "dependent_consent_required" || j["code"]?.string == "DEPENDENT_CONSENT_REQUIRED" {
            let scopes = (j["unapproved_scopes"] ?? j["errors"]?.array?.first?["unapproved_scopes"])?.array?.compactMap(\.string) ?? []
            if !scopes.isEmpty {
                return GARE(code: "ConsentRequired", authorizationParameters: AuthorizationParameters(requiredScopes: scopes))
            }
        }
        return nil
    }
}
