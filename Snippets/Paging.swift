// Every page of a listing: as an AsyncSequence of items or of pages, with caps, or blocking.
import GlobusSDK

// snippet.hide
let app = GlobusApp.user("my-app", clientID: "61338d24-54d5-408f-a10d-66c06b59f6d2", storage: MemoryTokenStorage())
let transfer = TransferClient(app: app)
// snippet.show
// snippet.items
for try await task in transfer.paginated.taskList(filter: "status:SUCCEEDED").limited(to: 50).items {
    print(task.taskID ?? "?", task.label ?? "")
}
// snippet.pages
let caps = PagingLimits(items: 5_000, pages: 20, bytes: 16 << 20)
for try await page in transfer.paginated.taskList().pageSize(250).with(limits: caps) {
    print("page \(page.number): \(page.items.count) tasks")
    if let stop = page.stop {  // only on the last page, and only when a cap or a rule ended paging
        print("stopped at \(stop.description)\(stop.mayHaveMore ? "; there may be more" : "")")
    }
}
// snippet.cancel
let reading = Task {
    var count = 0
    for try await _ in transfer.paginated.taskList().items { count += 1 }
    return count
}
reading.cancel()  // the request on the wire ends within about 50 ms; next() throws .cancelled
// snippet.blocking
let all = try transfer.paginated.taskList().limited(to: 2_000).merged { pages, items in
    print("\(pages) pages, \(items) tasks so far")
}
print(all.items.count, all["paged"] ?? .null)  // paged: pages, items, and why paging stopped early
// snippet.paginate
let request = ServiceRequest(service: .transfer, method: "GET", path: "/task_list")
let scheme = PagingScheme.forRequest(.transfer, method: "GET", path: "/task_list")!
let merged = try app.paginate(request, scheme: scheme, limit: 500)
print(merged["DATA"]?.array?.count ?? 0)
// snippet.thread
let status = try await GlobusThread.run { isCancelled throws(GlobusError) in
    try transfer.cancellable(isCancelled).getTask("1f4ff5c4-1c8c-11ef-b0c6-0242ac110002").status
}
print(status ?? "?")
// snippet.end
