import JSON

/// Globus Auth's API calls with this app's Auth token (through ``AuthClient``, without adding
/// its default scopes to the app's requirements).
extension GlobusApp {
    func auth(_ isCancelled: @escaping @Sendable () -> Bool) -> AuthClient {
        AuthClient(connection: ServiceConnection(.app(self), service: .auth, options: ClientOptions(isCancelled: isCancelled)))
    }

    /// OpenID Connect userinfo of the logged-in person.
    public func userinfo(isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> JSON {
        try auth(isCancelled).userinfo().data
    }

    /// Identities by username or by id (comma-joined as Globus Auth expects).
    public func identities(usernames: [String] = [], ids: [String] = [], isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> [JSON] {
        try auth(isCancelled).getIdentities(usernames: usernames, ids: ids).data["identities"]?.array ?? []
    }

    /// The consents an identity gave (to this client, or to all with `all`).
    public func consents(identityID: String, all: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> [JSON] {
        try auth(isCancelled).getConsents(identityID: identityID, all: all).data["consents"]?.array ?? []
    }
}

/// A consent forest (from `consents`): whether it meets scopes with dependencies.
public struct ConsentForest: Sendable {
    struct Node { var id: Int; var scopeName: String; var children: [Int] }
    var nodes: [Int: Node] = [:]
    var roots: [Int] = []

    /// The forest of `consents` (Globus Auth's consent documents: `id`, `scope_name`, `dependency_path`).
    public init(_ consents: [JSON]) {
        for c in consents {
            guard let id = c["id"]?.int, let name = c["scope_name"]?.string else { continue }
            nodes[id] = Node(id: id, scopeName: name, children: [])
        }
        for c in consents {
            guard let id = c["id"]?.int, let path = c["dependency_path"]?.array?.compactMap(\.int) else { continue }
            if path.count <= 1 { roots.append(id) } else if nodes[path[path.count - 2]] != nil { nodes[path[path.count - 2]]!.children.append(id) }
        }
    }

    /// True when some tree meets `scope` (name, and every dependency met by a child, recursively).
    public func meets(_ scope: Scope) -> Bool { roots.contains { meets(scope, at: $0) } }

    func meets(_ scope: Scope, at id: Int) -> Bool {
        guard let n = nodes[id], n.scopeName == scope.name else { return false }
        return scope.dependencies.allSatisfy { d in n.children.contains { meets(d, at: $0) } }
    }
}
