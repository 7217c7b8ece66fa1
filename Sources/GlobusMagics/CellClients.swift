import GlobusSDK
import JSON

/// The SDK clients a command calls Globus with. Every one is made here, with the same options:
/// the cell's login when tokens are missing or a requirement is unmet, the cell's interrupt, and
/// the secret gate (`ClientGate`) around every request the client sends (GAREs are redriven
/// when the app's settings say so: `%globus config auto_relogin`). Commands make no request any other way, so every request a
/// command sends, each page of a listing included, passes the gate.
extension GlobusContext {
    /// The options of every client of this command.
    func clientOptions(_ app: GlobusApp) -> ClientOptions {
        let login = ShellThreadLogin(run: loginHandler(app))
        let gate = gate
        return ClientOptions(
            onLoginRequired: { need throws(GlobusError) in try login.run(need) }, isCancelled: isCancelled,
            intercept: { request, send throws(GlobusError) in try gate.pass(request, send) })
    }

    func transfer(_ app: GlobusApp) -> TransferClient { TransferClient(app: app, options: clientOptions(app)) }

    /// Auth, asking the app for `scopes` besides those it requires already.
    func auth(_ app: GlobusApp, scopes: [Scope] = []) -> AuthClient { AuthClient(app: app, scopes: scopes, options: clientOptions(app)) }

    func flows(_ app: GlobusApp) -> FlowsClient { FlowsClient(app: app, options: clientOptions(app)) }

    /// The flow `flowID`, to run it: its own scope and token.
    func flow(_ flowID: String, app: GlobusApp) -> SpecificFlowClient { SpecificFlowClient(flowID: flowID, app: app, options: clientOptions(app)) }

    func timers(_ app: GlobusApp) -> TimersClient { TimersClient(app: app, options: clientOptions(app)) }

    /// Any service, for the request a person typed (`%globus call`).
    func client(_ service: GlobusService, app: GlobusApp, resourceServer: String?, baseURL: String?) -> ServiceClient {
        ServiceClient(service: service, app: app, resourceServer: resourceServer, baseURL: baseURL, options: clientOptions(app))
    }

    /// Who is logged in (Auth's userinfo), asking for `scopes` too (`view_identity_set`).
    func userinfo(_ app: GlobusApp, scopes: [Scope] = []) throws(MagicError) -> JSON {
        try sdk { () throws(GlobusError) in try auth(app, scopes: scopes).userinfo().data }
    }
}

/// The cell's login, as the `@Sendable` handler a client takes. It uses the cell (its output,
/// its prompt for the code), which is not `Sendable`: the kernel makes its blocking calls, and
/// so runs this handler, on its shell thread only.
struct ShellThreadLogin: @unchecked Sendable {
    let run: (LoginRequired) throws(GlobusError) -> Void
}

extension GlobusContext {
    /// The id of `collection` (an id, or a name only one collection has) and its HTTPS server
    /// (`open`, `get`, `put`): its address and
    /// whether it needs `data_access` come from Transfer. Its https scope is asked for with the
    /// cell's login the first time (once per collection: the token is stored). A mapped
    /// collection's `data_access` consent is what Transfer asks with a GARE: as for `ls` and
    /// `transfer`, the cell logs in for it only with `auto_relogin`, and otherwise the error
    /// names the `%globus login --scope …` that gives it.
    func https(for collection: String) throws(MagicError) -> (id: String, client: CollectionHTTPSClient) {
        let app = try app()
        let id = try collectionID(collection, app: app)
        return (id, try https(id, app: app))
    }

    /// The HTTPS server of the collection with id `collectionID` (see ``https(for:)``).
    func https(_ collectionID: String, app: GlobusApp) throws(MagicError) -> CollectionHTTPSClient {
        var https = try sdk { () throws(GlobusError) in
            try CollectionHTTPSClient.forCollection(collectionID, transfer: transfer(app), options: clientOptions(app))
        }
        if https.requiredScope != https.scopes.https && !session.choices.autoRelogin {
            let scope = https.requiredScope.description
            https.connection.options.onLoginRequired = { need throws(GlobusError) in
                throw .loginRequired(
                    LoginRequired(
                        reason: need.reason, resourceServer: collectionID,
                        authorizationParameters: AuthorizationParameters(requiredScopes: [scope])))
            }
        }
        return https
    }
}

extension GlobusContext {
    /// Runs what a command does with a collection's HTTPS server. A 403 that carries no
    /// requirement (GCS's answer says no more) names both of its causes and the login that asks
    /// for the collection's consent again; any other error is thrown as it is.
    func onCollection<T>(_ https: CollectionHTTPSClient, _ body: () throws(MagicError) -> T) throws(MagicError) -> T {
        do { return try body() } catch {
            guard case .globus(.api(let a), .usual) = error, a.httpStatus == 403, a.gare == nil else { throw error }
            throw .globus(
                .api(a),
                advice: .also([
                    "",
                    "The collection's server refused it: you may have no permission for this path there (the collection's administrator decides), or your login for the collection lacks what it needs. To sign in for it again, run:",
                    "  " + ErrorRendering.loginCommand(for: AuthorizationParameters(requiredScopes: [https.requiredScope.description]))
                ]))
        }
    }
}
