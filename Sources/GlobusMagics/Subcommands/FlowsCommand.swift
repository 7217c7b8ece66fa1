import GlobusSDK
import JSON
import JupyterKernel

/// `%globus flows list | run FLOW_ID --body JSON | status RUN_ID [--wait]`: Globus Flows. A flow
/// runs with its own scope (`…/flow_FLOW_ID_user`) and token, as the Python SDK's `SpecificFlowClient`.
struct FlowsCommand: GlobusSubcommand {
    static let body = Option<String>("--body", value: "JSON", help: "the run's input (a JSON object; @{NAME} in it goes in as a value)", expandsKeptValues: false).forVerbs("run")
    static let label = Option<String>("--label", value: "TEXT", help: "a label for the run").forVerbs("run")
    static let wait = Flag("--wait", help: "with status: wait until the run ends, with live progress").forVerbs("status")
    static let interval = Option<Double>("--interval", value: "SECONDS", help: "with --wait: how often to look (default 1)", in: 0.2...600).goesWith(wait)
    static let limit = Option<Int>("--limit", value: "N", help: "with list: fetch at most N flows (default: up to 10000)", in: 1...1_000_000).forVerbs("list")
    static let flow = Positional<GlobusID>("FLOW_ID", idOf: "flow").forVerbs("run")
    static let run = Positional<GlobusID>("RUN_ID", idOf: "run").forVerbs("status")
    static let declaration = CommandDeclaration(
        name: "flows", verbs: .cases(of: Action.self),
        summary: "Globus Flows: list the flows you can run, run one (consent to its scope is asked once), follow a run.",
        options: [body, label, wait, interval, limit], positionals: [Self.flow, Self.run],
        examples: [
            "%globus flows list", "%globus flows run 24bc4997-b483-4c25-a19c-64b0afc00743 --body '{\"source\": \"/~/data\"}' --as run",
            "%globus flows status @{run.run_id} --wait"
        ])
    static var keepsResult: Bool { true }

    enum Action: String, CaseIterable { case list, run, status }
    var action: Action
    var id: String?
    var input: JSON = .object(JSONObject())
    var label: String?
    var wait: Bool
    var interval: Double
    var limit: Int?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        action = a.verb(Action.self)
        switch action {
        case .list: id = nil
        case .run: id = a[Self.flow].text
        case .status: id = a[Self.run].text
        }
        if let text = a[Self.body] {
            guard case .json(let doc, _)? = try? a.kept.substitute(intoBody: text), doc.object != nil else {
                throw Self.usage("--body must be a JSON object, e.g. '{\"source\": \"/~/data\"}'")
            }
            input = doc
        }
        label = a[Self.label]
        wait = a[Self.wait]
        interval = a[Self.interval] ?? 1
        limit = a[Self.limit]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        switch action {
        case .list:
            let doc = try g.fetchAll(g.flows(app).paginated.listFlows(), limit: limit)
            return Self.listing(doc, key: "flows", empty: "No flows to show.")
        case .run:
            let flow = id!
            // The run acts as the flow: its own scope and token.
            let started = try g.sdk { () throws(GlobusError) in try g.flow(flow, app: app).runFlow(body: input, label: label) }
            let run = started.runID ?? "?"
            return MimeBundle(text: "Started run \(run) of flow \(flow).\nFollow it: %globus flows status \(run) --wait").adding(json: started.data)
        case .status:
            let run = id!
            let flows = g.flows(app)
            let look = { () throws(MagicError) -> (MimeBundle, Bool) in
                let doc = try g.sdk { () throws(GlobusError) in try flows.getRun(run).data }
                let status = doc["status"]?.string ?? "?"
                let done = ["SUCCEEDED", "FAILED", "ENDED"].contains(status)
                let step = doc["details"]?["description"]?.string ?? doc["details"]?["code"]?.string ?? ""
                var text = "Run \(run): \(status)" + (step.isEmpty ? "" : " (\(step))")
                if !done && wait { text += "\n" + LiveWait.note }
                return (MimeBundle(text: text).adding(json: doc), done)
            }
            if !wait { return try look().0 }
            return try LiveWait(what: "run \(run)", again: "%globus flows status \(run) --wait", stop: nil, timeout: nil, interval: interval).run(g, look: look)
        }
    }
}
