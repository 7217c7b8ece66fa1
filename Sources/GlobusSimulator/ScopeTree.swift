/// A requested scope with its dependent scopes, as Globus Auth reads `a[b *c[d]]`.
/// (The simulator parses scopes itself, independently of the SDK it tests.)
struct ScopeTree: Equatable, Sendable {
    var name: String
    var optional: Bool
    var dependencies: [ScopeTree]

    /// How deep dependencies may nest, and how many scopes one request may name: past these a
    /// request is refused as malformed (`invalid_scope`), before it costs stack or state.
    static let maximumDepth = 8
    static let maximumScopes = 100

    /// Parses a space-separated scope string with bracketed dependencies. Nil when malformed,
    /// nested deeper than `maximumDepth` or naming more than `maximumScopes` scopes.
    static func parse(_ text: String) -> [ScopeTree]? {
        var chars = Array(text.unicodeScalars)[...]
        var budget = maximumScopes
        let result = parseList(&chars, depth: 0, budget: &budget)
        return chars.isEmpty ? result : nil
    }

    private static func parseList(_ chars: inout ArraySlice<Unicode.Scalar>, depth: Int, budget: inout Int) -> [ScopeTree]? {
        let nested = depth > 0
        guard depth <= maximumDepth else { return nil }
        var out: [ScopeTree] = []
        while true {
            while chars.first == " " { chars.removeFirst() }
            guard let c = chars.first else { return nested ? nil : out }
            if c == "]" { return nested ? out : nil }
            var optional = false
            if c == "*" { optional = true; chars.removeFirst() }
            var name = ""
            while let d = chars.first, d != " ", d != "[", d != "]", d != "*" { name.unicodeScalars.append(d); chars.removeFirst() }
            if name.isEmpty { return nil }
            budget -= 1
            if budget < 0 { return nil }
            var deps: [ScopeTree] = []
            if chars.first == "[" {
                chars.removeFirst()
                guard let inner = parseList(&chars, depth: depth + 1, budget: &budget), chars.first == "]", !inner.isEmpty else { return nil }
                chars.removeFirst()
                deps = inner
            }
            out.append(ScopeTree(name: name, optional: optional, dependencies: deps))
        }
    }

    /// The resource server a scope string belongs to, or nil when unknown to the simulator.
    static func resourceServer(of scope: String, collections: Set<String>) -> String? {
        switch scope {
        case "openid", "profile", "email": return "auth.globus.org"
        default: break
        }
        if scope.hasPrefix("urn:globus:auth:scope:") {
            let rest = scope.dropFirst("urn:globus:auth:scope:".count)
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            let rs = String(rest[..<colon])
            // GCS endpoints are resource servers too (manage_collections).
            return SimulatedServices.knownResourceServers.contains(rs) || collections.contains(rs) ? rs : nil
        }
        if scope.hasPrefix("https://auth.globus.org/scopes/") {
            let parts = scope.dropFirst("https://auth.globus.org/scopes/".count).split(separator: "/")
            guard parts.count == 2 else { return nil }
            let id = String(parts[0])
            if let rs = SimulatedServices.clientResourceServers[id] { return rs }
            if collections.contains(id) { return id }
            // A flow's own scope (flow_<id with underscores>_user): the flow is its resource server.
            if SimulatedServices.flows.contains(id), parts[1] == "flow_" + String(id.map { $0 == "-" ? "_" : $0 }) + "_user" { return id }
        }
        return nil
    }

    var serialized: String {
        (optional ? "*" : "") + name + (dependencies.isEmpty ? "" : "[" + dependencies.map(\.serialized).joined(separator: " ") + "]")
    }
}

/// The fixed resource servers and scope owners of the simulated services.
enum SimulatedServices {
    static let timersID = "524230d7-ea86-4a52-8312-86065a9e0417"
    static let flowsClientID = "eec9b274-0c81-4334-bdc2-54e90e689b9a"
    static let computeClientID = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9"
    static let knownResourceServers: Set<String> = [
        "auth.globus.org", "transfer.api.globus.org", "groups.api.globus.org", "search.api.globus.org", "nexus.api.globus.org"
    ]
    /// Deployed flows: each is a resource server with its own user scope, as in Globus Flows.
    static let flows: Set<String> = ["24bc4997-b483-4c25-a19c-64b0afc00743"]
    static let clientResourceServers: [String: String] = [
        timersID: timersID, flowsClientID: "flows.globus.org", computeClientID: "funcx_service"
    ]
}
