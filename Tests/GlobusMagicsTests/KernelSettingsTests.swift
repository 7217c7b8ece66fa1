import JupyterKernel
import Testing
@testable import GlobusMagics

/// The kernel reads its environment once, into `KernelSettings`; what a shared hub decides is
/// kept from that start, and elsewhere `%env` may change what demo mode uses.
@Suite struct KernelSettingsTests {
    @Test func anEmptyEnvironmentGivesTheDefaults() throws {
        let s = try KernelSettings(variables: [:])
        #expect(s.server == ServerSettings(logLevel: .warning, logLabel: "globus-kernel", maxMessageSize: 64 << 20, parentPID: nil))
        #expect(s.demo == nil && s.hub == nil && s.hubAPIToken == nil && s.demoAnnouncementFile == nil)
        #expect(s.temporaryFolder == "/tmp")
    }

    @Test func eachVariableLandsInItsSetting() throws {
        let s = try KernelSettings(variables: [
            "GLOBUS_KERNEL_LOG": "DEBUG", "GLOBUS_KERNEL_MAX_MESSAGE_SIZE": "2M", "JPY_PARENT_PID": "4242",
            "GLOBUS_KERNEL_DEMO": "hub", "JUPYTERHUB_USER": "student01", "HOME": "/home/student01",
            "JUPYTERHUB_API_TOKEN": "hub-token-0123", "GLOBUS_KERNEL_DEMO_SIMULATOR": "/srv/class/sim.json", "TMPDIR": "/scratch"
        ])
        #expect(s.server.logLevel == .debug)
        #expect(s.server.maxMessageSize == 2 << 20)
        #expect(s.server.parentPID == 4242)
        #expect(s.demo == "hub")
        #expect(s.hub == KernelSettings.HubPerson(user: "student01", home: "/home/student01"))
        #expect(s.hubAPIToken == "hub-token-0123")
        #expect(s.demoAnnouncementFile == "/srv/class/sim.json")
        #expect(s.temporaryFolder == "/scratch")
    }

    @Test func emptyValuesAreUnset() throws {
        let names = KernelSettings.variableNames
        let s = try KernelSettings(variables: Dictionary(uniqueKeysWithValues: names.map { ($0, "") }))
        #expect(s.server == ServerSettings(logLevel: .warning, logLabel: "globus-kernel"))
        #expect(s.demo == nil && s.hub == nil && s.hubAPIToken == nil && s.demoAnnouncementFile == nil && s.temporaryFolder == "/tmp")
    }

    @Test(arguments: ["0", "-5", "12Q", "1.5M", "99999999999999999999", "9223372036854775807G", "M"])
    func aMessageSizeThatIsNoSizeIsRefusedByName(_ text: String) {
        #expect(throws: KernelSettings.Invalid.self) { try KernelSettings(variables: ["GLOBUS_KERNEL_MAX_MESSAGE_SIZE": text]) }
        do {
            _ = try KernelSettings(variables: ["GLOBUS_KERNEL_MAX_MESSAGE_SIZE": text])
        } catch {
            #expect(error.description.contains("GLOBUS_KERNEL_MAX_MESSAGE_SIZE") && error.description.contains(text))
        }
    }

    @Test(arguments: ["1", "0", "-3", "pid", "2147483648", " 12"])
    func aParentThatIsNoProcessIsNotWatched(_ text: String) throws {
        #expect(try KernelSettings(variables: ["JPY_PARENT_PID": text]).server.parentPID == nil)
    }

    @Test func anUnknownLogLevelIsTheDefault() throws {
        #expect(try KernelSettings(variables: ["GLOBUS_KERNEL_LOG": "loud"]).server.logLevel == .warning)
        #expect(try KernelSettings(variables: ["GLOBUS_KERNEL_LOG": "Error"]).server.logLevel == .error)
    }

    @Test func underAHubWhatDecidesThePersonIsAsTheKernelStarted() {
        let env = KernelEnvironment(.test(["JUPYTERHUB_USER": "student01", "HOME": "/home/student01", "GLOBUS_KERNEL_DEMO": "hub", "TMPDIR": "/scratch"]))
        for (name, value) in ["JUPYTERHUB_USER": "student02", "GLOBUS_KERNEL_DEMO": "off", "TMPDIR": "/elsewhere", "GLOBUS_KERNEL_DEMO_SIMULATOR": "/etc/shadow", "HOME": "/root"] {
            env.set(name, value)
        }
        let d = env.decided
        #expect(d.hub == KernelSettings.HubPerson(user: "student01", home: "/home/student01"))
        #expect(d.demo == "hub" && d.temporaryFolder == "/scratch" && d.demoAnnouncementFile == nil)
        #expect(env.underHub)
    }

    @Test func aBadServerVariableSetLaterDoesNotFreezeTheRest() {
        let env = KernelEnvironment(.test(["GLOBUS_KERNEL_DEMO": "1"]))
        env.set("GLOBUS_KERNEL_MAX_MESSAGE_SIZE", "big")
        env.set("GLOBUS_KERNEL_DEMO", "0")
        #expect(env.decided.demo == "0")
    }

    @Test func elsewhereEnvChangesWhatDemoModeUses() {
        let env = KernelEnvironment(.test(["HOME": "/home/me"]))
        env.set("GLOBUS_KERNEL_DEMO", "1")
        env.set("TMPDIR", "/scratch")
        env.set("GLOBUS_KERNEL_DEMO_SIMULATOR", "/srv/sim.json")
        let d = env.decided
        #expect(d.demo == "1" && d.temporaryFolder == "/scratch" && d.demoAnnouncementFile == "/srv/sim.json")
        // Becoming a hub user later does not make the kernel a hub kernel.
        env.set("JUPYTERHUB_USER", "student01")
        #expect(!env.underHub)
    }
}
