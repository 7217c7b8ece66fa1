import JSON
import Testing
@testable import GlobusSDK

@Suite struct ErrorParsingTests {
    func err(_ status: Int, _ body: String, type: String = "application/json") -> GlobusAPIError {
        GlobusAPIError(method: "GET", url: "https://transfer.api.globus.org/v0.10/x", status: status, headers: [("content-type", type)], body: Array(body.utf8))
    }

    @Test func typeZeroConsentRequired() {
        let e = err(
            403,
            #"{"code": "ConsentRequired", "message": "Missing required data_access consent", "request_id": "WmMV97A1w", "required_scopes": ["urn:x[*y]"], "resource": "/transfer"}"#
        )
        #expect(e.code == "ConsentRequired" && e.message == "Missing required data_access consent" && e.requestID == "WmMV97A1w")
        #expect(e.consentRequiredScopes == ["urn:x[*y]"])
        #expect(e.gare?.code == "ConsentRequired")
    }

    @Test func authShapeTakesTheIDAsRequestID() {
        let e = err(
            401,
            #"{"errors": [{"status": "401", "id": "abc-1", "code": "UNAUTHORIZED", "detail": "Call must be authenticated", "title": "Unauthorized"}], "error_description": "Unauthorized", "error": "unauthorized"}"#
        )
        #expect(e.code == "UNAUTHORIZED" && e.message == "Call must be authenticated" && e.requestID == "abc-1")
    }

    @Test func flowsAndTimersShapes() {
        // Shapes from globus_sdk.testing (flows run_flow, timers create_job), read as the Python SDK reads them.
        let flows = err(403, #"{"error": {"code": "MISSING_SCOPE", "detail": "This action requires the following scope: frobulate"}, "debug_id": "d1"}"#)
        #expect(flows.code == "MISSING_SCOPE" && flows.message == "This action requires the following scope: frobulate")
        let listed = err(422, #"{"error": {"code": "UNPROCESSABLE_ENTITY", "detail": [{"loc": ["definition"], "msg": "bad state", "type": "x"}]}}"#)
        #expect(listed.code == "UNPROCESSABLE_ENTITY" && listed.message == "bad state")
        let timers = err(
            422,
            #"{"detail": [{"loc": ["body", "start"], "msg": "field required", "type": "value_error.missing"}, {"loc": ["body", "callback_url"], "msg": "field required", "type": "value_error.missing"}]}"#
        )
        #expect(timers.code == nil && timers.messages == ["field required: body.start", "field required: body.callback_url"])
    }

    @Test func canonicalGAREAndLegacyVariants() {
        let g = err(
            403,
            #"{"code": "AuthorizationRequired", "authorization_parameters": {"session_message": "m", "session_required_single_domain": ["uchicago.edu"], "session_required_mfa": true}}"#
        ).gare
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
