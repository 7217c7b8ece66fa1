import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics

/// The expressions that used to kill the kernel, typed where a person types them: after
/// `--jmespath` and inside `@{NAME.PATH}`. Each cell ends in a named error or a value, and the
/// kernel (its kept values with it) lives on.
@Suite struct JMESPathInCellsTests {
    static let killers: [String] = [
        "abs(`-9223372036854775808`)",
        "sum(DATA[].size)",
        "DATA[1::9223372036854775807]",
        String(repeating: "(", count: 25_000) + "a" + String(repeating: ")", count: 25_000),
        String(repeating: "!", count: 200_000) + "a",
        (0..<100_000).map { _ in "a" }.joined(separator: "."),
        (0..<20_000).map { _ in "DATA" }.joined(separator: "|"),
        // A result four times larger at each step: it spun until killed.
        "DATA[0:1]" + String(repeating: "|[@,@,@,@]", count: 20)
    ]

    @Test func expressionsThatKilledTheKernelNowAnswerOrFailByName() async throws {
        let sim = try await RunningSimulator()
        defer { sim.stop() }
        let nb = SimulatedNotebook(sim)
        _ = try await nb.run("%globus login")
        let session = (nb.interp.registry["globus"] as! GlobusMagic).session
        let big: JSON = ["DATA": [["size": .int(Int.max)], ["size": .int(Int.max)], ["size": 1]]]
        try session.kept.keep("x", big, secrets: SecretMask([]))
        for expression in Self.killers {
            // Through @{NAME.PATH} (as a positional of a command that takes any text)…
            let viaKept = try await nb.run("%globus task show @{x.\(expression)}").0
            if case .error(let e) = viaKept { #expect(!e.ename.isEmpty) }
            // …and through --jmespath on an answer.
            let viaFilter = try await nb.run("%globus call transfer GET /task_list --jmespath '\(expression)'").0
            if case .error(let e) = viaFilter { #expect(!e.ename.isEmpty) }
        }
        // Still alive, still holding what it kept.
        #expect(nb.kept("x") == big)
        let sum = try await nb.run("%globus task show @{x.sum(DATA[].size)}").0
        guard case .error(let e) = sum else { Issue.record("a sum past Int.max was taken for a task id"); return }
        #expect(e.evalue.contains("1.8446744073709552e+19") || e.evalue.contains("18446744073709551615"), "\(e.evalue)")
    }
}
