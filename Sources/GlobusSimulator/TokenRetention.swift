/// Auth's records kept within bounds: each sign-in and each refresh makes one, and a loop of
/// them must not grow the simulator without end. What goes is what a client stopped using:
/// an authorization code an hour old, a person's oldest codes past `SimLimits.codesPerIdentity`,
/// and tokens of one kind (subject, client, resource server) past `SimLimits.tokensPerGrant`:
/// expired or revoked ones first, then the oldest, which then answer as an unknown token does.
extension SimState {
    /// Keeps a code: forgets codes an hour old (none of them redeemable) and, past the bound,
    /// the person's oldest.
    mutating func keep(_ code: AuthorizationCode) {
        let now = self.now
        codes = codes.filter { now - $0.value.created < 3600 }
        SimState.forgetSpent(
            in: &codes, bound: SimLimits.codesPerIdentity, sameKind: { $0.identityID == code.identityID },
            spent: \.used, age: \.serial)
        codes[code.code] = numbered(code)
    }

    /// Keeps an access token, within the bound of its kind.
    mutating func keep(_ token: AccessToken) {
        let now = self.now
        SimState.forgetSpent(
            in: &accessTokens, bound: SimLimits.tokensPerGrant,
            sameKind: { $0.identityID == token.identityID && $0.clientID == token.clientID && $0.resourceServer == token.resourceServer },
            spent: { $0.revoked || $0.expiresAt <= now }, age: \.serial)
        accessTokens[token.token] = numbered(token)
    }

    /// Keeps a refresh token, within the bound of its kind.
    mutating func keep(_ token: RefreshToken) {
        SimState.forgetSpent(
            in: &refreshTokens, bound: SimLimits.tokensPerGrant,
            sameKind: { $0.identityID == token.identityID && $0.clientID == token.clientID && $0.resourceServer == token.resourceServer },
            spent: \.revoked, age: \.serial)
        refreshTokens[token.token] = numbered(token)
    }

    /// The record with the next serial number.
    mutating func numbered<T: Serial>(_ record: T) -> T {
        var r = record
        kept += 1
        r.serial = kept
        return r
    }

    /// Forgets entries of one kind until one more fits within `bound`: spent ones first, then
    /// the oldest.
    static func forgetSpent<V>(in records: inout [String: V], bound: Int, sameKind: (V) -> Bool, spent: (V) -> Bool, age: (V) -> Int) {
        let kind = records.filter { sameKind($0.value) }
        guard kind.count >= bound else { return }
        let order = kind.sorted { (spent($0.value) ? 0 : 1, age($0.value)) < (spent($1.value) ? 0 : 1, age($1.value)) }
        for (key, _) in order.prefix(kind.count - bound + 1) { records[key] = nil }
    }
}

/// A record numbered in the order it was kept.
protocol Serial {
    var serial: Int { get set }
}

extension AccessToken: Serial {}
extension RefreshToken: Serial {}
extension AuthorizationCode: Serial {}
