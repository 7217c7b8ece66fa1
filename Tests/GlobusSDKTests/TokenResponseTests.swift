import JSON
import Testing
@testable import GlobusSDK

/// A token response with an impossible lifetime is refused with a named error, never a trap.
@Suite struct TokenResponseTests {
    func response(expiresIn: JSON) -> JSON {
        ["access_token": "AT", "resource_server": "transfer.api.globus.org", "scope": "s", "token_type": "Bearer", "expires_in": expiresIn]
    }

    @Test func oddLifetimesAreRefused() throws {
        for odd: JSON in [.int(Int.max), .int(Int.max - 10), .int(-5), .double(1e300), .int(400_000_000)] {
            do { _ = try TokenResponse(json: response(expiresIn: odd), now: 1_700_000_000); Issue.record("accepted \(odd)") } catch {
                #expect("\(error)".contains("invalid token lifetime"))
            }
        }
        let ok = try TokenResponse(json: response(expiresIn: 172_800), now: 1_700_000_000)
        #expect(ok.byResourceServer["transfer.api.globus.org"]?.expiresAtSeconds == 1_700_172_800)
    }
}
