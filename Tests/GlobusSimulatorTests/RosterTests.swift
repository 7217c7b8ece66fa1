import Support
import JSON
import Testing
@testable import GlobusSimulator

@Suite struct RosterTests {
    @Test func aRosterNamesEachStudentAndAHubNameFindsThem() {
        let roster = SimIdentity.roster(12)
        #expect(roster.map(\.username).first == "student01@classroom.example.edu")
        #expect(roster.map(\.username).last == "student12@classroom.example.edu")
        #expect(Set(roster.map(\.id)).count == 12)
        #expect(SimIdentity.roster(100).first?.username == "student001@classroom.example.edu")
        let state = SimState(
            identities: SimIdentity.defaults + roster + [SimIdentity(id: "x", username: "student07@elsewhere.org", name: "", email: "", organization: "")],
            clients: [], tokenLifetime: 60)
        #expect(state.identity(named: "student03")?.username == "student03@classroom.example.edu")
        #expect(state.identity(named: "alice")?.username == "alice@uchicago.edu")
        // Two people with that name: neither is chosen.
        #expect(state.identity(named: "student07") == nil)
        #expect(state.identity(named: "nobody") == nil)
    }
}
