/// What confidential clients (a client id with a secret) may do on this simulator. The
/// simulator's automation client has its secret published in this project, so on a class's
/// simulator anyone who reaches the port could use it: there it gets no tokens that act on
/// data, and without an operator it is not there at all.
public enum ConfidentialClients: Sendable, Equatable {
    /// What Globus lets them do: client credentials for any scope, introspection (a simulator
    /// of one's own: tests, demos, benchmarks).
    case allowed
    /// A class whose operator gave an admin key: client credentials only for Auth's own scopes
    /// (`openid`, `profile`, `email`, identity lookups), never for Transfer, Groups, Search,
    /// Timers, Flows or Compute, so that nobody in the class acts as the shared client.
    case authOnly
    /// A class without an operator key: confidential clients are unknown here.
    case off

    public init(class: Bool, admin: AdminAccess) {
        guard `class` else { self = .allowed; return }
        if case .key = admin { self = .authOnly } else { self = .off }
    }

    /// What `globus-sim` says about them at start (nothing for a simulator of one's own).
    public var notice: String? {
        switch self {
        case .allowed: nil
        case .authOnly: "confidential clients (client credentials) get tokens for Auth's own scopes only, never for Transfer or the other services"
        case .off: "confidential clients (client credentials) are off"
        }
    }
}

extension Simulator {
    /// The registered client with this id, as Auth knows it here: a confidential one only
    /// where they are not off.
    func knownClient(_ id: String) -> SimClient? {
        guard let c = withState({ $0.client(id) }) else { return nil }
        return c.isNative || confidentialClients != .off ? c : nil
    }

    /// Auth's refusal of client credentials for `scopes` here, if any: where confidential
    /// clients get Auth's own scopes only, any other scope is one this client may not have.
    func clientCredentialsRefusal(_ scopes: [ScopeTree], collections: Set<String>) -> SimResponse? {
        guard confidentialClients == .authOnly,
            let other = scopes.flatMap(allNames).first(where: { ScopeTree.resourceServer(of: $0, collections: collections) != "auth.globus.org" })
        else { return nil }
        return oauthError(
            400, "invalid_scope",
            "This class's simulator gives confidential clients tokens for Auth's own scopes only; \(other) is not one")
    }
}
