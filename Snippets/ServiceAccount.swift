// A service account: a ClientApp gets its tokens with its own client id and secret (client
// credentials), with no person and no browser, then copies a folder between two collections.
import GlobusSDK

// snippet.app
var settings = try Settings(variables: Settings.processVariables())
guard settings.clientID != nil, settings.clientSecret != nil else {
    fatalError("Set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET to the service account's credentials")
}
settings.appName = settings.appName ?? "nightly-copy"
// A service account (the settings hold a secret), its tokens in the Python SDK's default file.
let app = try GlobusApp(settings: settings)
// snippet.transfer
let transfer = TransferClient(app: app)  // no login step: the first call gets the tokens
let (source, destination) = ("6c54cade-bde5-45c1-bdea-f4bd71dba2cc", "31ce9ba0-176d-45a5-add3-f37d233ba47d")
var data = TransferData(source: source, destination: destination, label: "nightly copy", syncLevel: .checksum)
data.addItem(source: "/~/results/", destination: "/~/archive/results/", recursive: true)
let submitted = try transfer.submitTransfer(data)
if let taskID = submitted.taskID, try transfer.taskWait(taskID, timeout: 3600, pollingInterval: 30) {
    print("task \(taskID):", try transfer.getTask(taskID).status ?? "?")
}
// snippet.memory
let throwaway = try GlobusApp(settings: settings, storage: MemoryTokenStorage())
try throwaway.clientCredentialsLogin()  // optional: fetch every required token now
