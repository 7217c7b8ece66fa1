// A first Transfer call: what a folder of the Globus tutorial collection holds.
import GlobusSDK

// snippet.hide
let app = GlobusApp.user("globus-tasks", clientID: "61338d24-54d5-408f-a10d-66c06b59f6d2", storage: MemoryTokenStorage())
// snippet.show
// snippet.ls
let transfer = TransferClient(app: app)
let tutorialCollection = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"  // Globus Tutorial Collection 1
let listing = try transfer.operationLs(tutorialCollection, path: "/home/share/godata/")
for entry in listing.entries {
    let name = (entry.name ?? "?") + (entry.type == "dir" ? "/" : "")
    print(name, entry.size.map { "\($0) bytes" } ?? "")
}
// snippet.end
