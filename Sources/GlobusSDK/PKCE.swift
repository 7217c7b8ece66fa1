import Crypto

/// A PKCE verifier and its S256 challenge (RFC 7636), as Globus native apps use them.
public struct PKCE: Sendable, Equatable {
    /// The secret the code exchange sends.
    public let verifier: String
    /// Its SHA-256, base64url: what the authorize URL sends.
    public let challenge: String

    /// A fresh verifier: base64url of 32 random bytes without padding (43 characters).
    public init() {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        self.init(unchecked: base64url(bytes))
    }

    /// A given verifier (43–128 characters of `[A-Za-z0-9~_.-]`).
    public init(verifier: String) throws(GlobusError) {
        guard (43...128).contains(verifier.count) else { throw .usage("verifier must be 43-128 characters long: \(verifier.count)") }
        guard verifier.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "~_.-".unicodeScalars.contains($0)) }) else {
            throw .usage("verifier contained invalid characters")
        }
        self.init(unchecked: verifier)
    }

    /// A fixed verifier/challenge pair (tests).
    init(verifier: String, challenge: String) {
        self.verifier = verifier
        self.challenge = challenge
    }

    init(unchecked verifier: String) {
        self.verifier = verifier
        challenge = base64url(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}

/// Base64url without padding.
func base64url(_ bytes: [UInt8]) -> String {
    let a = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    var out = ""
    var i = 0
    while i < bytes.count {
        let n = min(3, bytes.count - i)
        var v = UInt32(bytes[i]) << 16
        if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
        if n > 2 { v |= UInt32(bytes[i + 2]) }
        for k in 0...n { out.append(a[Int((v >> (18 - 6 * UInt32(k))) & 63)]) }
        i += 3
    }
    return out
}

/// Standard base64 with padding (for HTTP Basic).
func base64(_ bytes: [UInt8]) -> String {
    var s = base64url(bytes).map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }
    while s.count % 4 != 0 { s.append("=") }
    return String(s)
}
