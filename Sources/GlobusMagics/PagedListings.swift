import GlobusSDK
import JSON
import JupyterKernel

extension GlobusContext {
    /// Every page of a listing (or the first `limit` items), merged, with one progress line
    /// updated in place while pages arrive: shown once fetching has taken a tenth of a second,
    /// then refreshed at most ten times a second (a fast listing sends no progress at all).
    /// Paging stops at the paginator's caps, and the cell says so when it stopped early.
    func fetchAll<Item>(_ pages: Paginator<Item>, limit: Int?) throws(MagicError) -> JSON {
        let displayID = "globus-pages-\(monotonicNanoseconds())"
        var shown = false
        var lastShown = monotonicNanoseconds()
        let doc = try sdk { () throws(GlobusError) -> JSON in
            try (limit.map { pages.limited(to: $0) } ?? pages).merged(progress: { fetched, items in
                let now = monotonicNanoseconds()
                guard now - lastShown >= GlobusContext.progressInterval else { return }
                lastShown = now
                let b = MimeBundle(text: "Fetching: \(fetched) page\(fetched == 1 ? "" : "s"), \(items) items…")
                if shown {
                    output.updateDisplay(b, metadata: [:], displayID: displayID)
                } else {
                    output.display(b, metadata: [:], displayID: displayID)
                    shown = true
                }
            }).data
        }
        if shown { output.updateDisplay(MimeBundle(text: ""), metadata: [:], displayID: displayID) }
        if let note = GlobusContext.pagingNote(doc["paged"], limit: limit) { output.stream(.stderr, note + "\n") }
        return doc
    }

    /// What to say when paging stopped before the service said the listing was done, unless it
    /// stopped at the number of items the command asked for.
    static func pagingNote(_ paged: JSON?, limit: Int?) -> String? {
        guard let paged, let stopped = paged["stopped"]?.string else { return nil }
        let items = paged["items"]?.int ?? 0
        if let limit, items >= limit { return nil }
        if paged["may_have_more"]?.bool == true {
            let count = stopped.hasSuffix(" items") ? "" : " (\(items) items)"
            return "Stopped after \(stopped)\(count); there may be more. --limit N fetches up to N items."
        }
        return "Stopped at \(stopped): the service's paging did not end as it should. The result holds the \(items) items before it."
    }

    /// How often a progress line may change (nanoseconds).
    static let progressInterval: UInt64 = 100_000_000
}
