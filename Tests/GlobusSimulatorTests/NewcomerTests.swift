import Support
import JSON
import Testing
@testable import GlobusSimulator

@Suite struct NewcomerTests {
    @Test func demoModeApprovesSomeoneNewAsAPersonOfTheirOwn() {
        var config = Simulator.Configuration()
        config.ensurePerson("alice")
        config.ensurePerson("alice@uchicago.edu")
        #expect(config.identities.count == SimIdentity.defaults.count)
        config.ensurePerson("student07")
        config.ensurePerson("dana@example.org")
        #expect(config.identities.map(\.username).suffix(2) == ["student07@classroom.example.edu", "dana@example.org"])
        config.ensurePerson("student07")
        #expect(config.identities.count == SimIdentity.defaults.count + 2)
    }
}
