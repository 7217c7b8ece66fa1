import Support
import Escaping
import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%globus task list|show|wait|cancel`: Transfer tasks.
struct TaskCommand: GlobusSubcommand {
    static let limit = Option<Int>("--limit", value: "N", help: "list at most N tasks, newest first (default 10; Transfer lists the newest 1000)", in: 1...1000).forVerbs("list")
    static let timeout = Option<Double>("--timeout", value: "SECONDS", help: "wait at most this long", in: 0...604_800).forVerbs("wait")
    static let interval = Option<Double>("--interval", value: "SECONDS", help: "how often to look (default 1)", in: 0.2...600).forVerbs("wait")
    static let task = Positional<GlobusID>("TASK", idOf: "task").forVerbs("show", "wait", "cancel")
    static let declaration = CommandDeclaration(
        name: "task", verbs: .cases(of: Action.self),
        summary: "Your Transfer tasks: list them, show one, wait for one with live progress (interrupt stops the waiting, not the task), cancel one.",
        options: [limit, timeout, interval], positionals: [Self.task],
        examples: ["%globus task list", "%globus task wait @{task.task_id}", "%globus task cancel TASK_ID"])
    static var keepsResult: Bool { true }

    enum Action: String, CaseIterable { case list, show, wait, cancel }
    var action: Action
    var task: String?
    var limit: Int
    var timeout: Double?
    var interval: Double

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        action = a.verb(Action.self)
        task = action == .list ? nil : a[Self.task].text
        limit = a[Self.limit] ?? 10
        timeout = a[Self.timeout]
        interval = a[Self.interval] ?? 1
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        switch action {
        case .list:
            let doc = try g.fetchAll(g.transfer(app).paginated.taskList().pageSize(limit), limit: limit)
            return Self.listing(doc, key: "DATA", empty: "No tasks yet. Start one with %globus transfer.")
        case .show:
            let found = try g.sdk { () throws(GlobusError) in try g.transfer(app).getTask(task!) }
            guard let p = found.progress else { return Rendering.bundle(for: found.data, format: .auto) }
            return TaskView.bundle(p, doc: found.data)
        case .cancel:
            let doc = try g.sdk { () throws(GlobusError) in try g.transfer(app).cancelTask(task!).data }
            let text = doc["code"]?.string == "Canceled" ? "Cancelled task \(task!)." : "\(doc["message"]?.string ?? "Not cancelled") (task \(task!))."
            var b = MimeBundle(text: text)
            b["application/json"] = doc
            return b
        case .wait:
            return try TaskView.wait(task!, app: app, g, timeout: timeout, interval: interval)
        }
    }
}

/// How a task looks: one line of progress, a bar in HTML, and the wait loop that updates it in place.
enum TaskView {
    static func line(_ p: TaskProgress) -> String {
        var parts = ["Task \(p.id): \(p.status)" + (p.niceStatus.map { $0 == "OK" || $0 == "Queued" ? "" : " (\($0))" } ?? "")]
        if p.files > 0 { parts.append("\(p.filesDone)/\(p.files) files") }
        if p.type == "TRANSFER" {
            parts.append(formatBytes(p.bytesDone))
            if p.bytesPerSecond > 0 { parts.append("\(formatBytes(p.bytesPerSecond))/s") }
        }
        parts.append("\(p.faults) fault\(p.faults == 1 ? "" : "s")")
        if let e = p.fatalError, p.status == "FAILED" { parts.append("error: \(e)") }
        return parts.joined(separator: ", ")
    }

    static func bundle(_ p: TaskProgress, doc: JSON, note: String? = nil) -> MimeBundle {
        let text = line(p) + (note.map { "\n" + $0 } ?? "")
        var b = MimeBundle(text: text)
        b["application/json"] = doc
        let fraction = p.files > 0 ? Double(p.filesDone) / Double(p.files) : (p.status == "SUCCEEDED" ? 1 : 0)
        let colour = p.status == "FAILED" ? "#c0392b" : (p.status == "SUCCEEDED" ? "#2e8540" : "#1f6fb2")
        b["text/html"] = .string(
            "<div><progress value=\"\(formatFixed(fraction, digits: 1))\" max=\"1\" style=\"width:20em;accent-color:\(colour)\"></progress> "
                + "<code>\(HTML.escape(line(p)))</code>" + (note.map { "<br><small>\(HTML.escape($0))</small>" } ?? "") + "</div>")
        return b
    }

    /// Waits for a task with one live display (see `LiveWait`).
    static func wait(_ id: String, app: GlobusApp, _ g: GlobusContext, timeout: Double?, interval: Double) throws(MagicError) -> MimeBundle {
        let transfer = g.transfer(app)
        return try LiveWait(what: "task \(id)", again: "%globus task wait \(id)", stop: "%globus task cancel \(id)", timeout: timeout, interval: interval)
            .run(g) { () throws(MagicError) -> (MimeBundle, Bool) in
                let task = try g.sdk { () throws(GlobusError) in try transfer.getTask(id) }
                guard let p = task.progress else { return (Rendering.bundle(for: task.data, format: .auto), true) }
                var view = bundle(p, doc: task.data, note: p.isDone ? nil : LiveWait.note)
                // The live line is HTML and text only (the JSON is the result's, at the end).
                if !p.isDone { view["application/json"] = nil }
                return (view, p.isDone)
            }
    }
}
