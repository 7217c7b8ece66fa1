#if canImport(Glibc)
import Glibc
#endif

/// How the SDK is configured from the environment, read at each use (so changes made while the
/// process runs take effect): `GLOBUS_SDK_ENVIRONMENT`, `GLOBUS_SDK_SERVICE_URL_<NAME>`,
/// `GLOBUS_SDK_VERIFY_SSL`, `GLOBUS_SDK_HTTP_TIMEOUT`. Proxies follow libcurl's usual variables.
public struct GlobusEnvironment: Sendable, Equatable {
    public let name: String

    public static let known = ["production", "preview", "sandbox", "integration", "test", "staging"]

    /// The environment named by `GLOBUS_SDK_ENVIRONMENT` (default production).
    public static func current() throws(GlobusError) -> GlobusEnvironment {
        let n = environmentValue("GLOBUS_SDK_ENVIRONMENT").flatMap { $0.isEmpty ? nil : $0 } ?? "production"
        guard known.contains(n) else { throw .usage("Unrecognized environment \"\(n)\" (GLOBUS_SDK_ENVIRONMENT); use one of \(known.joined(separator: ", "))") }
        return GlobusEnvironment(name: n)
    }

    public init(name: String) { self.name = name }

    /// The base URL of a service (with a trailing slash), from `GLOBUS_SDK_SERVICE_URL_<NAME>` or
    /// the environment's rules.
    public func baseURL(_ service: String) -> String {
        if let v = environmentValue("GLOBUS_SDK_SERVICE_URL_\(service.uppercased())"), !v.isEmpty {
            return v.hasSuffix("/") ? v : v + "/"
        }
        let domain = name == "production" ? "globus.org" : name == "preview" ? "preview.globus.org" : "\(name).globuscs.info"
        if name == "production" {
            switch service {
            case "nexus": return "https://nexus.api.globusonline.org/"
            case "timer", "flows", "actions": return "https://\(service).automate.globus.org/"
            default: break
            }
        }
        switch service {
        case "auth", "app": return "https://\(service).\(domain)/"
        case "timer", "flows", "actions": return "https://\(name).\(service).automate.globus.org/"
        default: return "https://\(service).api.\(domain)/"
        }
    }

    /// The request timeout in seconds (`GLOBUS_SDK_HTTP_TIMEOUT`, default 60; -1 for none).
    public static func httpTimeout() throws(GlobusError) -> Double? {
        guard let v = environmentValue("GLOBUS_SDK_HTTP_TIMEOUT"), !v.isEmpty else { return 60 }
        guard let d = Double(v), d.isFinite, d == -1 || (d > 0 && d <= 86_400) else {
            throw .usage("GLOBUS_SDK_HTTP_TIMEOUT must be a number of seconds from 0 to 86400, or -1 for no timeout (got '\(v)')")
        }
        return d == -1 ? nil : d
    }

    /// TLS verification (`GLOBUS_SDK_VERIFY_SSL`): on, off, or a CA bundle path.
    public enum TLSVerification: Sendable, Equatable {
        case on, off, caBundle(String)

        /// What a certificate error adds about the current setting.
        var caBundleNote: String {
            switch self {
            case .caBundle(let p): " (it is set to '\(p)', which did not verify this server)."
            default: "."
            }
        }
    }

    public static func tlsVerification() throws(GlobusError) -> TLSVerification {
        guard let v = environmentValue("GLOBUS_SDK_VERIFY_SSL"), !v.isEmpty else { return .on }
        switch v.lowercased() {
        case "y", "yes", "t", "true", "on", "1": return .on
        case "n", "no", "f", "false", "off", "0": return .off
        default:
            if access(v, R_OK) == 0 { return .caBundle(v) }
            throw .usage("GLOBUS_SDK_VERIFY_SSL must be a boolean or a CA bundle path, got '\(v)'")
        }
    }
}

/// The value of an environment variable.
public func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
