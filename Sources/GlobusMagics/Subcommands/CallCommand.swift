import GlobusSDK
import JMESPath
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%globus call SERVICE METHOD PATH …`: any Globus service API, with the service's token.
struct CallCommand: GlobusSubcommand {
    static let queryParam = Option<String>("-Q", "--query-param", value: "KEY=VALUE", help: "a query parameter (repeatable)").repeatable()
    static let header = Option<String>("-H", "--header", value: "'KEY: VALUE'", help: "a header (repeatable)").repeatable()
    static let body = Option<String>("--body", value: "TEXT", help: "the request body (@{NAME} in it goes in as a value)", expandsKeptValues: false)
    static let bodyFile = Option<String>("--body-file", value: "FILE", help: "read the request body from a file")
    static let contentType = Option<BodyEncoding>("--content-type", value: "TYPE", help: "the body's encoding (default auto)")
    static let allowErrors = Flag("--allow-errors", help: "show 4xx/5xx answers instead of failing")
    static let noRetry = Flag("--no-retry", help: "do not retry on 429/5xx or network errors")
    static let location = Flag("-L", "--location", help: "follow redirects (within the service's own address)")
    static let jmespath = Option<String>("--jmespath", "--jq", value: "EXPR", help: "filter the JSON answer with a JMESPath expression")
    static let format = Option<OutputFormat>("--format", "-F", value: "FORMAT", help: "how to show the answer (default: tree, text and a table for listings)")
    static let scope = Option<String>("--scope", value: "SCOPE", help: "a scope this call needs (repeatable; e.g. with data_access)").repeatable()
    static let paginate = Flag("--paginate", help: "fetch every page of a listing, in the service's own way, merged into one result")
    static let limit = Option<Int>("--limit", value: "N", help: "with --paginate: stop after N items", in: 1...Int.max).goesWith(paginate)

    static let declaration = CommandDeclaration(
        name: "call",
        synopsis: "SERVICE METHOD PATH", summary: "Call a Globus service API; %%globus call takes the JSON body from the rest of the cell.",
        options: [queryParam, header, body, bodyFile, contentType, allowErrors, noRetry, location, jmespath, format, scope, paginate, limit],
        examples: [
            "%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'",
            "%globus call transfer GET /task_list --paginate --limit 5000 --format table",
            "%%globus call transfer POST /operation/endpoint/$COLLECTION/mkdir\n{\"DATA_TYPE\": \"mkdir\", \"path\": \"/~/new\"}"
        ])
    static var takesCellBody: Bool { true }
    static var keepsResult: Bool { true }
    static var showsJSONTree: Bool { true }

    static let methods = ["HEAD", "GET", "PUT", "POST", "PATCH", "DELETE"]
    /// The largest `--body-file` sent.
    static let bodyFileSize = 64 << 20
    static let serviceNames = GlobusService.all.map(\.name) + ["timers", "gcs"]

    /// Where the call goes: a named service, or a Globus Connect Server endpoint's manager.
    enum Target: Equatable {
        case service(GlobusService)
        case gcs(endpoint: String)
    }

    var target: Target
    var method: String
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var bodyText: String?
    /// `--body-file`, read when the command runs (where the hub's home rule is known).
    var bodyFile: String?
    var encoding: BodyEncoding
    var allowErrors: Bool
    var noRetry: Bool
    var followRedirects: Bool
    var filter: JMESPathExpression?
    var format: OutputFormat
    var scopes: [Scope] = []
    var paginate: Bool
    var limit: Int?

    init(_ a: ParsedArguments, body cellBody: String?) throws(MagicError) {
        var pos = a.positionals
        guard !pos.isEmpty else { throw Self.usage("name a service: \(GlobusService.all.map(\.name).joined(separator: ", ")), gcs ENDPOINT_ID") }
        let name = pos.removeFirst()
        if name == "gcs" {
            guard pos.count == 3 else { throw Self.usage("expected gcs ENDPOINT_ID METHOD PATH") }
            target = .gcs(endpoint: try Self.id(pos.removeFirst(), "Globus Connect Server endpoint"))
        } else {
            guard let svc = GlobusService.named(name) else {
                throw Self.usage("unknown service '\(name)'; use one of \(GlobusService.all.map(\.name).joined(separator: ", ")), gcs")
            }
            target = .service(svc)
        }
        guard pos.count == 2 else { throw Self.usage("expected SERVICE METHOD PATH, e.g. %globus call transfer GET /task_list") }
        method = pos[0].uppercased()
        guard Self.methods.contains(method) else { throw Self.usage("unknown method '\(pos[0])'; use one of \(Self.methods.joined(separator: ", "))") }
        path = pos[1]
        for q in a.all(Self.queryParam) {
            guard let eq = q.firstIndex(of: "=") else { throw Self.usage("invalid query param '\(q)' (expected KEY=VALUE)") }
            query.append((String(q[..<eq]), String(q[q.index(after: eq)...])))
        }
        for h in a.all(Self.header) {
            guard let colon = h.firstIndex(of: ":") else { throw Self.usage("invalid header param '\(h)' (expected 'KEY: VALUE')") }
            var value = h[h.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            // A line break would start another header (a second Authorization, say).
            guard !h.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                throw Self.usage("a header cannot hold a line break or other control character: '\(h.debugDescription)'")
            }
            headers.append((String(h[..<colon]), String(value)))
        }
        let sources = [a[Self.body] != nil, a[Self.bodyFile] != nil, cellBody != nil].filter { $0 }.count
        guard sources <= 1 else {
            throw Self.usage(
                cellBody != nil ? "the %%globus cell body is the request body; do not also give --body or --body-file" : "--body and --body-file are mutually exclusive")
        }
        bodyFile = a[Self.bodyFile]
        encoding = a[Self.contentType] ?? .auto
        if let typed = cellBody.flatMap({ $0.trimmed.isEmpty ? nil : $0 }) ?? a[Self.body] {
            // Kept values go in as values: into the parsed JSON document, or form-encoded.
            switch try a.kept.substitute(intoBody: typed, form: encoding.isForm(typed)) {
            case .json(_, let text), .text(let text): bodyText = text
            }
        }
        allowErrors = a[Self.allowErrors]
        noRetry = a[Self.noRetry]
        followRedirects = a[Self.location]
        if let text = a[Self.jmespath] {
            do { filter = try JMESPathExpression(text) } catch { throw Self.usage("invalid --jmespath expression: \(error)") }
        }
        format = a[Self.format] ?? .auto
        paginate = a[Self.paginate]
        limit = a[Self.limit]
        for text in a.all(Self.scope) {
            do { scopes += try ScopeParser.parse(text) } catch { throw Self.usage("invalid scope '\(text)': \(error)") }
        }
    }

    /// A kept value in the PATH is one path segment (`/task/@{t.task_id}`): it cannot add `?`,
    /// `#`, `/` or `..` to the address.
    static func keptValueEncoding(positionalAfter before: [String]) -> (String) -> String {
        let pathIndex = before.first == "gcs" ? 3 : 2
        if before.count == pathIndex { return { PathSegment.escape($0) } }
        return { $0 }
    }

    static func completePositional(_ pos: [String], prefix: String) -> [String] {
        switch pos.count {
        case 0: return serviceNames.filter { $0.hasPrefix(prefix) }
        case 1 where pos[0] == "gcs": return []
        case 1,
            2 where pos[0] == "gcs" && pos.count == 2:
            return methods.filter { $0.hasPrefix(prefix.uppercased()) }
        case 2: return (commonPaths[pos[0]] ?? []).filter { $0.hasPrefix(prefix) }
        default: return []
        }
    }

    static let commonPaths: [String: [String]] = [
        "transfer": ["/task_list", "/endpoint_search", "/endpoint/", "/operation/endpoint/", "/submission_id", "/transfer", "/delete", "/task/"],
        "groups": ["/groups/my_groups", "/groups/"],
        "auth": ["/v2/oauth2/userinfo", "/v2/api/identities", "/v2/api/identities/"],
        "search": ["/v1/index/", "/v1/index_list"],
        "timer": ["/v2/timers"], "timers": ["/v2/timers"],
        "flows": ["/flows", "/runs"],
        "compute": ["/v2/version", "/v3/endpoints"]
    ]

    /// The request to `service` (a GCS manager's address is its client's).
    func request(service: GlobusService) -> ServiceRequest {
        var req = ServiceRequest(service: service, method: method, path: path)
        req.query = query
        req.headers = headers
        if let bodyText {
            req.body = Array(bodyText.utf8)
            if let type = encoding.contentType(for: bodyText), !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                req.headers.append(("Content-Type", type))
            }
        }
        if noRetry { req.retry = .none }
        req.followRedirects = followRedirects
        req.allowErrors = allowErrors
        return req
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        guard let f = bodyFile else { return try perform(g) }
        let bytes: [UInt8]
        do { bytes = try g.session.files.read(f, what: "--body-file", maxBytes: Self.bodyFileSize) } catch {
            throw g.session.confinement == nil ? Self.usage(error.message) : .configuration(error.message, fix: nil)
        }
        var withBody = self
        withBody.bodyText = String(decoding: bytes, as: UTF8.self)
        try KeptValues.refuseDuplicateKeys(withBody.bodyText!)
        withBody.bodyFile = nil
        return try withBody.perform(g)
    }

    private func perform(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        var service: GlobusService
        var baseURL: String?
        var resourceServer: String?
        switch target {
        case .service(let s): service = s
        case .gcs(let endpoint):
            baseURL = try Self.gcsManager(endpoint, app: app, g)
            service = .gcs(endpoint)
            resourceServer = endpoint
        }
        if service == .flows, let flow = Scopes.flowActedOn(path: path) {
            // Running a flow acts as the flow: its own scope, its own token (as SpecificFlowClient).
            resourceServer = flow
            app.addScopeRequirements(flow, [SpecificFlowScopes(flow).user])
        }
        for scope in scopes {
            app.addScopeRequirements(Scopes.resourceServer(of: scope.name) ?? (resourceServer ?? service.resourceServer), [scope])
        }
        let client = g.client(service, app: app, resourceServer: resourceServer, baseURL: baseURL)
        if paginate {
            guard let scheme = PagingScheme.forRequest(service, method: method, path: path) else {
                throw Self.usage(
                    "--paginate: \(method) \(path) on \(service.name) is not a paged listing (paged: Transfer task_list, endpoint_search, a task's event_list, successful_transfers and skipped_errors; Search queries; Flows flows and runs)"
                )
            }
            let doc = try g.fetchAll(client.paginator(request(service: service), scheme: scheme), limit: limit)
            let paged = doc["paged"]
            g.output.stream(.stdout, "\(paged?["items"]?.int ?? 0) items in \(paged?["pages"]?.int ?? 0) page\(paged?["pages"]?.int == 1 ? "" : "s").\n")
            return try ResponseView(filter: filter, format: format) { g.output.stream(.stdout, $0 + "\n") }.bundle(doc)
        }
        let response = try g.sdk { () throws(GlobusError) in try client.request(request(service: service)) }
        if response.status >= 400 { g.output.stream(.stderr, "HTTP \(response.status)\n") }
        return try ResponseView(filter: filter, format: format) { g.output.stream(.stdout, $0 + "\n") }.bundle(response)
    }

    /// A Globus Connect Server endpoint's manager URL, from Transfer.
    static func gcsManager(_ endpoint: String, app: GlobusApp, _ g: GlobusContext) throws(MagicError) -> String {
        let found = try g.sdk { () throws(GlobusError) in try g.transfer(app).getEndpoint(endpoint) }
        guard let manager = found.gcsManagerURL else {
            throw .unexpectedAnswer("endpoint \(endpoint) has no GCS manager URL (is it a Globus Connect Server v5 endpoint?)")
        }
        return manager
    }
}

/// How a request body is encoded (`--content-type`).
enum BodyEncoding: String, ArgumentValue, CaseIterable {
    case json, form, text, none, auto

    /// The Content-Type header for `body`: as chosen, or (auto) JSON when it parses, a form when
    /// it is one line of `k=v`, else none.
    func contentType(for body: String) -> String? {
        switch self {
        case .json: "application/json"
        case .form: "application/x-www-form-urlencoded"
        case .text: "text/plain"
        case .none: nil
        case .auto: (try? JSON.parse(body)) != nil ? "application/json" : (isForm(body) ? "application/x-www-form-urlencoded" : nil)
        }
    }

    /// Whether `body` is sent as a form: chosen, or (auto) one line of `k=v` that is not JSON.
    func isForm(_ body: String) -> Bool {
        switch self {
        case .form: true
        case .auto: (try? JSON.parse(body)) == nil && !body.trimmed.contains("\n") && body.contains("=")
        default: false
        }
    }
}

/// How an answer is shown: filtered with JMESPath, in the chosen format. A listing with no rows
/// says so (`say`, a line beside the result) in every format but `table`, whose result is that line.
struct ResponseView {
    var filter: JMESPathExpression?
    var format: OutputFormat
    var say: (String) -> Void = { _ in }

    func bundle(_ response: HTTPResponse) throws(MagicError) -> MimeBundle {
        if format == .raw {
            if filter == nil, let doc = try? JSON.parse(response.body), let empty = Rendering.emptyListing(doc) { say(empty) }
            if filter == nil { return MimeBundle(text: response.text) }
        }
        guard !response.body.isEmpty else { return MimeBundle(text: "(HTTP \(response.status), no content)") }
        guard let doc = try? JSON.parse(response.body) else {
            if filter != nil { throw .usage("globus call: --jmespath needs a JSON answer, got \(response.header("content-type") ?? "no content type")", command: "globus call") }
            return MimeBundle(text: response.text)
        }
        return try bundle(doc, rawBody: response.text)
    }

    /// A JSON document (an answer, or pages merged), filtered and shown.
    func bundle(_ doc: JSON, rawBody: String? = nil) throws(MagicError) -> MimeBundle {
        var doc = doc
        if let filter {
            do { doc = try filter.search(doc) } catch { throw .jmespath("\(error)") }
        }
        if format != .table, let empty = Rendering.emptyListing(doc) { say(empty) }
        if format == .raw && filter == nil && rawBody == nil { return MimeBundle(text: doc.serialized) }
        return Rendering.bundle(for: doc, format: format, rawBody: filter == nil ? rawBody : nil)
    }
}
