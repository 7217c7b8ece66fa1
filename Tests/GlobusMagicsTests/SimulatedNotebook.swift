import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

final class SimulatedNotebook: @unchecked Sendable {
    let sim: RunningSimulator
    let interp: GlobusInterpreter
    let home: String
    private var count = 0

    init(_ sim: RunningSimulator, variables extra: [String: String] = [:]) {
        self.sim = sim
        var t = Array("/tmp/gk-nb-XXXXXX".utf8CString)
        home = String(cString: mkdtemp(&t)!)
        interp = GlobusInterpreter(settings: .test(sim.variables.merging(["HOME": home]) { $1 }.merging(extra) { $1 }))
    }

    /// Runs a cell on its own thread (libcurl blocks); a code prompt is answered by signing in
    /// as `person` in the simulator.
    /// `pasting` is what the person makes of the code when pasting it (quotes, spaces, a link).
    func run(
        _ code: String, stdin: Bool = true, as person: String = "alice@uchicago.edu",
        answers: [String] = [], pasting: @escaping (String) -> String = { $0 }
    ) async throws -> (ExecutionOutcome, RecordingOutput) {
        count += 1
        let out = RecordingOutput()
        out.allowInput = stdin
        out.answers = answers
        let sim = self.sim
        out.person = { o in pasting(sim.approveBlocking(o.signInURL ?? "", as: person)) }
        let context = ExecutionContext(executionCount: count, allowStdin: stdin)
        let interp = self.interp
        let outcome = try await onThread { interp.execute(code, context: context, output: out) }
        return (outcome, out)
    }

    /// The error a cell ended with.
    func failure(_ code: String, stdin: Bool = true, answers: [String] = []) async throws -> ExecutionError? {
        if case .error(let e) = try await run(code, stdin: stdin, answers: answers).0 { return e }
        return nil
    }

    /// A result kept with `--as NAME`.
    func kept(_ name: String) -> JSON? { (interp.registry["globus"] as? GlobusMagic)?.session.kept[name] }

    /// The token file of the kernel's app (the Python SDK's default path under this home).
    var tokenFile: String { home + "/.globus/app/\(GlobusSession.tutorialClientID)/globus-kernel/tokens.json" }
}

/// Runs `body` with a fresh simulator and notebook.
func withNotebook(_ variables: [String: String] = [:], _ body: (SimulatedNotebook) async throws -> Void) async throws {
    let sim = try await RunningSimulator()
    defer { sim.stop() }
    try await body(SimulatedNotebook(sim, variables: variables))
}
