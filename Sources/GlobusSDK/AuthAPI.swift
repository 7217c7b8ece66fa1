import JSON

/// Globus Auth's API calls with this app's Auth token.
extension GlobusApp {
    func authJSON(_ path: String, query: [(String, String)] = [], isCancelled: @escaping @Sendable () -> Bool) throws(GlobusError) -> JSON {
        var r = ServiceRequest(service: .auth, method: "GET", path: path)
        r.query = query
        let response = try call(r, isCancelled: isCancelled)
        do { return try JSON.parse(response.body) } catch {
            throw .api(GlobusAPIError(method: "GET", url: (try? r.url(environment: config.environment)) ?? r.path, status: response.status,
                                      headers: response.headers, body: response.body))
        }
    }

    /// OpenID Connect userinfo of the logged-in person.
    public func userinfo(isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> JSON {
        try authJSON("/v2/oauth2/userinfo", isCancelled: isCancelled)
    }

    /// Identities by username or by id (comma-joined as Globus Auth expects).
    public func identities(usernames: [String] = [], ids: [String] = [], isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> [JSON] {
        guard usernames.isEmpty != ids.isEmpty else { throw .usage("identities: give usernames or ids, not both") }
        let q = usernames.isEmpty ? [("ids", ids.joined(separator: ","))] : [("usernames", usernames.joined(separator: ","))]
        return try authJSON("/v2/api/identities", query: q, isCancelled: isCancelled)["identities"]?.array ?? []
    }

    /// The consents an identity gave (to this client, or to all with `all`).
    public func consents(identityID: String, all: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }) throws(GlobusError) -> [JSON] {
        try authJSON("/v2/api/identities/\(identityID)/consents", query: [("all", all ? "True" : "False")], isCancelled: isCancelled)["consents"]?.array ?? []
    }
}

/// A consent forest (from `consents`): whether it meets scopes with dependencies.
public struct ConsentForest: Sendable {
    struct Node { var id: Int; var scopeName: String; var children: [Int] }
    var nodes: [Int: Node] = [:]
    var roots: [Int] = []

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
