/// A Globus service: its name (as in `GLOBUS_SDK_SERVICE_URL_<NAME>`), resource server, default
/// scopes, and the path prefix `globus api`-style calls add.
public struct GlobusService: Sendable, Equatable {
    /// The service's name (`transfer`, `timer`, …).
    public let name: String
    /// Its resource server.
    public let resourceServer: String
    /// The scopes a call asks for when the app has no requirement for the resource server.
    public let defaultScopes: [String]
    /// Prepended to call paths unless they already start with it or an exempt prefix.
    public let pathPrefix: String?
    /// Paths that keep their own prefix (Transfer's `/v2/`).
    public let exemptPrefixes: [String]

    /// A service; see the properties.
    public init(name: String, resourceServer: String, defaultScopes: [String], pathPrefix: String?, exemptPrefixes: [String]) {
        self.name = name
        self.resourceServer = resourceServer
        self.defaultScopes = defaultScopes
        self.pathPrefix = pathPrefix
        self.exemptPrefixes = exemptPrefixes
    }

    /// Globus Auth.
    public static let auth = GlobusService(
        name: "auth", resourceServer: "auth.globus.org",
        defaultScopes: ["openid", "profile", "email"], pathPrefix: nil, exemptPrefixes: [])
    /// Globus Transfer (`/v0.10`).
    public static let transfer = GlobusService(
        name: "transfer", resourceServer: "transfer.api.globus.org",
        defaultScopes: [Scopes.transferAll], pathPrefix: "/v0.10", exemptPrefixes: ["/v2/"])
    /// Globus Groups (`/v2`).
    public static let groups = GlobusService(
        name: "groups", resourceServer: "groups.api.globus.org",
        defaultScopes: [Scopes.groupsViewMyGroups], pathPrefix: "/v2", exemptPrefixes: [])
    /// Globus Search.
    public static let search = GlobusService(
        name: "search", resourceServer: "search.api.globus.org",
        defaultScopes: [Scopes.searchSearch], pathPrefix: nil, exemptPrefixes: [])
    /// Globus Timers.
    public static let timers = GlobusService(
        name: "timer", resourceServer: Scopes.timersResourceServer,
        defaultScopes: [Scopes.timers], pathPrefix: nil, exemptPrefixes: [])
    /// Globus Flows.
    public static let flows = GlobusService(
        name: "flows", resourceServer: "flows.globus.org",
        defaultScopes: [Scopes.flowsAll], pathPrefix: nil, exemptPrefixes: [])
    /// Globus Compute.
    public static let compute = GlobusService(
        name: "compute", resourceServer: "funcx_service",
        defaultScopes: [Scopes.computeAll], pathPrefix: nil, exemptPrefixes: [])

    /// A Globus Connect Server endpoint's manager, as a service: its resource server is the
    /// endpoint, and its address is the manager's (`gcs_manager_url`, given with each request).
    public static func gcs(_ endpointID: String) -> GlobusService {
        GlobusService(
            name: "gcs", resourceServer: endpointID, defaultScopes: ["urn:globus:auth:scope:\(endpointID):manage_collections"],
            pathPrefix: nil, exemptPrefixes: [])
    }

    /// The services reachable by name.
    public static let all: [GlobusService] = [.auth, .transfer, .groups, .search, .timers, .flows, .compute]

    /// Looks a service up by the name users type (`timers` and `timer` both work).
    public static func named(_ n: String) -> GlobusService? {
        all.first { $0.name == n || ($0.name == "timer" && n == "timers") }
    }

    /// A path with the service's API prefix added when missing (`/task_list` → `/v0.10/task_list`).
    public func prefixed(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : "/" + path
        guard let prefix = pathPrefix, !p.hasPrefix(prefix + "/"), p != prefix,
            !exemptPrefixes.contains(where: { p.hasPrefix($0) })
        else { return p }
        return prefix + p
    }
}

/// Scope strings of the Globus services (as the Python SDK's scope collections).
public enum Scopes {
    /// OpenID Connect's scopes.
    public static let openid = "openid", profile = "profile", email = "email"
    /// Auth: the linked identities in userinfo.
    public static let authViewIdentitySet = "urn:globus:auth:scope:auth.globus.org:view_identity_set"
    /// Auth: the consents an identity gave.
    public static let authViewConsents = "urn:globus:auth:scope:auth.globus.org:view_consents"
    /// Transfer: everything.
    public static let transferAll = "urn:globus:auth:scope:transfer.api.globus.org:all"
    /// Groups: everything.
    public static let groupsAll = "urn:globus:auth:scope:groups.api.globus.org:all"
    /// Groups: the person's groups and memberships.
    public static let groupsViewMyGroups = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"
    /// Search: everything.
    public static let searchAll = "urn:globus:auth:scope:search.api.globus.org:all"
    /// Search: queries.
    public static let searchSearch = "urn:globus:auth:scope:search.api.globus.org:search"
    /// The Timers service's resource server (and client id).
    public static let timersResourceServer = "524230d7-ea86-4a52-8312-86065a9e0417"
    /// Timers: the person's timers.
    public static let timers = "https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer"
    /// The Flows service's client id.
    public static let flowsClientID = "eec9b274-0c81-4334-bdc2-54e90e689b9a"
    /// Flows: everything.
    public static let flowsAll = "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all"
    /// Compute: everything.
    public static let computeAll = "https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all"

    /// A flow's own user scope, `https://auth.globus.org/scopes/<flow>/flow_<flow with _>_user`
    /// (what running the flow needs, as the Python SDK's `SpecificFlowClient` asks for).
    public static func flowUser(_ flowID: String) -> String {
        "https://auth.globus.org/scopes/\(flowID)/flow_\(String(flowID.map { $0 == "-" ? "_" : $0 }))_user"
    }

    /// The flow a Flows path acts on as that flow (`/flows/<id>/run`, `/flows/<id>/<id>/...`
    /// resume), or nil: such calls need the flow's own scope and token.
    public static func flowActedOn(path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        // A flow id is a UUID: anything else (a 36-character name with a space or a bracket)
        // would make a scope string that says something else.
        guard parts.count >= 3, parts[0] == "flows", PathSegment.isUUID(parts[1]), parts[2] == "run" || parts.count >= 4 && parts[3] == "resume" else {
            return nil
        }
        return parts[1]
    }

    /// `https://auth.globus.org/scopes/<collection>/data_access`.
    public static func dataAccess(_ collection: String) -> String { "https://auth.globus.org/scopes/\(collection)/data_access" }

    /// Transfer with a mapped collection's data_access: `transfer:all[*…/data_access]`.
    public static func transferDataAccess(_ collections: [String]) -> Scope {
        Scope(
            uncheckedName: transferAll,
            dependencies: collections.map { Scope(uncheckedName: dataAccess($0), optional: true) })
    }

    /// The resource server a scope string belongs to, when it can be told from the string.
    public static func resourceServer(of scope: String) -> String? {
        if ["openid", "profile", "email"].contains(scope) { return "auth.globus.org" }
        if scope.hasPrefix("urn:globus:auth:scope:") {
            let rest = scope.dropFirst("urn:globus:auth:scope:".count)
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            return String(rest[..<colon])
        }
        if scope.hasPrefix("https://auth.globus.org/scopes/") {
            let id = scope.dropFirst("https://auth.globus.org/scopes/".count).prefix { $0 != "/" }
            switch String(id) {
            case flowsClientID: return "flows.globus.org"
            case "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9": return "funcx_service"
            default: return String(id)
            }
        }
        return nil
    }
}
