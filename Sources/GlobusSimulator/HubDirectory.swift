import Support
import Crypto
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Who a JupyterHub API token belongs to, as the hub answers it.
public enum HubOwner: Sendable, Equatable {
    /// A hub user, by name.
    case user(String)
    /// A hub service (not a person), by name.
    case service(String)
    /// The hub does not accept the token (unknown, expired or revoked).
    case rejected
    /// The hub did not answer (down, or an answer that is not the hub's); why, for the refusal.
    case unreachable(String)
}

/// The class's JupyterHub as the simulator asks it who a token belongs to, as a JupyterHub
/// service authenticates its users: `GET {JUPYTERHUB_API_URL}/user` with the person's token
/// (`Authorization: token …`), which any token may ask about itself. Answers are kept a short
/// while (as JupyterHub's own `HubAuth` does), under the token's SHA-256, never the token
/// itself; a hub that did not answer is asked again next time.
public final class HubDirectory: Sendable {
    /// Asks the hub about one token.
    public typealias Lookup = @Sendable (_ token: String) async -> HubOwner

    /// The hub's REST API, e.g. `http://127.0.0.1:8081/hub/api` (for messages).
    public let apiURL: String
    /// Seconds an answer is kept.
    public let cacheSeconds: Double
    private let lookup: Lookup
    private let cache = NIOLockedValueBox<[String: (owner: HubOwner, until: Double)]>([:])
    /// At most this many answers are kept (expired ones go first, then all).
    static let cacheCapacity = 4096

    /// The hub at `apiURL` (plain HTTP, as JupyterHub gives it to its services), asked over the
    /// network, each answer awaited at most `answerWithin` seconds (then the sign-in is answered
    /// 503, try again); nil when the URL is not one.
    public convenience init?(apiURL: String, cacheSeconds: Double = 60, answerWithin: Int64 = 5) {
        guard let api = HubAPI(apiURL, timeout: answerWithin) else { return nil }
        self.init(apiURL: apiURL, cacheSeconds: cacheSeconds, lookup: api.owner(of:))
    }

    /// A hub answered by `lookup` (tests).
    public init(apiURL: String, cacheSeconds: Double = 60, lookup: @escaping Lookup) {
        self.apiURL = apiURL
        self.cacheSeconds = cacheSeconds
        self.lookup = lookup
    }

    /// Who `token` belongs to: a kept answer while it lasts, else the hub's.
    public func owner(of token: String) async -> HubOwner {
        let key = SHA256.hash(data: Array(token.utf8)).map { String($0, radix: 16).leftPadded(2) }.joined()
        let now = HubDirectory.monotonicSeconds()
        if let kept = cache.withLockedValue({ $0[key] }), kept.until > now { return kept.owner }
        let answer = await lookup(token)
        if case .unreachable = answer { return answer }
        cache.withLockedValue { c in
            if c.count >= HubDirectory.cacheCapacity { c = c.filter { $0.value.until > now } }
            if c.count >= HubDirectory.cacheCapacity { c.removeAll() }
            c[key] = (answer, now + cacheSeconds)
        }
        return answer
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
