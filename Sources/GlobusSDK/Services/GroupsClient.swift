import JSON

/// A client of Globus Groups (the Python SDK's `GroupsClient`).
///
/// ```swift
/// let groups = GroupsClient(app: app)
/// for group in try groups.getMyGroups().items { print(group.name ?? "?") }
/// ```
public struct GroupsClient: GlobusServiceClient {
    /// Its service and scopes: ``GroupsScopes``.
    public typealias ScopeSet = GroupsScopes

    /// Where the client's calls go, and how they behave.
    public var connection: ServiceConnection
    /// A client over an existing connection (another client's, say).
    public init(connection: ServiceConnection) { self.connection = connection }

    /// `GET /v2/groups/my_groups`: the groups the person belongs to (only those where their
    /// membership has one of `statuses`: `active`, `invited`, `pending`…, when given).
    public func getMyGroups(statuses: [String] = []) throws(GlobusError) -> GlobusResponse<Listing<Group>> {
        try connection.call(connection.request("GET", "/groups/my_groups", query: ["statuses": statuses.isEmpty ? nil : statuses.joined(separator: ",")]))
    }

    /// `GET /v2/groups/ID`: one group (with `include`: `memberships`, `my_memberships`, `policies`…).
    public func getGroup(_ groupID: String, include: [String] = []) throws(GlobusError) -> GlobusResponse<Group> {
        try connection.call(
            connection.request(
                "GET", "/groups/\(PathSegment.escape(groupID))",
                query: ["include": include.isEmpty ? nil : include.joined(separator: ",")]))
    }
}

/// A group's document.
public struct Group: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The group's id.
    public var id: String? { string("id") }
    /// Its name.
    public var name: String? { string("name") }
    /// Its description.
    public var description: String? { string("description") }
    /// `regular` or `plus`.
    public var groupType: String? { string("group_type") }
    /// The person's own memberships in it.
    public var myMemberships: [GroupMembership] { list("my_memberships") }
    /// Its memberships (with `include: ["memberships"]`).
    public var memberships: [GroupMembership] { list("memberships") }
}

/// One membership of a group.
public struct GroupMembership: GlobusDocument {
    /// The whole document.
    public let json: JSON
    /// A view of `json`.
    public init(_ json: JSON) { self.json = json }

    /// The member's identity id.
    public var identityID: String? { string("identity_id") }
    /// The member's username.
    public var username: String? { string("username") }
    /// `admin`, `manager` or `member`.
    public var role: String? { string("role") }
    /// `active`, `invited`, `pending`…
    public var status: String? { string("status") }
}
