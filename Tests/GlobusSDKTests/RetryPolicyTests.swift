import Testing
@testable import GlobusSDK

/// Retries and request headers as the Python SDK's transport decides them.
@Suite struct RetryPolicyTests {
    @Test func transferDoesNotRetryEndpointFaultsButOthersDo() {
        let transfer = ServiceRequest(service: .transfer, method: "GET", path: "/endpoint/x/ls").retry
        for code in ["ExternalError.DirListingFailed.Connection", "EndpointError", "ClientError.EndpointError"] {
            #expect(transfer.delay(attempt: 0, status: 502, retryAfter: nil, errorCode: code) == nil)
        }
        #expect(transfer.delay(attempt: 0, status: 502, retryAfter: nil, errorCode: "ServiceUnavailable") != nil)
        // The Python SDK checks Retry-After before the transient-error rule.
        #expect(transfer.delay(attempt: 0, status: 503, retryAfter: "2", errorCode: "ExternalError") == 2)
        // Other services retry whatever the code says.
        let groups = ServiceRequest(service: .groups, method: "GET", path: "/groups/my_groups").retry
        #expect(groups.delay(attempt: 0, status: 502, retryAfter: nil, errorCode: "ExternalError") != nil)
        #expect(transfer.delay(attempt: 5, status: 502, retryAfter: nil, errorCode: nil) == nil)
    }

    @Test func clientInfoNamesTheSDKAndTheProductsOnIt() {
        let http = GlobusHTTP(appName: "Globus Kernel", products: [ClientProduct(name: "globus-kernel", version: "1.2")])
        #expect(http.clientInfo == "product=swift-sdk,version=\(SDKInfo.version);product=globus-kernel,version=1.2")
        #expect(http.userAgent == "globus-sdk-swift-\(SDKInfo.version)/Globus Kernel")
        #expect(GlobusHTTP().clientInfo == "product=swift-sdk,version=\(SDKInfo.version)")
    }
}
