import JSON

/// A client of any Globus service, named by its ``GlobusService``, for requests the SDK has no
/// method for (the Python SDK's `BaseClient.request`, the Globus CLI's `globus api`): it sends a
/// ``ServiceRequest`` as it is built, with the app's tokens for the service (or for
/// `resourceServer`) and the client's options, and answers as the service did.
///
/// ```swift
/// let compute = ServiceClient(service: .compute, app: app)
/// let answer = try compute.request(ServiceRequest(service: .compute, method: "GET", path: "/v2/version"))
/// print(answer.status, answer.text)
/// ```
///
/// Made from an app, it adds no scope requirement itself: a request to a resource server the
/// app has no requirement for asks for the service's ``GlobusService/defaultScopes``.
public struct ServiceClient: GlobusClient {
    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection

    /// A client of `service` that calls with `app`'s tokens for `resourceServer` (by default the
    /// service's), at `baseURL` when given (a GCS manager's address) instead of the service's.
    public init(
        service: GlobusService, app: GlobusApp, resourceServer: String? = nil, baseURL: String? = nil,
        options: ClientOptions = ClientOptions()
    ) {
        connection = ServiceConnection(.app(app), service: service, resourceServer: resourceServer, baseURL: baseURL, options: options)
    }

    /// A client of `service` that calls with the credentials of `authorizer` (for example an
    /// ``AccessTokenAuthorizer``) in `environment`, at `baseURL` when given.
    public init(
        service: GlobusService, authorizer: any Authorizer, environment: GlobusEnvironment = .production, baseURL: String? = nil,
        http: GlobusHTTP = GlobusHTTP(), options: ClientOptions = ClientOptions()
    ) {
        connection = ServiceConnection(
            .authorizer(authorizer, http, environment), service: service, resourceServer: nil, baseURL: baseURL,
            options: options)
    }

    /// Sends `request` (to the client's base URL, when it has one) and answers the service's
    /// answer as it is: any status with ``ServiceRequest/allowErrors``, any body.
    public func request(_ request: ServiceRequest) throws(GlobusError) -> HTTPResponse {
        try connection.send(request)
    }

    /// The pages of the listing `request` asks for, paged by `scheme` (see
    /// ``PagingScheme/forRequest(_:method:path:)``), with the caps and stop rules of every ``Paginator``.
    public func paginator(_ request: ServiceRequest, scheme: PagingScheme) -> Paginator<JSON> {
        connection.paginator(request, scheme: scheme)
    }
}
