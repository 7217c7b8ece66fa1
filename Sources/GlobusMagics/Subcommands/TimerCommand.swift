import GlobusSDK
import JSON
import JupyterKernel

/// `%globus timer create transfer SRC:PATH DST:PATH … | list | show ID | delete ID`: Globus
/// Timers. A timer on a mapped collection needs the timer scope's transfer data_access
/// dependency; the kernel asks for exactly that consent, once, as the Globus CLI does.
struct TimerCommand: GlobusSubcommand {
    static let recursive = Flag("--recursive", "-r", help: "transfer a folder and everything in it").forVerbs("create")
    static let name = Option<String>("--name", value: "NAME", help: "the timer's name").forVerbs("create")
    static let interval = Option<Int>("--interval", value: "SECONDS", help: "run every SECONDS (default: once, now)", in: 60...31_536_000).forVerbs("create")
    static let stopAfterRuns = Option<Int>("--stop-after-runs", value: "N", help: "with --interval: stop after N runs", in: 1...1_000_000).goesWith(interval)
    /// What a timer runs (only transfers, for now).
    enum Kind: String, CaseIterable, ArgumentValue { case transfer }
    static let kind = Positional<Kind>("transfer").forVerbs("create")
    static let source = Positional<CollectionPath>("SRC:PATH").forVerbs("create")
    static let destination = Positional<CollectionPath>("DST:PATH").forVerbs("create")
    static let timer = Positional<GlobusID>("TIMER", idOf: "timer").forVerbs("show", "delete")
    /// Its verbs, as declared.
    enum Verb: String, CaseIterable { case create, list, show, delete }
    static let declaration = CommandDeclaration(
        name: "timer", verbs: .cases(of: Verb.self),
        summary: "Globus Timers: transfers that run later or again and again (consent for mapped collections is asked once).",
        options: [recursive, name, interval, stopAfterRuns], positionals: [Self.kind, Self.source, Self.destination, Self.timer],
        examples: [
            "%globus timer create transfer 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/data 31ce9ba0-176d-45a5-add3-f37d233ba47d:/~/nightly --recursive --interval 86400 --as nightly",
            "%globus timer list", "%globus timer delete @{nightly.timer.job_id}"
        ])
    static var keepsResult: Bool { true }

    enum Action { case create(source: CollectionPath, destination: CollectionPath), list, show(String), delete(String) }
    var action: Action
    var recursive: Bool
    var timerName: String?
    var every: Int?
    var runs: Int?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        switch a.verb(Verb.self) {
        case .create:
            let src = a[Self.source], dst = a[Self.destination]
            guard src.path != nil, dst.path != nil else { throw Self.usage("give both paths: SRC:PATH DST:PATH") }
            action = .create(source: src, destination: dst)
        case .list: action = .list
        case .show: action = .show(a[Self.timer].text)
        case .delete: action = .delete(a[Self.timer].text)
        }
        recursive = a[Self.recursive]
        timerName = a[Self.name]
        every = a[Self.interval]
        runs = a[Self.stopAfterRuns]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        switch action {
        case .list:
            let doc = try g.sdk { () throws(GlobusError) in try g.timers(app).listJobs().data }
            return Self.listing(doc, key: "jobs", empty: "No timers yet. Make one with %globus timer create transfer.")
        case .show(let id):
            return Self.view(try g.sdk { () throws(GlobusError) in try g.timers(app).getJob(id).data })
        case .delete(let id):
            let doc = try g.sdk { () throws(GlobusError) in try g.timers(app).deleteJob(id).data }
            return MimeBundle(text: "Deleted timer \(id) (\(doc["name"]?.string ?? "")).").adding(json: doc)
        case .create(let src, let dst):
            var doc = TaskDocument(
                kind: .transfer, source: try g.collectionID(src.collection, app: app),
                destination: try g.collectionID(dst.collection, app: app))
            doc.items = [TaskDocument.Item(source: src.path!, destination: dst.path!, recursive: recursive)]
            let schedule: TimerSchedule = every.map { .recurring(intervalSeconds: $0, end: runs.map(TimerSchedule.End.iterations)) } ?? .once()
            let timer = TransferTimer(name: timerName ?? "Transfer from the notebook", schedule: schedule, body: doc.transferData)
            let transfer = g.transfer(app), timers = g.timers(app)
            let made = try g.sdk { () throws(GlobusError) in
                // A mapped collection's data is reached through the timer: timer[transfer[data_access]].
                var mapped: [String] = []
                for id in [doc.source, doc.destination!] where try transfer.getEndpoint(id).isMappedCollection { mapped.append(id) }
                if !mapped.isEmpty { try timers.addAppTransferDataAccessScope(mapped) }
                return try timers.createTimer(timer)
            }
            return Self.view(made.timer.json).adding(json: made.data)
        }
    }

    static func view(_ t: JSON) -> MimeBundle {
        let id = t["job_id"]?.string ?? t["timer_id"]?.string ?? "?"
        var lines = [
            "Timer \(id): \(t["name"]?.string ?? "") (\(t["status"]?.string ?? "?"))",
            "Runs: \(t["number_of_runs"]?.int ?? 0)" + (t["next_run"]?.string.map { ", next \($0)" } ?? ", no more runs")
        ]
        if let task = t["last_task_id"]?.string { lines.append("Last task: \(task) (%globus task show \(task))") }
        return MimeBundle(text: lines.joined(separator: "\n")).adding(json: t)
    }
}
