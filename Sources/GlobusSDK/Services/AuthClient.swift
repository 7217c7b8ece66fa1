import JSON

/// A client of Globus Auth's API (not its login endpoints, which ``AuthLoginClient`` and
/// ``GlobusApp`` use): who is signed in, identities, consents (the Python SDK's `AuthClient`).
///
/// ```swift
/// let auth = AuthClient(app: app)
/// let me = try auth.userinfo()
/// print(me.preferredUsername ?? "?")
/// ```
public struct AuthClient: GlobusServiceClient {
    /// Its service and scopes: ``AuthScopes``.
    public typealias ScopeSet = AuthScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// `GET /v2/oauth2/userinfo`: who is signed in (what it holds depends on the scopes
    /// consented: `profile`, `email`, `view_identity_set`).
    public func userinfo() throws(GlobusError) -> GlobusResponse<UserInfo> {
        try connection.call(connection.request("GET", "/v2/oauth2/userinfo"))
    }

    /// The former name of ``userinfo()``.
    @available(*, deprecated, renamed: "userinfo()")
    public func oauth2Userinfo() throws(GlobusError) -> GlobusResponse<UserInfo> { try userinfo() }

    /// `GET /v2/api/identities`: identities by username or by id (give one or the other).
    /// With `provision`, Globus Auth makes identities for usernames it does not know yet.
    public func getIdentities(usernames: [String] = [], ids: [String] = [], provision: Bool = false) throws(GlobusError) -> GlobusResponse<IdentityList> {
        guard usernames.isEmpty != ids.isEmpty else { throw .usage("getIdentities: give usernames or ids, not both") }
        let list = usernames.isEmpty ? ("ids", ids) : ("usernames", usernames)
        return try connection.call(
            connection.request(
                "GET", "/v2/api/identities",
                query: [
                    list.0: list.1.joined(separator: ","), "provision": provision ? "true" : nil
                ]))
    }

    /// `GET /v2/api/identities/ID/consents`: the consents an identity gave to this client (to
    /// every client with `all`, which needs the `view_consents` scope).
    public func getConsents(identityID: String, all: Bool = false) throws(GlobusError) -> GlobusResponse<ConsentList> {
        try connection.call(
            connection.request(
                "GET", "/v2/api/identities/\(PathSegment.escape(identityID))/consents",
                query: ["all": all ? "True" : "False"]))
    }
}
