// What a failed call tells you, and how a consent or session requirement (a GARE) is met by
// logging in with its parameters and calling again.
import GlobusSDK

// snippet.hide
let app = GlobusApp.user("my-app", clientID: "61338d24-54d5-408f-a10d-66c06b59f6d2", storage: MemoryTokenStorage())
let taskID = "1f4ff5c4-1c8c-11ef-b0c6-0242ac110002"
// snippet.show
// snippet.errors
do {
    let task = try TransferClient(app: app).getTask(taskID)
    print(task.status ?? "?")
} catch {
    switch error {
    case .api(let answer) where answer.httpStatus == 404:
        print("No such task (\(answer.code ?? "no code"), request id \(answer.requestID ?? "none"))")
    case .api(let answer) where answer.gare != nil:
        print("Globus asks for a login with", answer.gare!.authorizationParameters)
    case .loginRequired(let need):
        print("\(need) — log in first")
    case .network(let failure) where failure.kind == .tls:
        print("The certificate did not verify; see GLOBUS_SDK_VERIFY_SSL:", failure.detail)
    default:
        print(error)  // said for people, never with a credential
    }
}
// snippet.redrive
let terminal = { @Sendable (need: LoginRequired) throws(GlobusError) in
    let flow = PasteCodeLoginFlow(show: { print($0) }, ask: { () throws(GlobusError) -> String in readLine() ?? "" })
    try app.login(flow: flow, parameters: need.authorizationParameters)
}
let transfer = TransferClient(app: app, options: ClientOptions(onLoginRequired: terminal, redriveGARE: true))
let mapped = "a6f165fa-aee2-4fe5-95f3-97429c28bf82"
try transfer.addAppDataAccessScope([mapped])  // consent asked for at the next login, not after a failure
print(try transfer.operationLs(mapped, path: "/~/").entries.map { $0.name ?? "" })
// snippet.retry
var request = ServiceRequest(service: .transfer, method: "GET", path: "/task_list")
request.retry.maxRetries = 2  // fewer tries than the Python SDK's 5
request.retry.maxSleep = 4  // and shorter waits between them
let answer = try app.call(request, onLoginRequired: terminal)
print(answer.status)
// snippet.end
