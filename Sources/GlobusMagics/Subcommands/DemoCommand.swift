import Escaping
import GlobusSDK
import JupyterKernel

/// `%globus demo on|off|status`: the offline demo against a local Globus Simulator.
struct DemoCommand: GlobusSubcommand {
    static let approveAs = Option<String>(
        "--as", value: "USERNAME", help: "approve logins automatically as this simulated person (unattended runs; not under JupyterHub, where you are always your hub user)"
    ).forVerbs("on")
    static let declaration = CommandDeclaration(
        name: "demo", verbs: .cases(of: Action.self), defaultVerb: Action.status.rawValue,
        summary: "Offline demo: run against a local Globus Simulator (no account or network needed).",
        options: [approveAs], positionals: [], examples: ["%globus demo on", "%globus demo on --as alice@uchicago.edu", "%globus demo off"])
    static var needsGlobus: Bool { false }

    enum Action: String, CaseIterable { case on, off, status }
    var action: Action
    var approveAs: String?

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        action = a.verb(Action.self)
        approveAs = a[Self.approveAs]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        switch action {
        case .on:
            try g.sdk { () throws(GlobusError) in try g.session.demo.start(asked: approveAs) }
            g.session.demo.pendingBanner = nil
            g.output.display(Self.banner(g.session.demo.simulator!.banner))
            return nil
        case .off:
            guard g.session.demo.isOn else { g.output.stream(.stdout, "Demo mode is off.\n"); return nil }
            g.session.demo.stop()
            let auth = (try? g.session.settings())?.environment.baseURL("auth") ?? "Globus"
            g.output.stream(.stdout, "Demo mode is off: the simulator stopped; the kernel talks to \(auth) again.\n")
            return nil
        case .status:
            return MimeBundle(text: g.session.demo.simulator?.banner ?? "Demo mode is off.")
        }
    }

    /// The demo banner, hard to miss in every frontend.
    static func banner(_ text: String) -> MimeBundle {
        var b = MimeBundle(text: "[" + text + "]")
        b["text/html"] = .string("<p style=\"background:#ffb81c;padding:.3em .6em\"><b>\(HTML.escape(text))</b></p>")
        return b
    }
}
