import JSON

extension GlobusApp {
    /// Calls a service with this app's tokens for it. When tokens are missing or unusable,
    /// `onLoginRequired` runs (it should log in) and the call is retried once; likewise, once,
    /// when (with `autoRedriveGARE` or `redrive`) the service answers with an authorization
    /// requirement.
    public func call(
        _ request: ServiceRequest, resourceServer: String? = nil,
        onLoginRequired: ((LoginRequired) throws(GlobusError) -> Void)? = nil,
        redrive: Bool? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws(GlobusError) -> HTTPResponse {
        let rs = resourceServer ?? request.service.resourceServer
        if !scopeRequirements.contains(where: { $0.0 == rs }) {
            let defaults = request.service.defaultScopes.compactMap { try? Scope.parse($0) }
            if !defaults.isEmpty { addScopeRequirements(rs, defaults) }
        }
        let http = try request.httpRequest(environment: settings.environment)
        var loggedIn = false, redriven = false
        while true {
            do {
                let response = try self.http.perform(
                    http, authorizer: authorizer(for: rs, isCancelled: isCancelled), retry: request.retry,
                    allowErrors: request.allowErrors, isCancelled: isCancelled)
                if !redriven, redrive ?? settings.autoRedriveGARE, let handler = onLoginRequired, response.status == 403,
                    let body = try? JSON.parse(response.body), let gare = GARE(json: body)
                {
                    redriven = true
                    try handler(
                        LoginRequired(
                            reason: .missingScopes(gare.authorizationParameters.requiredScopes ?? []), resourceServer: rs,
                            authorizationParameters: gare.authorizationParameters))
                    continue
                }
                return response
            } catch {
                switch error {
                case .loginRequired(let need) where !loggedIn && onLoginRequired != nil:
                    loggedIn = true
                    try onLoginRequired!(need)
                case .api(let e) where !redriven && e.httpStatus == 403 && (redrive ?? settings.autoRedriveGARE) && onLoginRequired != nil:
                    guard let gare = e.gare else { throw error }
                    redriven = true
                    try onLoginRequired!(
                        LoginRequired(
                            reason: .missingScopes(gare.authorizationParameters.requiredScopes ?? []), resourceServer: rs,
                            authorizationParameters: gare.authorizationParameters))
                default:
                    throw error
                }
            }
        }
    }
}
