import Testing
@testable import GlobusMagics

/// Usage lines are made from the declarations: each verb with its own options, an option that
/// goes with another inside that one's brackets, `…` on repeatable ones, `[--as NAME]` last.
@Suite struct UsageLineTests {
    @Test func subcommandsWithVerbsShowEachVerbsOptions() {
        #expect(TaskCommand.usageLine == "%globus task list [--limit N] | show TASK | wait TASK [--timeout SECONDS] [--interval SECONDS] | cancel TASK [--as NAME]")
        #expect(FlowsCommand.usageLine == "%globus flows list [--limit N] | run FLOW_ID [--body JSON] [--label TEXT] | status RUN_ID [--wait [--interval SECONDS]] [--as NAME]")
        #expect(
            TimerCommand.usageLine
                == "%globus timer create transfer SRC:PATH DST:PATH [--recursive] [--name NAME] [--interval SECONDS [--stop-after-runs N]] | list | show TIMER | delete TIMER [--as NAME]"
        )
        #expect(DemoCommand.usageLine == "%globus demo on [--as USERNAME] | off | status")
        #expect(VarsCommand.usageLine == "%globus vars [NAME] | set NAME=JSON")
    }

    @Test func optionsShowTheirValuesRepeatsAndChoices() {
        #expect(
            CallCommand.usageLine
                == "%globus call SERVICE METHOD PATH [-Q KEY=VALUE]… [-H 'KEY: VALUE']… [--body TEXT] [--body-file FILE] [--content-type json|form|text|none|auto] [--allow-errors] [--no-retry] [-L] [--jmespath EXPR] [--format auto|json|table|text|raw] [--scope SCOPE]… [--paginate [--limit N]] [--as NAME]"
        )
        #expect(TransferCommand.usageLine.hasPrefix("%globus transfer SOURCE:PATH DEST:PATH [--recursive] [--label TEXT] [--sync-level exists|size|mtime|checksum]"))
        #expect(LoginCommand.usageLine.hasPrefix("%globus login [--scope SCOPE]… [--service "))
        #expect(MkdirCommand.usageLine == "%globus mkdir COLLECTION:PATH")
        #expect(EchoMagic().usage == "%echo [TEXT…] [--stderr]")
        #expect(EnvMagic().usage == "%env [NAME[=VALUE] | NAME VALUE] [--ask] [--unset]")
        #expect(LsMagic().usage == "%lsmagic")
    }

    @Test func anOptionOfAnotherVerbOrWithoutItsPartnerIsRefused() throws {
        func problem(_ sub: any GlobusSubcommand.Type, _ words: [String]) -> String? {
            do {
                _ = try sub.declaration.arguments.parse(words, command: sub.commandName)
                return nil
            } catch { return error.executionError.evalue }
        }
        #expect(problem(TaskCommand.self, ["show", "x", "--limit", "3"]) == "globus task: --limit goes with list")
        #expect(problem(TaskCommand.self, ["wait", "6c54cade-bde5-45c1-bdea-f4bd71dba2cc", "--timeout", "3", "--interval", "1"]) == nil)
        #expect(problem(FlowsCommand.self, ["status", "x", "--interval", "1"]) == "globus flows: --interval goes with --wait")
        #expect(problem(CallCommand.self, ["transfer", "GET", "/x", "--limit", "3"]) == "globus call: --limit goes with --paginate")
        #expect(problem(DemoCommand.self, ["off", "--as", "alice"]) == "globus demo: --as goes with on")
        // A first word that is no verb is refused as such, naming the verbs, not the option.
        #expect(problem(TaskCommand.self, ["lsit", "--limit", "3"]) == "globus task: unknown verb 'lsit'; expected list, show TASK, wait TASK or cancel TASK")
    }
}
