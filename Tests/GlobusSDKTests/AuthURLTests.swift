import JSON
import Testing
@testable import GlobusSDK

@Suite struct AuthURLTests {
    @Test func pkceMatchesRFC7636() throws {
        let p = try PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(p.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE()
        #expect(fresh.verifier.count == 43 && fresh.challenge.count == 43)
        #expect(fresh.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(throws: GlobusError.self) { try PKCE(verifier: "short") }
    }

    @Test func authorizeURLMatchesThePythonSDKByteForByte() throws {
        let client = AuthLoginClient(clientID: "61338d24-54d5-408f-a10d-66c06b59f6d2", environment: GlobusEnvironment(name: "production"))
        let url = client.authorizeURL(
            .init(
                scopes: try ScopeParser.parse("openid urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/abc/data_access]"),
                redirectURI: client.authCodeRedirect, refreshTokens: true,
                pkce: PKCE(verifier: String(repeating: "x", count: 43), challenge: "Q8N1eAkNzTOxWNKJ_htwVjg3G_TEOvBzpvZgMmQG-sA"),
                prefillNamedGrant: "My App on host",
                parameters: AuthorizationParameters(
                    sessionMessage: "hi there", sessionRequiredIdentities: ["a", "b"],
                    sessionRequiredSingleDomain: ["uchicago.edu"], sessionRequiredPolicies: ["p1"],
                    sessionRequiredMFA: true, prompt: "login")))
        #expect(
            url
                == "https://auth.globus.org/v2/oauth2/authorize?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2&redirect_uri=https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code&scope=openid+urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall%5B%2Ahttps%3A%2F%2Fauth.globus.org%2Fscopes%2Fabc%2Fdata_access%5D&state=_default&response_type=code&access_type=offline&code_challenge=Q8N1eAkNzTOxWNKJ_htwVjg3G_TEOvBzpvZgMmQG-sA&code_challenge_method=S256&prefill_named_grant=My+App+on+host&session_required_mfa=True&session_message=hi+there&prompt=login&session_required_single_domain=uchicago.edu&session_required_policies=p1&session_required_identities=a%2Cb"
        )
    }

    @Test func environmentsAndServiceURLs() {
        #expect(GlobusEnvironment(name: "production").baseURL("transfer") == "https://transfer.api.globus.org/")
        #expect(GlobusEnvironment(name: "preview").baseURL("auth") == "https://auth.preview.globus.org/")
        #expect(GlobusEnvironment(name: "sandbox").baseURL("groups") == "https://groups.api.sandbox.globuscs.info/")
        #expect(GlobusEnvironment(name: "production").baseURL("timer") == "https://timer.automate.globus.org/")
        #expect(GlobusEnvironment(name: "preview").baseURL("flows") == "https://preview.flows.automate.globus.org/")
        #expect(GlobusService.transfer.prefixed("/task_list") == "/v0.10/task_list")
        #expect(GlobusService.transfer.prefixed("/v0.10/task_list") == "/v0.10/task_list")
        #expect(GlobusService.transfer.prefixed("/v2/stream_access_points") == "/v2/stream_access_points")
        #expect(GlobusService.groups.prefixed("groups/my_groups") == "/v2/groups/my_groups")
        #expect(GlobusService.search.prefixed("/v1/index/x") == "/v1/index/x")
    }
}
