import JSON

/// Who is signed in, from OpenID Connect userinfo (``AuthClient/userinfo()``).
public struct UserInfo: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The identity's id.
    public var sub: String? { string("sub") }
    /// The username (`alice@uchicago.edu`).
    public var preferredUsername: String? { string("preferred_username") }
    /// The person's name (with the `profile` scope).
    public var name: String? { string("name") }
    /// Their email address (with the `email` scope).
    public var email: String? { string("email") }
    /// The organization of the identity (with the `profile` scope).
    public var organization: String? { string("organization") }
    /// The identities linked to this one (with the `view_identity_set` scope), each with when
    /// it last authenticated in this session.
    public var identitySet: [Identity] { list("identity_set") }
}

/// One identity: from ``AuthClient/getIdentities(usernames:ids:provision:)``, or in a userinfo's identity set.
public struct Identity: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The identity's id (`id`, or `sub` in an identity set).
    public var id: String? { string("id") ?? string("sub") }
    /// The username.
    public var username: String? { string("username") }
    /// The person's name.
    public var name: String? { string("name") }
    /// Their email address.
    public var email: String? { string("email") }
    /// The organization.
    public var organization: String? { string("organization") }
    /// `used`, `unused`, `private` or `closed`.
    public var status: String? { string("status") }
    /// The id of the identity provider.
    public var identityProvider: String? { string("identity_provider") }
    /// When it last authenticated in this session (epoch seconds; identity sets only).
    public var lastAuthentication: Int? { int("last_authentication") }
}

/// Identities found (``AuthClient/getIdentities(usernames:ids:provision:)``).
public struct IdentityList: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The identities, in the order asked for.
    public var identities: [Identity] { list("identities") }
}

/// One consent: a scope granted to a client, in a tree of dependent scopes.
public struct Consent: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The consent's id.
    public var id: Int? { int("id") }
    /// The scope granted.
    public var scopeName: String? { string("scope_name") }
    /// The consent ids from the tree's root to this one.
    public var dependencyPath: [Int] { json["dependency_path"]?.array?.compactMap(\.int) ?? [] }
    /// The client the consent was given to.
    public var client: String? { string("client") }
    /// The identity that gave it.
    public var identityID: String? { string("identity_id") }
}

/// The consents an identity gave (``AuthClient/getConsents(identityID:all:)``).
public struct ConsentList: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The consents.
    public var consents: [Consent] { list("consents") }
    /// The consents as trees, to ask whether they meet a scope with dependencies.
    public var forest: ConsentForest { ConsentForest(json["consents"]?.array ?? []) }
}
