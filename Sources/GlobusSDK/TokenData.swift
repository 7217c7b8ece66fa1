import JSON

/// One resource server's stored tokens, with the Python SDK's fields and validation.
public struct TokenData: Sendable, Equatable {
    /// The resource server the tokens are for.
    public var resourceServer: String
    /// The identity they belong to (nil for some client apps).
    public var identityID: String?
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
    /// Unknown keys read from storage (not written back, as in the Python SDK).
    public var extra: JSONObject = JSONObject()

    /// Token data; see the properties.
    public init(
        resourceServer: String, identityID: String?, scope: String, accessToken: String, refreshToken: String?,
        expiresAtSeconds: Int, tokenType: String?
    ) {
        self.resourceServer = resourceServer
        self.identityID = identityID
        self.scope = scope
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAtSeconds = expiresAtSeconds
        self.tokenType = tokenType
    }

    /// Builds token data from a token set and the identity it belongs to.
    public init(_ t: TokenSet, identityID: String?) {
        self.init(
            resourceServer: t.resourceServer, identityID: identityID, scope: t.scope, accessToken: t.accessToken,
            refreshToken: t.refreshToken, expiresAtSeconds: t.expiresAtSeconds, tokenType: t.tokenType)
    }

    /// The scopes granted, as strings.
    public var scopes: [String] { scope.split(separator: " ").map(String.init) }

    /// The stored form: fields in order, null values omitted.
    public var json: JSON {
        var o = JSONObject()
        o["resource_server"] = .string(resourceServer)
        if let identityID { o["identity_id"] = .string(identityID) }
        o["scope"] = .string(scope)
        o["access_token"] = .string(accessToken)
        if let refreshToken { o["refresh_token"] = .string(refreshToken) }
        o["expires_at_seconds"] = .int(expiresAtSeconds)
        if let tokenType { o["token_type"] = .string(tokenType) }
        return .object(o)
    }

    /// The largest |expires_at_seconds| accepted (2^53).
    static let maxSeconds = 1 << 53

    /// Validates and reads the stored form.
    public init(json: JSON) throws(GlobusError) {
        guard let o = json.object else { throw .storage("token data must be an object") }
        func string(_ k: String) throws(GlobusError) -> String {
            guard let s = o[k]?.string else { throw .storage("'\(k)' must be a string") }
            return s
        }
        func optional(_ k: String) throws(GlobusError) -> String? {
            guard let v = o[k], !v.isNull else { return nil }
            guard let s = v.string else { throw .storage("'\(k)' must be a string or null") }
            return s
        }
        // Ints as the Python SDK writes them; an integral float (1.7e9) is the same instant. The
        // range keeps date arithmetic from overflowing (about ±285 million years).
        guard let exp = o["expires_at_seconds"]?.int, exp > -TokenData.maxSeconds, exp < TokenData.maxSeconds else {
            throw .storage("'expires_at_seconds' must be an int (epoch seconds)")
        }
        self.init(
            resourceServer: try string("resource_server"), identityID: try optional("identity_id"), scope: try string("scope"),
            accessToken: try string("access_token"), refreshToken: try optional("refresh_token"), expiresAtSeconds: exp,
            tokenType: try optional("token_type"))
        for (k, v) in o where !["resource_server", "identity_id", "scope", "access_token", "refresh_token", "expires_at_seconds", "token_type"].contains(k) {
            extra[k] = v
        }
    }
}

/// Where tokens are kept, by namespace and resource server.
public protocol TokenStorage: Sendable {
    /// The namespace (`DEFAULT` for apps).
    var namespace: String { get }
    /// All entries of the namespace.
    func all() throws(GlobusError) -> [String: TokenData]
    /// Stores entries, replacing those with the same resource server.
    func store(_ entries: [TokenData]) throws(GlobusError)
    /// Removes one entry; true when it existed.
    @discardableResult func remove(_ resourceServer: String) throws(GlobusError) -> Bool
    /// Stores `entries` only if every stored entry belongs to `identity`; returns the other
    /// identity found otherwise (atomically where the store can).
    func store(_ entries: [TokenData], ifIdentityIs identity: String) throws(GlobusError) -> String?
    /// Reads, changes and stores one entry (atomically where the store can).
    func update(_ rs: String, _ change: (TokenData?) throws(GlobusError) -> TokenData) throws(GlobusError)
    /// A human-readable location ("memory", a path).
    var location: String { get }
}

extension TokenStorage {
    /// The entry for `resourceServer`, or nil.
    public func get(_ resourceServer: String) throws(GlobusError) -> TokenData? { try all()[resourceServer] }

    /// Reads, changes and stores one entry. Stores that can (the JSON file) do it as one step
    /// under their cross-process lock; this default does it in three.
    public func update(_ rs: String, _ change: (TokenData?) throws(GlobusError) -> TokenData) throws(GlobusError) {
        try store([try change(try get(rs))])
    }

    /// Stores `entries` only if every stored entry belongs to `identity` (or none is stored);
    /// returns the identity found otherwise. Stores that can, do this atomically.
    public func store(_ entries: [TokenData], ifIdentityIs identity: String) throws(GlobusError) -> String? {
        if let other = try all().values.compactMap(\.identityID).first(where: { $0 != identity }) { return other }
        try store(entries)
        return nil
    }
}
