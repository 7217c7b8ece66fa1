import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Where an app keeps its tokens.
public enum TokenStorageKind: String, Sendable, Equatable, CaseIterable {
    /// A JSON file shared with the Python SDK's `JSONTokenStorage` (the default).
    case json
    /// An SQLite database shared with the Python SDK's `SQLiteTokenStorage`.
    case sqlite
    /// Memory only: gone when the process ends.
    case memory

    /// The file extension of its default path.
    public var fileExtension: String { self == .sqlite ? "db" : "json" }
}

/// Everything the SDK takes from outside: the Globus environment and service URLs, how requests
/// are sent, the client's credentials and name, where tokens live, and how an app logs in. Read
/// from environment variables once (`init(variables:)`), then passed explicitly to apps
/// (``GlobusApp/init(settings:storage:transport:)``), the HTTP client and the transport; changing a
/// setting means making a new value, never changing the process.
///
/// It holds what the Python SDK's `GlobusAppConfig` holds (environment, token storage, refresh
/// tokens, redirect URI, GARE redrive) with the variables its `config` module reads; a token
/// store *instance* is given to the app beside it.
public struct Settings: Sendable, Equatable {
    /// The Globus environment and service URLs (`GLOBUS_SDK_ENVIRONMENT`, `GLOBUS_SDK_SERVICE_URL_*`).
    public var environment: GlobusEnvironment
    /// Timeout, certificate checks, proxies.
    public var http: HTTPSettings
    /// `GLOBUS_CLIENT_ID`.
    public var clientID: String?
    /// `GLOBUS_CLIENT_SECRET`: with a client id, the app is a service account. Never shown.
    public var clientSecret: String?
    /// `GLOBUS_APP_NAME`.
    public var appName: String?
    /// Where tokens are kept.
    public var storage: TokenStorageKind = .json
    /// A token file in place of the default path.
    public var tokenPath: String?
    /// Whether logins ask for refresh tokens (kept for months; on by default, unlike the Python
    /// SDK's `request_refresh_tokens`).
    public var refreshTokens = true
    /// The login's redirect URI (default: Globus's auth-code page for native apps); a
    /// confidential client's login needs one.
    public var redirectURI: String?
    /// With a Globus Auth requirement (GARE) on a call, log in with its parameters and retry once
    /// (the Python SDK's `auto_redrive_gares`).
    public var autoRedriveGARE = false
    /// Products built on this SDK, named in `X-Globus-Client-Info` (the kernel, say).
    public var products: [ClientProduct] = []
    /// The home folder of the default token path (`HOME`).
    public var home: String

    /// Settings; see the properties.
    public init(environment: GlobusEnvironment = .production, http: HTTPSettings = HTTPSettings(), home: String = "/") {
        self.environment = environment
        self.http = http
        self.home = home
    }

    /// The variables `init(variables:)` reads, besides `GLOBUS_SDK_SERVICE_URL_*` and the proxy variables.
    public static let variableNames = [
        "GLOBUS_SDK_ENVIRONMENT", "GLOBUS_SDK_VERIFY_SSL", "GLOBUS_SDK_HTTP_TIMEOUT",
        "GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET", "GLOBUS_APP_NAME", "HOME"
    ]

    /// Whether a variable is one that settings are read from.
    public static func reads(_ name: String) -> Bool {
        variableNames.contains(name) || name.hasPrefix("GLOBUS_SDK_SERVICE_URL_") || proxyVariables.contains(name)
    }

    /// The proxy variables settings are read from (as libcurl reads them).
    public static let proxyVariables = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    /// Settings from environment variables (for example `Settings.processVariables()`), with the
    /// Python SDK's names and defaults. An invalid value is a configuration error naming the variable.
    public init(variables v: [String: String]) throws(GlobusError) {
        func value(_ name: String) -> String? { v[name].flatMap { $0.isEmpty ? nil : $0 } }
        let name = value("GLOBUS_SDK_ENVIRONMENT") ?? "production"
        guard GlobusEnvironment.known.contains(name) else {
            throw .configuration("Unrecognized environment \"\(name)\" (GLOBUS_SDK_ENVIRONMENT); use one of \(GlobusEnvironment.known.joined(separator: ", "))")
        }
        var env = GlobusEnvironment(name: name)
        for (k, url) in v where k.hasPrefix("GLOBUS_SDK_SERVICE_URL_") {
            env.setServiceURL(String(k.dropFirst("GLOBUS_SDK_SERVICE_URL_".count)), url)
        }
        var http = HTTPSettings()
        http.timeout = try Settings.timeout(value("GLOBUS_SDK_HTTP_TIMEOUT"))
        http.tls = try Settings.tls(value("GLOBUS_SDK_VERIFY_SSL"))
        http.proxies = ProxySettings(
            http: value("http_proxy"), https: value("https_proxy") ?? value("HTTPS_PROXY"),
            all: value("all_proxy") ?? value("ALL_PROXY"), noProxy: value("no_proxy") ?? value("NO_PROXY"))
        self.init(environment: env, http: http, home: value("HOME") ?? "/")
        clientID = value("GLOBUS_CLIENT_ID")
        clientSecret = value("GLOBUS_CLIENT_SECRET")
        appName = value("GLOBUS_APP_NAME")
    }

    /// `GLOBUS_SDK_HTTP_TIMEOUT`: seconds in (0, 86400], or -1 for none; default 60.
    static func timeout(_ text: String?) throws(GlobusError) -> Double? {
        guard let text else { return 60 }
        guard let d = Double(text), d.isFinite, d == -1 || (d > 0 && d <= 86_400) else {
            throw .configuration("GLOBUS_SDK_HTTP_TIMEOUT must be a number of seconds from 0 to 86400, or -1 for no timeout (got '\(text)')")
        }
        return d == -1 ? nil : d
    }

    /// `GLOBUS_SDK_VERIFY_SSL`: a boolean, or a readable CA bundle file.
    static func tls(_ text: String?) throws(GlobusError) -> TLSVerification {
        guard let text else { return .on }
        switch text.lowercased() {
        case "y", "yes", "t", "true", "on", "1": return .on
        case "n", "no", "f", "false", "off", "0": return .off
        default:
            if access(text, R_OK) == 0 { return .caBundle(text) }
            throw .configuration("GLOBUS_SDK_VERIFY_SSL must be a boolean or a readable CA bundle file, got '\(text)'")
        }
    }

    /// The process's environment variables, read once by the caller (a program's entry point).
    public static func processVariables() -> [String: String] { Support.processVariables() }

    /// Whether a client secret makes this a service account (`ClientApp`).
    public var isClientApp: Bool { clientSecret != nil }

    /// The token store these settings name, as the Python SDK makes one from `token_storage`:
    /// memory, or the JSON or SQLite file at ``tokenPath``, else at the Python SDK's default path
    /// for the app (`~/.globus/app/CLIENT_ID/APP_NAME/tokens.json`).
    public func tokenStorage(appName: String, clientID: String, files: FileAccess = .anywhere) throws(GlobusError) -> any TokenStorage {
        if storage == .memory { return MemoryTokenStorage() }
        var path = tokenPath ?? ""
        if tokenPath == nil {
            path = try JSONTokenStorage.defaultPath(
                clientID: clientID, appName: appName, environment: environment.name, fileExtension: storage.fileExtension, home: home)
        }
        return storage == .sqlite ? try SQLiteTokenStorage(path: path, files: files) : try JSONTokenStorage(path: path, files: files)
    }
}

extension Settings: CustomReflectable {
    /// The settings as `print`, `dump` and string interpolation show them: the client secret
    /// only as whether there is one, so printing an app's settings never shows it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "environment": environment, "http": http, "clientID": clientID as Any,
                "clientSecret": clientSecret == nil ? "nil" : "(set, not shown)", "appName": appName as Any, "storage": storage,
                "tokenPath": tokenPath as Any, "refreshTokens": refreshTokens, "redirectURI": redirectURI as Any,
                "autoRedriveGARE": autoRedriveGARE, "products": products, "home": home
            ], displayStyle: .struct)
    }
}
