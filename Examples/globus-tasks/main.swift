// globus-tasks: sign in to Globus in the terminal and list your recent Transfer tasks as a table.
//
// Settings come from the environment, as for the Python SDK: GLOBUS_CLIENT_ID (default: the
// Globus tutorial client), GLOBUS_CLIENT_SECRET (with it, the program runs as that service
// account, with no sign-in), GLOBUS_SDK_ENVIRONMENT, GLOBUS_SDK_SERVICE_URL_*, GLOBUS_SDK_VERIFY_SSL.
// Tokens are kept where the Python SDK's UserApp("globus-tasks", client_id=...) (or ClientApp)
// keeps them. Neither a token nor the secret is ever printed.
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif
import GlobusSDK

/// Text a service returned (a task's label is anyone's text), with control characters and
/// direction overrides shown as `?`, so that it cannot rewrite the terminal.
func visible(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for c in text.unicodeScalars {
        let hidden = c.properties.generalCategory == .control || (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
        out.append(hidden ? "?" : c)
    }
    return String(out)
}

do {
    // snippet.app
    var settings = try Settings(variables: Settings.processVariables())
    if settings.isClientApp && settings.clientID == nil {
        throw GlobusError.configuration("GLOBUS_CLIENT_SECRET is set but GLOBUS_CLIENT_ID is not: set both for a service account")
    }
    settings.clientID = settings.clientID ?? "61338d24-54d5-408f-a10d-66c06b59f6d2"  // the tutorial client
    settings.appName = settings.appName ?? "globus-tasks"
    // A service account when the settings hold a secret, else a person's app; tokens in the
    // Python SDK's default file for the client and app, so `globus-sdk` scripts share them.
    let app = try GlobusApp(settings: settings)
    let transfer = TransferClient(app: app)  // the app's login now asks for Transfer too
    // snippet.login
    let terminal = PasteCodeLoginFlow(
        show: { url in print(PasteCodeLoginFlow.terminalText(url), terminator: "") },
        ask: { () throws(GlobusError) -> String in
            print(PasteCodeLoginFlow.prompt, terminator: "")
            fflush(nil)  // the prompt shows before the program waits for the code
            guard let line = readLine() else { print(); throw .usage("No authorization code was entered.") }
            return line
        })
    if !app.isClientApp {
        try app.login(flow: terminal)  // does nothing while the stored tokens can be used
    }
    // snippet.tasks
    var rows = [["TASK ID", "STATUS", "TYPE", "REQUESTED", "LABEL"]]
    for try await task in transfer.paginated.taskList().limited(to: 10).items {
        rows.append([task.taskID ?? "", task.status ?? "", task.type ?? "", task.requestTime ?? "", task.label ?? ""].map(visible))
    }
    // snippet.end
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
    for row in rows {  // every column padded to its widest cell, but the last
        print((zip(row.dropLast(), widths).map { $0 + String(repeating: " ", count: $1 - $0.count) } + [row.last!]).joined(separator: "  "))
    }
    if rows.count == 1 { print("(no tasks yet)") }
} catch {
    let message = "globus-tasks: \(error)\n"  // to standard error: the table alone goes to standard output
    _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}
