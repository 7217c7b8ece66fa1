// The token file of a Python UserApp("globus-tasks", client_id=...), read and used from Swift:
// the same file at the same place, so that a login made in one is a login in both.
import GlobusSDK

// snippet.path
let settings = try Settings(variables: Settings.processVariables())
let clientID = settings.clientID ?? "61338d24-54d5-408f-a10d-66c06b59f6d2"
// ~/.globus/app/<client id>/globus-tasks/tokens.json (sandbox-tokens.json in sandbox, and so on)
let path = try JSONTokenStorage.defaultPath(
    clientID: clientID, appName: "globus-tasks",
    environment: settings.environment.name, home: settings.home)
let store = try JSONTokenStorage(path: path)
// snippet.entries
for (resourceServer, entry) in try store.all().sorted(by: { $0.key < $1.key }) {
    let refresh = entry.refreshToken == nil ? "no refresh token" : "refreshable"
    print(resourceServer, entry.scopes.joined(separator: " "), "expires", entry.expiresAtSeconds, refresh)
}
// snippet.sqlite
let database = try JSONTokenStorage.defaultPath(
    clientID: clientID, appName: "globus-tasks",
    environment: settings.environment.name, fileExtension: "db", home: settings.home)
let shared = try SQLiteTokenStorage(path: database)  // the Python SDK's SQLiteTokenStorage file
print(try shared.all().keys.sorted())
// snippet.end
