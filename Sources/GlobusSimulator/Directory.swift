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

    /// The default people: a student, a researcher at another institution, and a staff member.
    public static let defaults: [SimIdentity] = [
        SimIdentity(id: "b5f1f8d2-7c3a-4d7e-9a51-2f0e6c1d9a01", username: "alice@uchicago.edu", name: "Alice Researcher",
                    email: "alice@uchicago.edu", organization: "University of Chicago", linkedUsernames: ["alice@anl.gov"]),
        SimIdentity(id: "c7a2e9b4-1d6f-4b8e-8c33-5e7f0a2b4c02", username: "bob@globusid.org", name: "Bob Student",
                    email: "bob@example.org", organization: "Globus ID"),
        SimIdentity(id: "d9b3fac6-2e7a-4c9f-9d44-6f8a1b3c5d03", username: "carol@anl.gov", name: "Carol Staff",
                    email: "carol@anl.gov", organization: "Argonne National Laboratory"),
    ]
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
        SimClient(id: "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", name: "Simulator Automation Client",
                  secret: "sim-automation-secret-do-not-use-in-production"),
    ]
}
