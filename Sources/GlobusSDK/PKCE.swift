import Support
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
        self.init(unchecked: Base64.encode(bytes, alphabet: .url))
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
        challenge = Base64.encode(Array(SHA256.hash(data: Array(verifier.utf8))), alphabet: .url)
    }
}
