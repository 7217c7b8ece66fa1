import JSON
import Testing
@testable import GlobusSDK

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ScopeTests {
    @Test func parsesAndSerializes() throws {
        #expect(try ScopeParser.parse("").isEmpty)
        #expect(try ScopeParser.parse("  a   b ").map(\.description) == ["a", "b"])
        #expect(try ScopeParser.parse("a[b *c[d]]").map(\.description) == ["a[b *c[d]]"])
        #expect(try Scope.parse("*x").optional)
    }

    @Test func mergesByName() throws {
        #expect(try ScopeParser.parse("a b a").map(\.description) == ["a", "b"])
        #expect(try ScopeParser.parse("openid openid").map(\.description) == ["openid"])
        #expect(try ScopeParser.parse("a[b] a[c]").map(\.description) == ["a[b c]"])
        #expect(try ScopeParser.parse("a[b] c[b[x]]").map(\.description) == ["a[b[x]]", "c[b[x]]"])
        #expect(try ScopeParser.parse("a[*b] a[b]").map(\.description) == ["a[b]"])
        #expect(try ScopeParser.parse("*a a").map(\.description) == ["*a", "a"])
        let merged = ScopeParser.merge([try Scope.parse("t[*d1]")], [try Scope.parse("t[*d2]"), Scope("openid")])
        #expect(merged.map(\.description) == ["t[*d1 *d2]", "openid"])
    }

    @Test(arguments: [
        ("a* b", "'*' must not be followed by a space"),
        ("a[b]c", "']' may only be followed by a space or ']'"),
        ("a [b]", "'[' cannot have a preceding space"),
        ("a *", "ended in optional marker"),
        ("*[a]", "a scope string must always follow an optional marker"),
        ("a[", "ended in left bracket"),
        ("a[]", "found empty brackets"),
        ("a[[b]]", "found double left-bracket"),
        ("[a]", "found '[' without a preceding scope string"),
        ("a[b]]", "found ']' with no matching '[' preceding it"),
        ("a[b", "unclosed brackets, missing ']'"),
        ("a[b] b[a]", "A cycle was found involving 'a'"),
    ])
    func errorMessages(_ input: String, _ message: String) {
        #expect(throws: ScopeParseError.self) { try ScopeParser.parse(input) }
        do { _ = try ScopeParser.parse(input) } catch { #expect(error.message == message) }
    }

    @Test func resourceServers() {
        #expect(Scopes.resourceServer(of: "openid") == "auth.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.transferAll) == "transfer.api.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.flowsAll) == "flows.globus.org")
        #expect(Scopes.resourceServer(of: Scopes.timers) == Scopes.timersResourceServer)
        #expect(Scopes.transferDataAccess(["c1"]).description == "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]")
    }
}

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
        let url = client.authorizeURL(.init(
            scopes: try ScopeParser.parse("openid urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/abc/data_access]"),
            redirectURI: client.authCodeRedirect, refreshTokens: true,
            pkce: PKCE(verifier: String(repeating: "x", count: 43), challenge: "Q8N1eAkNzTOxWNKJ_htwVjg3G_TEOvBzpvZgMmQG-sA"),
            prefillNamedGrant: "My App on host",
            parameters: AuthorizationParameters(sessionMessage: "hi there", sessionRequiredIdentities: ["a", "b"],
                                                sessionRequiredSingleDomain: ["uchicago.edu"], sessionRequiredPolicies: ["p1"],
                                                sessionRequiredMFA: true, prompt: "login")))
        #expect(url == "https://auth.globus.org/v2/oauth2/authorize?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2&redirect_uri=https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code&scope=openid+urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall%5B%2Ahttps%3A%2F%2Fauth.globus.org%2Fscopes%2Fabc%2Fdata_access%5D&state=_default&response_type=code&access_type=offline&code_challenge=Q8N1eAkNzTOxWNKJ_htwVjg3G_TEOvBzpvZgMmQG-sA&code_challenge_method=S256&prefill_named_grant=My+App+on+host&session_required_mfa=True&session_message=hi+there&prompt=login&session_required_single_domain=uchicago.edu&session_required_policies=p1&session_required_identities=a%2Cb")
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

@Suite(.serialized) struct TokenStorageTests {
    func tempDir() -> String {
        var t = Array("/tmp/gk-sdk-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&t)!)
    }

    @Test func writesThePythonSDKFileByteForByte() throws {
        let dir = tempDir()
        let s = try JSONTokenStorage(path: dir + "/app/tokens.json")
        try s.store([
            TokenData(resourceServer: "auth.globus.org", identityID: "8ca28797-3541-4a5d-a264-05b00f91e608", scope: "openid profile email",
                      accessToken: "AUTH_AT", refreshToken: "AUTH_RT", expiresAtSeconds: 1796083916, tokenType: "Bearer"),
            TokenData(resourceServer: "transfer.api.globus.org", identityID: "8ca28797-3541-4a5d-a264-05b00f91e608",
                      scope: "urn:globus:auth:scope:transfer.api.globus.org:all", accessToken: "XFER_AT", refreshToken: "XFER_RT",
                      expiresAtSeconds: 1796083916, tokenType: "Bearer"),
        ])
        let bytes = String(decoding: readFile(dir + "/app/tokens.json")!, as: UTF8.self)
        #expect(bytes == #"{"data": {"DEFAULT": {"auth.globus.org": {"resource_server": "auth.globus.org", "identity_id": "8ca28797-3541-4a5d-a264-05b00f91e608", "scope": "openid profile email", "access_token": "AUTH_AT", "refresh_token": "AUTH_RT", "expires_at_seconds": 1796083916, "token_type": "Bearer"}, "transfer.api.globus.org": {"resource_server": "transfer.api.globus.org", "identity_id": "8ca28797-3541-4a5d-a264-05b00f91e608", "scope": "urn:globus:auth:scope:transfer.api.globus.org:all", "access_token": "XFER_AT", "refresh_token": "XFER_RT", "expires_at_seconds": 1796083916, "token_type": "Bearer"}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#)
        var st = stat()
        stat(dir + "/app/tokens.json", &st)
        #expect(st.st_mode & 0o777 == 0o600)
        stat(dir + "/app", &st)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(try s.remove("auth.globus.org"))
        #expect(try !s.remove("auth.globus.org"))
        #expect(try s.all().keys.sorted() == ["transfer.api.globus.org"])
    }

    @Test func readsFormat1AndOmitsNulls() throws {
        let dir = tempDir()
        let path = dir + "/tokens.json"
        _ = writeAll(path, #"{"by_rs": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "s", "access_token": "A", "expires_at_seconds": 5, "extra_key": 1}}, "format_version": "1.0", "globus-sdk.version": "3.0"}"#)
        let s = try JSONTokenStorage(path: path)
        let t = try #require(try s.get("groups.api.globus.org"))
        #expect(t.refreshToken == nil && t.identityID == nil && t.extra["extra_key"] == 1)
        #expect(t.json.serialized == #"{"resource_server":"groups.api.globus.org","scope":"s","access_token":"A","expires_at_seconds":5}"#)
        try s.store([t])
        #expect(String(decoding: readFile(path)!, as: UTF8.self).contains(#""format_version": "2.0""#))
    }

    @Test func corruptFileIsMovedAsideNotOverwritten() throws {
        let dir = tempDir()
        let path = dir + "/tokens.json"
        _ = writeAll(path, "{not json")
        let s = try JSONTokenStorage(path: path)
        do { _ = try s.all(); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("moved aside"))
        }
        let aside = try #require(listDir(dir).first { $0.hasPrefix("tokens.json.corrupt-") })
        #expect(String(decoding: readFile(dir + "/" + aside)!, as: UTF8.self) == "{not json")
        #expect(try s.all().isEmpty)
    }

    @Test func sqliteRoundTripWithThePythonSchema() throws {
        let dir = tempDir()
        let s = try SQLiteTokenStorage(path: dir + "/a/tokens.db")
        let t = TokenData(resourceServer: "transfer.api.globus.org", identityID: "i", scope: "s", accessToken: "AT", refreshToken: nil,
                          expiresAtSeconds: 10, tokenType: "Bearer")
        try s.store([t])
        #expect(try s.get("transfer.api.globus.org") == t)
        let again = try SQLiteTokenStorage(path: dir + "/a/tokens.db")
        #expect(try again.all().count == 1)
        #expect(try again.remove("transfer.api.globus.org"))
        #expect(try again.all().isEmpty)
        var st = stat()
        stat(dir + "/a/tokens.db", &st)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(throws: GlobusError.self) { try SQLiteTokenStorage(path: ":memory:") }
    }

    @Test func validation() {
        #expect(throws: GlobusError.self) { try TokenData(json: ["resource_server": "x", "scope": "s", "access_token": "a", "expires_at_seconds": 1.5]) }
        #expect(throws: GlobusError.self) { try TokenData(json: ["resource_server": "x", "scope": "s", "access_token": "a", "expires_at_seconds": 1, "refresh_token": 3]) }
    }

    @Test func defaultPathAndSlug() throws {
        #expect(try JSONTokenStorage.slug("My Cool App.v2") == "my-cool-app-v2")
        #expect(try JSONTokenStorage.slug("a?b") == "a+b")
        #expect(try JSONTokenStorage.slug("A. B") == "a--b")
        #expect(try JSONTokenStorage.slug("Globus Kernel") == "globus-kernel")
        #expect(throws: GlobusError.self) { try JSONTokenStorage.slug("\u{1}") }
        #expect(throws: GlobusError.self) { try JSONTokenStorage.slug("CON") }
        #expect(try JSONTokenStorage.defaultPath(clientID: "cid", appName: "x", environment: "preview", fileExtension: "db", home: "/home/u")
                == "/home/u/.globus/app/cid/x/preview-tokens.db")
    }
}

@Suite struct ConsentForestTests {
    @Test func meetsScopesWithDependencies() throws {
        let consents: [JSON] = [
            ["id": 1, "scope_name": "t", "dependency_path": [1]],
            ["id": 2, "scope_name": "d1", "dependency_path": [1, 2]],
            ["id": 3, "scope_name": "x", "dependency_path": [3]],
        ]
        let forest = ConsentForest(consents)
        #expect(forest.meets(try Scope.parse("t[*d1]")))
        #expect(forest.meets(Scope("t")))
        #expect(!forest.meets(try Scope.parse("t[d2]")))
        #expect(!forest.meets(try Scope.parse("x[d1]")))
    }
}

@Suite struct ErrorParsingTests {
    func err(_ status: Int, _ body: String, type: String = "application/json") -> GlobusAPIError {
        GlobusAPIError(method: "GET", url: "https://transfer.api.globus.org/v0.10/x", status: status, headers: [("content-type", type)], body: Array(body.utf8))
    }

    @Test func typeZeroConsentRequired() {
        let e = err(403, #"{"code": "ConsentRequired", "message": "Missing required data_access consent", "request_id": "WmMV97A1w", "required_scopes": ["urn:x[*y]"], "resource": "/transfer"}"#)
        #expect(e.code == "ConsentRequired" && e.message == "Missing required data_access consent" && e.requestID == "WmMV97A1w")
        #expect(e.consentRequiredScopes == ["urn:x[*y]"])
        #expect(e.gare?.code == "ConsentRequired")
    }

    @Test func authShapeTakesTheIDAsRequestID() {
        let e = err(401, #"{"errors": [{"status": "401", "id": "abc-1", "code": "UNAUTHORIZED", "detail": "Call must be authenticated", "title": "Unauthorized"}], "error_description": "Unauthorized", "error": "unauthorized"}"#)
        #expect(e.code == "UNAUTHORIZED" && e.message == "Call must be authenticated" && e.requestID == "abc-1")
    }

    @Test func flowsAndTimersShapes() {
        // Shapes from globus_sdk.testing (flows run_flow, timers create_job), read as the Python SDK reads them.
        let flows = err(403, #"{"error": {"code": "MISSING_SCOPE", "detail": "This action requires the following scope: frobulate"}, "debug_id": "d1"}"#)
        #expect(flows.code == "MISSING_SCOPE" && flows.message == "This action requires the following scope: frobulate")
        let listed = err(422, #"{"error": {"code": "UNPROCESSABLE_ENTITY", "detail": [{"loc": ["definition"], "msg": "bad state", "type": "x"}]}}"#)
        #expect(listed.code == "UNPROCESSABLE_ENTITY" && listed.message == "bad state")
        let timers = err(422, #"{"detail": [{"loc": ["body", "start"], "msg": "field required", "type": "value_error.missing"}, {"loc": ["body", "callback_url"], "msg": "field required", "type": "value_error.missing"}]}"#)
        #expect(timers.code == nil && timers.messages == ["field required: body.start", "field required: body.callback_url"])
    }

    @Test func canonicalGAREAndLegacyVariants() {
        let g = err(403, #"{"code": "AuthorizationRequired", "authorization_parameters": {"session_message": "m", "session_required_single_domain": ["uchicago.edu"], "session_required_mfa": true}}"#).gare
        #expect(g?.authorizationParameters.sessionRequiredSingleDomain == ["uchicago.edu"] && g?.authorizationParameters.sessionRequiredMFA == true)
        let legacy = GARE(json: ["authorization_parameters": ["session_required_policies": "p1,p2"]])
        #expect(legacy?.code == "AuthorizationRequired" && legacy?.authorizationParameters.sessionRequiredPolicies == ["p1", "p2"])
        let ap = GARE(json: ["code": "ConsentRequired", "required_scope": "s1", "description": "d"])
        #expect(ap?.authorizationParameters.requiredScopes == ["s1"] && ap?.authorizationParameters.sessionMessage == "d")
        let dep = GARE(json: ["error": "dependent_consent_required", "errors": [["code": "DEPENDENT_CONSENT_REQUIRED", "unapproved_scopes": ["u1"]]]])
        #expect(dep?.authorizationParameters.requiredScopes == ["u1"])
        #expect(GARE(json: ["code": "ConsentRequired", "message": "x"]) == nil)
    }

    @Test func jsonAPIAndNonJSON() {
        let e = err(422, #"{"errors": [{"code": "BAD", "detail": "d1"}, {"code": "BAD", "title": "t2"}]}"#, type: "application/vnd.api+json")
        #expect(e.code == "BAD" && e.messages == ["d1", "t2"])
        let html = err(502, "<html>bad gateway</html>", type: "text/html")
        #expect(html.code == nil && html.json == nil && html.description.contains("502"))
    }

    @Test func retryPolicy() {
        let p = RetryPolicy()
        #expect(p.delay(attempt: 0, status: 429, retryAfter: "3", errorCode: nil) == 3)
        #expect(p.delay(attempt: 0, status: 503, retryAfter: "60", errorCode: nil) == 10)
        #expect(p.delay(attempt: 0, status: 404, retryAfter: nil, errorCode: nil) == nil)
        #expect(p.delay(attempt: 5, status: 500, retryAfter: nil, errorCode: nil) == nil)
        let d = p.delay(attempt: 2, status: 500, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", errorCode: nil)!
        #expect(d >= 1 && d <= 3)
        #expect(RetryPolicy.none.delay(attempt: 0, status: 500, retryAfter: nil, errorCode: nil) == nil)
    }
}

func writeAll(_ path: String, _ text: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    defer { close(fd) }
    return text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) } >= 0
}

func listDir(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        out.append(withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
    }
    return out.filter { $0 != "." && $0 != ".." }
}
