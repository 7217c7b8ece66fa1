import JupyterKernel

/// Everything the Globus kernel takes from its environment when it starts, read once (the
/// kernel's one loader, `init(variables:)`) and passed down: the server's log level, message
/// size limit and parent process; demo mode; the JupyterHub person it runs for and their home;
/// the class simulator's announcement file; the temporary folder; and every variable as it was
/// (the start of `%env`'s table, and what the Globus `Settings` are made from).
///
/// Nothing in the kernel reads the process environment after this: a program passes
/// `processVariables()`, a test its own dictionary.
public struct KernelSettings: Sendable, Equatable {
    /// Every environment variable as the kernel started with it.
    public private(set) var variables: [String: String]
    /// The server's log (`GLOBUS_KERNEL_LOG`), message size limit (`GLOBUS_KERNEL_MAX_MESSAGE_SIZE`)
    /// and parent process (`JPY_PARENT_PID`).
    public private(set) var server: ServerSettings
    /// `GLOBUS_KERNEL_DEMO`: demo mode at the first Globus command (`1`/`on`, a username whose
    /// logins are approved, or `hub`); nil or `0`/`off` for none.
    public private(set) var demo: String?
    /// The person JupyterHub started the kernel for, when it did.
    public private(set) var hub: HubPerson?
    /// `JUPYTERHUB_API_TOKEN`: the token a JupyterHub kernel inherits, shown to a class's
    /// simulator, which learns the person from it.
    public private(set) var hubAPIToken: String?
    /// `GLOBUS_KERNEL_DEMO_SIMULATOR`: the announcement file of a class's shared simulator.
    public private(set) var demoAnnouncementFile: String?
    /// `TMPDIR`, or `/tmp`: where demo mode makes its private folder.
    public private(set) var temporaryFolder: String

    /// The person a JupyterHub kernel runs for: what a shared hub decides and a cell cannot change.
    public struct HubPerson: Sendable, Equatable {
        /// `JUPYTERHUB_USER`.
        public var user: String
        /// `HOME` at start: every file `%globus` opens lies in it (empty: none is opened).
        public var home: String

        /// A person; see the properties.
        public init(user: String, home: String) {
            self.user = user
            self.home = home
        }
    }

    /// A variable whose value the kernel cannot use, named with the reason.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The names of the variables read here, besides the Globus SDK's (`Settings.variableNames`).
    public static let variableNames = [
        "GLOBUS_KERNEL_LOG", "GLOBUS_KERNEL_MAX_MESSAGE_SIZE", "JPY_PARENT_PID", "GLOBUS_KERNEL_DEMO",
        "JUPYTERHUB_USER", "HOME", "JUPYTERHUB_API_TOKEN", "GLOBUS_KERNEL_DEMO_SIMULATOR", "TMPDIR"
    ]

    /// The kernel's settings from its environment variables. An unknown log level is the
    /// default `warning`; a message size that is not a size is an error naming the variable.
    public init(variables: [String: String]) throws(Invalid) {
        self.init(variables: variables, server: try KernelSettings.server(variables))
    }

    /// The server's settings from the environment variables.
    static func server(_ variables: [String: String]) throws(Invalid) -> ServerSettings {
        func value(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        var server = ServerSettings(logLevel: value("GLOBUS_KERNEL_LOG").flatMap(Log.Level.init(name:)) ?? .warning, logLabel: "globus-kernel")
        if let text = value("GLOBUS_KERNEL_MAX_MESSAGE_SIZE") {
            guard let size = ServerSettings.parseSize(text) else {
                throw Invalid(description: "GLOBUS_KERNEL_MAX_MESSAGE_SIZE must be a size in bytes, optionally with K, M or G (got '\(text)')")
            }
            server.maxMessageSize = size
        }
        server.parentPID = value("JPY_PARENT_PID").flatMap(ServerSettings.parsePID)
        return server
    }

    /// The settings `variables` give, with `server` for the server's (which cannot change once
    /// it runs); never fails.
    init(variables: [String: String], server: ServerSettings) {
        func value(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.variables = variables
        self.server = server
        demo = value("GLOBUS_KERNEL_DEMO")
        hub = value("JUPYTERHUB_USER").map { HubPerson(user: $0, home: variables["HOME"] ?? "") }
        hubAPIToken = value("JUPYTERHUB_API_TOKEN")
        demoAnnouncementFile = value("GLOBUS_KERNEL_DEMO_SIMULATOR")
        temporaryFolder = value("TMPDIR") ?? "/tmp"
    }
}
