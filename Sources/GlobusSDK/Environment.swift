/// A Globus environment: its name (production, preview, sandbox, …) and any service URLs that
/// replace the environment's own (`GLOBUS_SDK_SERVICE_URL_<NAME>`, as in the Python SDK).
/// A value: the SDK never reads the process environment; `Settings(variables:)` does, once.
public struct GlobusEnvironment: Sendable, Equatable {
    /// The environment's name (`production`, `preview`, `sandbox`, …).
    public let name: String
    /// Base URLs by lowercased service name, each ending with `/`.
    public private(set) var serviceURLs: [String: String]

    /// The environments Globus runs.
    public static let known = ["production", "preview", "sandbox", "integration", "test", "staging"]

    /// Globus's production environment.
    public static let production = GlobusEnvironment(name: "production")

    /// An environment by name; `serviceURLs` maps service names (`auth`, `transfer`, …) to base URLs.
    public init(name: String, serviceURLs: [String: String] = [:]) {
        self.name = name
        self.serviceURLs = [:]
        for (k, v) in serviceURLs { setServiceURL(k, v) }
    }

    /// Replaces the base URL of one service (an empty URL removes the replacement).
    public mutating func setServiceURL(_ service: String, _ url: String) {
        serviceURLs[service.lowercased()] = url.isEmpty ? nil : (url.hasSuffix("/") ? url : url + "/")
    }

    /// The base URL of a service (with a trailing slash): a replacement, or the environment's rules.
    public func baseURL(_ service: String) -> String {
        if let v = serviceURLs[service.lowercased()] { return v }
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
}

/// How HTTPS certificates are checked (`GLOBUS_SDK_VERIFY_SSL`): on, off, or against a CA bundle.
public enum TLSVerification: Sendable, Equatable {
    /// Against the system's certificate authorities.
    case on
    /// Not at all (never for real use).
    case off
    /// Against the certificate authorities in this PEM file.
    case caBundle(String)

    /// What a certificate error adds about the current setting.
    var caBundleNote: String {
        switch self {
        case .caBundle(let p): " (it is set to '\(p)', which did not verify this server)."
        default: "."
        }
    }
}

/// The proxies to use, from the usual variables (`https_proxy`, `http_proxy`, `all_proxy`,
/// `no_proxy`, as libcurl reads them). Passed to the transport explicitly, from the variables the
/// settings were made from, never read by libcurl from the process environment.
public struct ProxySettings: Sendable, Equatable {
    /// The proxy for `http://` addresses (`http_proxy`).
    public var http: String?
    /// The proxy for `https://` addresses (`https_proxy`).
    public var https: String?
    /// The proxy for both, when neither is set (`all_proxy`).
    public var all: String?
    /// Hosts reached without a proxy (`no_proxy`).
    public var noProxy: String?

    /// Proxies; see the properties.
    public init(http: String? = nil, https: String? = nil, all: String? = nil, noProxy: String? = nil) {
        self.http = http
        self.https = https
        self.all = all
        self.noProxy = noProxy
    }

    /// The proxy for `url` ("" for none).
    public func proxy(for url: String) -> String {
        let https = url.lowercased().hasPrefix("https:")
        return (https ? self.https : self.http) ?? all ?? ""
    }
}

/// How requests are sent: timeout, certificate checks, proxies.
public struct HTTPSettings: Sendable, Equatable {
    /// Seconds; nil for no timeout (`GLOBUS_SDK_HTTP_TIMEOUT`, default 60, -1 for none).
    public var timeout: Double? = 60
    /// How server certificates are checked (`GLOBUS_SDK_VERIFY_SSL`).
    public var tls: TLSVerification = .on
    /// The proxies.
    public var proxies = ProxySettings()

    /// Settings; see the properties.
    public init(timeout: Double? = 60, tls: TLSVerification = .on, proxies: ProxySettings = ProxySettings()) {
        self.timeout = timeout
        self.tls = tls
        self.proxies = proxies
    }
}
