import Support
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// What a login session proved: who authenticated, from which domain, with MFA or not.
struct SessionInfo: Sendable {
    var identityID: String
    /// The username that authenticated (the primary or a linked identity).
    var username: String
    var domain: String
    var mfa: Bool
    var authTime: Int
}

/// An issued access token.
struct AccessToken: Sendable {
    var token: String
    var clientID: String
    var resourceServer: String
    var scopes: [ScopeTree]
    /// Nil for client-credentials tokens (the client is the subject).
    var identityID: String?
    var expiresAt: Int
    var revoked = false
    var session: SessionInfo?
    var issuedAt: Int
    /// Its place in the order Auth's records were kept (`TokenRetention.swift`).
    var serial = 0
}

/// An issued refresh token (one per resource server, as Globus does).
struct RefreshToken: Sendable {
    var token: String
    var clientID: String
    var resourceServer: String
    var scopes: [ScopeTree]
    var identityID: String
    var revoked = false
    var session: SessionInfo?
    var issuedAt = 0
    var serial = 0
}

/// A pending authorization code.
struct AuthorizationCode: Sendable {
    var code: String
    var clientID: String
    var redirectURI: String
    var scopes: [ScopeTree]
    var challenge: String?
    var identityID: String
    var offline: Bool
    var created: Int
    var used = false
    var session: SessionInfo
    var state: String?
    var serial = 0
}

/// One node of a consent forest (identity × client).
struct ConsentNode: Sendable {
    var id: Int
    var clientID: String
    var identityID: String
    var scopeName: String
    var dependencyPath: [Int]
    var created: Int
}

/// The whole simulated Globus. All access goes through `Simulator.withState`.
struct SimState: Sendable {
    var identities: [SimIdentity]
    var clients: [SimClient]
    var tokenLifetime: Int
    var clockOffset = 0
    var codes: [String: AuthorizationCode] = [:]
    var accessTokens: [String: AccessToken] = [:]
    var refreshTokens: [String: RefreshToken] = [:]
    var consents: [ConsentNode] = []
    var nextConsentID = 1000
    var faults: [Fault] = []
    /// How many of Auth's records (codes and tokens) were kept so far.
    var kept = 0
    var transfer = TransferData()
    /// Runs of deployed flows.
    var runs: [SimRun] = []
    /// Transfer timers.
    var timers: [SimTimer] = []
    var autoApprove: String?

    /// Simulated "now" in epoch seconds (real time plus the configured clock offset).
    var now: Int { Int(time(nil)) + clockOffset }

    /// `now` with its fraction (for tasks that progress smoothly).
    var preciseNow: Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 + Double(clockOffset)
    }

    func identity(_ id: String) -> SimIdentity? { identities.first { $0.id == id } }
    func identity(named username: String) -> SimIdentity? { identities.person(named: username) }
    func client(_ id: String) -> SimClient? { clients.first { $0.id == id } }

    /// Validates an access token for `resourceServer`.
    func validToken(_ token: String?, for resourceServer: String) -> AccessToken? {
        guard let token, let t = accessTokens[token], !t.revoked, t.expiresAt > now, t.resourceServer == resourceServer else { return nil }
        return t
    }

    /// Whether `identity` has consented, for `client`, to `scope` with the given dependency chain.
    func hasConsent(identityID: String, clientID: String, path: [String]) -> Bool {
        var parents: [ConsentNode] = consents.filter { $0.identityID == identityID && $0.clientID == clientID && $0.dependencyPath.count == 1 && $0.scopeName == path[0] }
        for name in path.dropFirst() {
            let ids = Set(parents.map(\.id))
            parents = consents.filter { n in n.scopeName == name && n.dependencyPath.count >= 2 && ids.contains(n.dependencyPath[n.dependencyPath.count - 2]) }
            if parents.isEmpty { return false }
        }
        return !parents.isEmpty
    }

    /// Records consent for the scope trees (merging with what exists).
    mutating func recordConsent(identityID: String, clientID: String, scopes: [ScopeTree]) {
        func add(_ tree: ScopeTree, parentPath: [Int]) {
            let existing = consents.first { n in
                n.identityID == identityID && n.clientID == clientID && n.scopeName == tree.name
                    && Array(n.dependencyPath.dropLast()) == parentPath
            }
            let path: [Int]
            if let existing {
                path = existing.dependencyPath
            } else {
                nextConsentID += 1
                path = parentPath + [nextConsentID]
                consents.append(
                    ConsentNode(
                        id: nextConsentID, clientID: clientID, identityID: identityID, scopeName: tree.name,
                        dependencyPath: path, created: now))
            }
            for d in tree.dependencies { add(d, parentPath: path) }
        }
        for s in scopes { add(s, parentPath: []) }
        // Past the bound, the person's earlier consents for this client are forgotten (as if
        // revoked) and only this one stands (at most `ScopeTree.maximumScopes` nodes).
        let mine = { (n: ConsentNode) in n.identityID == identityID && n.clientID == clientID }
        if consents.count(where: mine) > SimLimits.consentsPerClient {
            consents.removeAll(where: mine)
            for s in scopes { add(s, parentPath: []) }
        }
    }

    /// Issues tokens for `scopes` grouped by resource server; the auth.globus.org token (if any) first.
    mutating func issue(scopes: [ScopeTree], clientID: String, identityID: String?, offline: Bool, session: SessionInfo?) -> [(AccessToken, RefreshToken?)] {
        var byRS: [(String, [ScopeTree])] = []
        for s in scopes {
            guard let rs = ScopeTree.resourceServer(of: s.name, collections: transfer.collectionIDs) else { continue }
            if let i = byRS.firstIndex(where: { $0.0 == rs }) { byRS[i].1.append(s) } else { byRS.append((rs, [s])) }
        }
        byRS.sort { a, b in a.0 == "auth.globus.org" && b.0 != "auth.globus.org" }
        return byRS.map { rs, trees in
            let at = AccessToken(
                token: randomToken("AT"), clientID: clientID, resourceServer: rs, scopes: trees, identityID: identityID,
                expiresAt: now + tokenLifetime, session: session, issuedAt: now)
            keep(at)
            var rt: RefreshToken?
            if offline, let identityID {
                let r = RefreshToken(
                    token: randomToken("RT"), clientID: clientID, resourceServer: rs, scopes: trees, identityID: identityID,
                    session: session, issuedAt: now)
                keep(r)
                rt = r
            }
            return (at, rt)
        }
    }
}

/// A random opaque token string.
func randomToken(_ prefix: String) -> String {
    var g = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return "sim" + prefix + String((0..<40).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
}

/// A random UUID string.
func randomUUID() -> String {
    var g = SystemRandomNumberGenerator()
    let h = (0..<32).map { _ in String(g.next() % 16, radix: 16) }.joined()
    let c = Array(h)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-" + String(c[20..<32])
}

/// A short request id like Globus's.
func requestID() -> String { String(randomToken("").dropFirst(3).prefix(9)) }

/// ISO 8601 for epoch seconds, e.g. `2026-11-29T10:00:00+00:00`.
func isoDate(_ t: Int, space: Bool = false) -> String {
    (UTCTime(secondsSince1970: t)?.formatted(separator: space ? " " : "T") ?? String(t)) + "+00:00"
}
