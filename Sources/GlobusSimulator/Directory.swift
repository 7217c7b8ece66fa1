import Support
import JSON

/// A person who can log in to the simulator.
public struct SimIdentity: Sendable, Equatable {
    public var id: String
    public var username: String
    public var name: String
    public var email: String
    public var organization: String
    /// Other identities linked to this account (same person, other institutions): logging in
    /// with one of them satisfies a session requirement for its domain, and the account's primary
    /// identity stays the token's subject.
    public var linkedUsernames: [String]
    /// The identity provider's domain (the part after `@` in the username).
    public var domain: String { domain(of: username) }

    public init(id: String, username: String, name: String, email: String, organization: String, linkedUsernames: [String] = []) {
        self.id = id
        self.username = username
        self.name = name
        self.email = email
        self.organization = organization
        self.linkedUsernames = linkedUsernames
    }

    func domain(of username: String) -> String { String(username.split(separator: "@").last ?? "") }

    /// The identity id of the primary identity or of a linked one.
    func identityID(of username: String) -> String { username == self.username ? id : randomUUIDFor("identity:" + username) }

    /// The identity set as Globus Auth lists it in userinfo and id_tokens: the primary identity
    /// first, then the linked ones; `last_authentication` is set for the identity that
    /// authenticated in this session and null for the others.
    func identitySet(session: SessionInfo?) -> [IdentitySetEntry] {
        ([username] + linkedUsernames).map { u in
            IdentitySetEntry(
                sub: identityID(of: u), username: u, name: name, email: u == username ? email : u, organization: organization,
                identity_provider: randomUUIDFor(domain(of: u)),
                identity_provider_display_name: u == username ? organization : domain(of: u),
                last_authentication: session?.username == u ? session?.authTime : nil)
        }
    }

    /// A class roster: `student01@classroom.example.edu` … (two digits, three past 99), each a
    /// person of their own with a stable identity id, for a classroom on a shared hub.
    public static func roster(_ count: Int) -> [SimIdentity] {
        let width = count > 99 ? 3 : 2
        return (0..<max(count, 0)).map { i in
            let number = String(i + 1).leftPadded(width)
            return newcomer("student" + number, displayName: "Student " + number)
        }
    }

    /// Someone the simulator did not know, made a person so that demo mode can approve them:
    /// a bare name (a hub user's) gets the classroom domain; the id is stable for the username.
    public static func newcomer(_ name: String, displayName: String? = nil) -> SimIdentity {
        let username = name.contains("@") ? name : name + "@classroom.example.edu"
        return SimIdentity(
            id: randomUUIDFor("person:" + username), username: username,
            name: displayName ?? String(username.split(separator: "@")[0]),
            email: username, organization: "Classroom (Globus Simulator)")
    }

    /// The default people: a student, a researcher at another institution, and a staff member.
    public static let defaults: [SimIdentity] = [
        SimIdentity(
            id: "b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01", username: "alice@uchicago.edu", name: "Alice Researcher",
            email: "alice@uchicago.edu", organization: "University of Chicago", linkedUsernames: ["alice@anl.gov"]),
        SimIdentity(
            id: "c7a2e9b4-1d6f-4b8e-8c33-5e7f0a2b4c02", username: "bob@globusid.org", name: "Bob Student",
            email: "bob@example.org", organization: "Globus ID"),
        SimIdentity(
            id: "d9b3fac6-2e7a-4c9f-9d44-6f8a1b3c5d03", username: "carol@anl.gov", name: "Carol Staff",
            email: "carol@anl.gov", organization: "Argonne National Laboratory")
    ]
}

extension [SimIdentity] {
    /// The person with this username, identity id or linked username; a name without `@` (a hub
    /// user's name, say `student07`) finds the one person whose username starts `student07@`.
    func person(named username: String) -> SimIdentity? {
        first { $0.username == username || $0.id == username || $0.linkedUsernames.contains(username) } ?? onlyPerson(bareName: username)
    }

    /// The person a JupyterHub user is in a class: the one whose username is the hub name, or,
    /// for a name without `@` (`student07`), the one person whose username starts `student07@`.
    /// Never by identity id or linked username, which a hub name must not reach.
    func person(forHubUser name: String) -> SimIdentity? {
        first { $0.username == name } ?? onlyPerson(bareName: name)
    }

    /// For a name without `@`, the one person whose username starts with it and `@`.
    private func onlyPerson(bareName name: String) -> SimIdentity? {
        guard !name.isEmpty, !name.contains("@") else { return nil }
        let matches = filter { $0.username.hasPrefix(name + "@") }
        return matches.count == 1 ? matches[0] : nil
    }
}

/// A registered OAuth client.
public struct SimClient: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Nil for native (public) clients, which must use PKCE.
    public var secret: String?
    public var isNative: Bool { secret == nil }

    public init(id: String, name: String, secret: String? = nil) {
        self.id = id
        self.name = name
        self.secret = secret
    }

    /// The public Globus tutorial native client, and a confidential client for automation demos.
    public static let defaults: [SimClient] = [
        SimClient(id: "61338d24-54d5-408f-a10d-66c06b59f6d2", name: "Globus Tutorial Native App"),
        SimClient(
            id: "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", name: "Simulator Automation Client",
            secret: "sim-automation-secret-do-not-use-in-production")
    ]
}

/// One identity of an identity set, with the keys Globus Auth gives it.
struct IdentitySetEntry: Codable, Sendable {
    var sub: String
    var username: String
    var name: String
    var email: String
    var organization: String
    var identity_provider: String
    var identity_provider_display_name: String
    /// When this identity authenticated in the session; null (not absent) when it did not.
    var last_authentication: Int?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sub, forKey: .sub)
        try c.encode(username, forKey: .username)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(organization, forKey: .organization)
        try c.encode(identity_provider, forKey: .identity_provider)
        try c.encode(identity_provider_display_name, forKey: .identity_provider_display_name)
        try c.encode(last_authentication, forKey: .last_authentication)
    }

    var json: JSON {
        [
            "sub": .string(sub), "username": .string(username), "name": .string(name), "email": .string(email),
            "organization": .string(organization), "identity_provider": .string(identity_provider),
            "identity_provider_display_name": .string(identity_provider_display_name),
            "last_authentication": last_authentication.map { .int($0) } ?? .null
        ]
    }
}

/// A stable UUID-like id for an identity provider domain.
func randomUUIDFor(_ domain: String) -> String {
    var h: UInt64 = 1469598103934665603
    for b in domain.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
    let hex = String(h, radix: 16).leftPadded(16) + String(h &* 31, radix: 16).leftPadded(16)
    let c = Array(hex)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
}
