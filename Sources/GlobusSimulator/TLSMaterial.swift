import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// A private certificate authority made at start-up and a server certificate it signs for
/// `localhost` and `127.0.0.1`, so that the simulator serves HTTPS as Globus does and clients
/// check certificates for real (trusting only this CA through `GLOBUS_SDK_VERIFY_SSL`).
/// Nothing is reused between runs: the CA's key never leaves the process.
public struct TLSMaterial: Sendable {
    /// The CA certificate (PEM): what clients trust.
    public let caPEM: String
    /// The server's certificate (PEM), signed by the CA.
    public let certificatePEM: String
    /// The server's private key (PEM).
    public let privateKeyPEM: String

    /// Makes a new CA and a server certificate valid for a day (an hour back for clock skew).
    public static func make(commonName: String = "Globus Simulator") throws -> TLSMaterial {
        let caKey = P256.Signing.PrivateKey()
        let caPublic = Certificate.PublicKey(caKey.publicKey)
        let caName = try DistinguishedName {
            OrganizationName("Globus Simulator (offline, for tests and demos)")
            CommonName("\(commonName) private CA")
        }
        let now = Date()
        let caSKI = SubjectKeyIdentifier(hash: caPublic)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPublic,
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                caSKI
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))

        let serverKey = P256.Signing.PrivateKey()
        let serverPublic = Certificate.PublicKey(serverKey.publicKey)
        let serverName = try DistinguishedName { CommonName("localhost") }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: serverPublic,
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: caName, subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                SubjectKeyIdentifier(hash: serverPublic)
                AuthorityKeyIdentifier(keyIdentifier: caSKI.keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        return TLSMaterial(
            caPEM: try ca.serializeAsPEM().pemString, certificatePEM: try server.serializeAsPEM().pemString,
            privateKeyPEM: serverKey.pemRepresentation)
    }

    /// Writes the CA certificate to `path` (0644: it is public) and returns the path.
    @discardableResult
    public func writeCA(to path: String) throws -> String {
        guard let f = fopen(path, "w") else { throw TLSMaterialError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        guard fputs(caPEM, f) >= 0 else { throw TLSMaterialError("cannot write \(path)") }
        return path
    }
}

struct TLSMaterialError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
