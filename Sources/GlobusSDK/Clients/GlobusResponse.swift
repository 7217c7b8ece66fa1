import JSON

/// A JSON document read through typed properties: the view a service client gives of an answer
/// (a task, a file listing, a flow run). A view never fails: a member the service left out, or
/// sent with another type, reads as `nil`, and ``json`` always holds the whole document.
///
/// Conform your own views to read answers the SDK has no view for:
///
/// ```swift
/// struct Quota: GlobusDocument {
///     let json: JSON
///     init(_ json: JSON) { self.json = json }
///     var bytesUsed: Int? { json["bytes_used"]?.int }
/// }
/// ```
public protocol GlobusDocument: Sendable {
    /// A view of `json`.
    init(_ json: JSON)
    /// The whole document.
    var json: JSON { get }
}

extension JSON: GlobusDocument {
    /// The document itself (a `JSON` value is its own untyped view).
    public init(_ json: JSON) { self = json }
    /// The document itself.
    public var json: JSON { self }
}

/// A service's answer to one call: the HTTP status and headers, the whole JSON document
/// (``data``), and a typed view of it (``document``), whose properties can be read on the
/// response itself:
///
/// ```swift
/// let task = try transfer.getTask(taskID)
/// print(task.status ?? "?", task.httpStatus)   // typed, through `TransferTask`
/// print(task["label"] ?? .null)              // any member of `data`
/// ```
@dynamicMemberLookup
public struct GlobusResponse<Document: GlobusDocument>: Sendable {
    /// The HTTP status code (200–399; a service's error answers are thrown as ``GlobusError/api(_:)``).
    public let httpStatus: Int
    /// The response headers, names lowercased, in the order received.
    public let headers: [(String, String)]
    /// The whole JSON document of the answer (`null` for an empty body).
    public let data: JSON

    /// Wraps an answer already parsed.
    public init(httpStatus: Int, headers: [(String, String)], data: JSON) {
        self.httpStatus = httpStatus
        self.headers = headers
        self.data = data
    }

    /// The typed view of ``data``.
    public var document: Document { Document(data) }

    /// A property of the typed view, read on the response (`response.taskID`).
    public subscript<Value>(dynamicMember keyPath: KeyPath<Document, Value>) -> Value { document[keyPath: keyPath] }

    /// A top-level member of ``data``, or `nil`.
    public subscript(key: String) -> JSON? { data[key] }

    /// The last value of a header (`name` in any case), or `nil`.
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.0 == n }?.1
    }

    /// The same answer seen through another view.
    public func viewed<Other: GlobusDocument>(as _: Other.Type) -> GlobusResponse<Other> {
        GlobusResponse<Other>(httpStatus: httpStatus, headers: headers, data: data)
    }
}

extension GlobusResponse {
    /// Parses an HTTP answer: an empty body is `null`; a body that is not JSON is an API error
    /// carrying that body (a proxy's HTML page, a truncated answer).
    init(_ response: HTTPResponse, method: String, url: String) throws(GlobusError) {
        if response.body.isEmpty {
            self.init(httpStatus: response.status, headers: response.headers, data: .null)
            return
        }
        guard let doc = try? JSON.parse(response.body) else {
            throw .api(GlobusAPIError(method: method, url: redacted(url), status: response.status, headers: response.headers, body: response.body))
        }
        self.init(httpStatus: response.status, headers: response.headers, data: doc)
    }
}

/// A list in a document (`DATA`, `gmeta`, `flows`, `runs`, `jobs`…), each element read as `Item`.
/// The view of a listing's answer (``TransferClient/taskList(limit:offset:filter:orderBy:)``) and of each page
/// a paginator fetches.
public struct Listing<Item: GlobusDocument>: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The elements, in the service's order: the members of the first array found under the
    /// keys a Globus listing uses (`DATA`, `gmeta`, `flows`, `runs`, `timers`, `jobs`, `data`), or of the
    /// document itself when it is an array (Groups' `my_groups`).
    public var items: [Item] {
        if let a = json.array { return a.map(Item.init) }
        guard let key = PagingScheme.itemsKey(json) else { return [] }
        return (json[key]?.array ?? []).map(Item.init)
    }
}

/// Reads a member of a document as text, number or flag: the properties of the SDK's views.
extension GlobusDocument {
    func string(_ key: String) -> String? { json[key]?.string }
    func int(_ key: String) -> Int? { json[key]?.int }
    func bool(_ key: String) -> Bool? { json[key]?.bool }
    func list<T: GlobusDocument>(_ key: String) -> [T] { (json[key]?.array ?? []).map(T.init) }
}
