/// A URL's origin: scheme, host and port (the default port when none is written), compared
/// case-insensitively. Tokens and redirects are confined to one origin.
public struct Origin: Equatable, Sendable, CustomStringConvertible {
    /// `https` or `http`, lowercased.
    public let scheme: String
    /// The host, lowercased.
    public let host: String
    /// The port (443 and 80 when not given).
    public let port: Int

    /// The origin of an `http(s)` URL, or nil.
    public init?(_ url: String) {
        guard let sep = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<sep.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let rest = url[sep.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority), port = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// `https://host:443`.
    public var description: String { "\(scheme)://\(host):\(port)" }

    /// Whether the host is this computer's loopback address (what reaches it never leaves the computer).
    public var isLoopback: Bool { ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host) }

    /// Whether a token may be sent here: over HTTPS, or plain HTTP to this computer only.
    public var carriesTokens: Bool { scheme == "https" || isLoopback }
}
