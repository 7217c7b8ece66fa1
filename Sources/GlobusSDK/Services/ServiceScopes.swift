/// The scopes of one Globus service, and those its client asks for by default. A
/// ``GlobusServiceClient`` is declared with its service's scopes (`typealias ScopeSet =
/// TransferScopes`), and takes its service and default requirements from them.
public protocol ServiceScopes: Sendable {
    /// The service whose scopes these are.
    static var service: GlobusService { get }
    /// The scopes the service's client asks for unless told otherwise.
    var defaults: [Scope] { get }
    /// The scopes.
    init()
}

extension ServiceScopes {
    /// The service's resource server (`transfer.api.globus.org`; Timers' is its client id).
    public var resourceServer: String { Self.service.resourceServer }
}

/// The scopes of Globus Transfer (``GlobusServiceClient/scopes``).
public struct TransferScopes: ServiceScopes {
    /// Globus Transfer (`/v0.10`).
    public static let service = GlobusService.transfer
    /// What ``TransferClient`` asks for by default: ``all``.
    public var defaults: [Scope] { [all] }
    /// The scopes.
    public init() {}
    /// Everything Transfer does for the person.
    public var all: Scope { Scope(Scopes.transferAll) }
}

/// The scopes of Globus Auth (``AuthClient/scopes``).
public struct AuthScopes: ServiceScopes {
    /// Globus Auth.
    public static let service = GlobusService.auth
    /// What ``AuthClient`` asks for by default: ``openid``, ``profile`` and ``email``, as the Python SDK's `AuthClient` asks.
    public var defaults: [Scope] { [openid, profile, email] }
    /// The scopes.
    public init() {}
    /// Who is signed in (an id_token; always asked for).
    public var openid: Scope { Scope(Scopes.openid) }
    /// Their name and organization in userinfo.
    public var profile: Scope { Scope(Scopes.profile) }
    /// Their email address in userinfo.
    public var email: Scope { Scope(Scopes.email) }
    /// Identities by username or id (``AuthClient/getIdentities(usernames:ids:provision:)``).
    public var viewIdentities: Scope { Scope("urn:globus:auth:scope:auth.globus.org:view_identities") }
    /// The linked identities in userinfo, with when each last authenticated.
    public var viewIdentitySet: Scope { Scope(Scopes.authViewIdentitySet) }
    /// The consents the person gave (``AuthClient/getConsents(identityID:all:)``).
    public var viewConsents: Scope { Scope(Scopes.authViewConsents) }
}

/// The scopes of Globus Groups (``GroupsClient/scopes``).
public struct GroupsScopes: ServiceScopes {
    /// Globus Groups (`/v2`).
    public static let service = GlobusService.groups
    /// What ``GroupsClient`` asks for by default: ``viewMyGroupsAndMemberships``.
    public var defaults: [Scope] { [viewMyGroupsAndMemberships] }
    /// The scopes.
    public init() {}
    /// Everything Groups does for the person.
    public var all: Scope { Scope(Scopes.groupsAll) }
    /// Read the person's groups and memberships.
    public var viewMyGroupsAndMemberships: Scope { Scope(Scopes.groupsViewMyGroups) }
}

/// The scopes of Globus Search (``SearchClient/scopes``).
public struct SearchScopes: ServiceScopes {
    /// Globus Search.
    public static let service = GlobusService.search
    /// What ``SearchClient`` asks for by default: ``search``.
    public var defaults: [Scope] { [search] }
    /// The scopes.
    public init() {}
    /// Everything Search does for the person.
    public var all: Scope { Scope(Scopes.searchAll) }
    /// Query indices.
    public var search: Scope { Scope(Scopes.searchSearch) }
    /// Write documents into indices.
    public var ingest: Scope { Scope("urn:globus:auth:scope:search.api.globus.org:ingest") }
}

/// The scopes of Globus Flows (``FlowsClient/scopes``). Running one flow takes that flow's own
/// scope: see ``SpecificFlowScopes``.
public struct FlowsScopes: ServiceScopes {
    /// Globus Flows.
    public static let service = GlobusService.flows
    /// What ``FlowsClient`` asks for by default: ``all``.
    public var defaults: [Scope] { [all] }
    /// The scopes.
    public init() {}
    /// Everything Flows does for the person.
    public var all: Scope { Scope(Scopes.flowsAll) }
    /// Create, change and delete flows.
    public var manageFlows: Scope { flows("manage_flows") }
    /// List and read flows.
    public var viewFlows: Scope { flows("view_flows") }
    /// Start flows.
    public var run: Scope { flows("run") }
    /// Read runs.
    public var runStatus: Scope { flows("run_status") }
    /// Cancel and change runs.
    public var runManage: Scope { flows("run_manage") }

    func flows(_ name: String) -> Scope { Scope("https://auth.globus.org/scopes/\(Scopes.flowsClientID)/\(name)") }
}

/// The scopes of one flow: running it acts as the flow (``SpecificFlowClient/scopes``).
public struct SpecificFlowScopes: Sendable {
    /// The flow's id, which is also its resource server.
    public let resourceServer: String
    /// `…/flow_<id>_user`: run the flow.
    public var user: Scope { Scope(uncheckedName: Scopes.flowUser(resourceServer)) }

    /// The scopes of the flow `flowID`.
    public init(_ flowID: String) { resourceServer = flowID }
}

/// The scopes of Globus Timers (``TimersClient/scopes``).
public struct TimersScopes: ServiceScopes {
    /// Globus Timers.
    public static let service = GlobusService.timers
    /// What ``TimersClient`` asks for by default: ``timer``.
    public var defaults: [Scope] { [timer] }
    /// The scopes.
    public init() {}
    /// Create and manage the person's timers.
    public var timer: Scope { Scope(Scopes.timers) }
}

/// The scopes of one Globus Connect Server endpoint (``GCSClient/scopes``).
public struct GCSEndpointScopes: Sendable {
    /// The endpoint's id, which is also its resource server.
    public let resourceServer: String
    /// Manage the endpoint's collections.
    public var manageCollections: Scope {
        Scope(uncheckedName: "urn:globus:auth:scope:\(resourceServer):manage_collections")
    }

    /// The scopes of the endpoint `endpointID`.
    public init(_ endpointID: String) { resourceServer = endpointID }
}

/// The scopes of one mapped or guest collection on Globus Connect Server.
public struct GCSCollectionScopes: Sendable {
    /// The collection's id.
    public let collectionID: String
    /// Reach the collection's data through Transfer (needed for mapped collections, as a
    /// dependency of Transfer's scope: ``TransferClient/addAppDataAccessScope(_:)``).
    public var dataAccess: Scope { Scope(uncheckedName: Scopes.dataAccess(collectionID)) }
    /// Reach the collection's data over HTTPS (``CollectionHTTPSClient``); the collection is its
    /// resource server.
    public var https: Scope { Scope(uncheckedName: "https://auth.globus.org/scopes/\(collectionID)/https") }
    /// Reach a mapped collection's data over HTTPS: `…/https[*…/data_access]`, the `data_access`
    /// consent under the https scope, as a non-high-assurance mapped collection requires (a guest
    /// collection has no `data_access` scope: use ``https``).
    public var httpsWithDataAccess: Scope {
        Scope(
            uncheckedName: "https://auth.globus.org/scopes/\(collectionID)/https",
            dependencies: [Scope(uncheckedName: Scopes.dataAccess(collectionID), optional: true)])
    }

    /// The scopes of the collection `collectionID`.
    public init(_ collectionID: String) { self.collectionID = collectionID }
}
