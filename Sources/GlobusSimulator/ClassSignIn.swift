import JSON

/// A class's simulator, run as a JupyterHub service: a sign-in is approved only as the hub user
/// who owns the JupyterHub API token presented with it (`Authorization: token …`, which a
/// student's kernel inherits from its single-user server), mapped to the roster person of that
/// name. A request that names someone else (`sim_identity`, `identity`), has no token, or comes
/// with a token the hub does not accept is refused; so are clicks on the sign-in page, which a
/// browser cannot make with a hub token.
extension Simulator {
    /// Approves an authorize request as the owner of the hub token it carries, or refuses it.
    /// `requested` is the person the request names, if any.
    func approveInClass(_ r: SimRequest, hub: HubDirectory, requested: String?) async -> SimResponse {
        switch await classPerson(r, hub: hub, requested: requested) {
        case .success(let username): return approve(r, as: username)
        case .failure(let refusal): return refusal
        }
    }

    /// The username a class sign-in may be approved as, or the refusal.
    func classPerson(_ r: SimRequest, hub: HubDirectory, requested: String?) async -> Result<String, SimResponse> {
        guard let token = r.hubToken else {
            return .failure(
                classRefusal(
                    r, 403,
                    "This Globus Simulator serves a class on JupyterHub: it approves a sign-in only from the student's own kernel, which shows who it runs for with its JupyterHub API token. Sign in from your notebook (%globus login), not on this page."
                ))
        }
        let name: String
        switch await hub.owner(of: token) {
        case .user(let user): name = user
        case .service(let service):
            return .failure(classRefusal(r, 403, "The JupyterHub token presented belongs to the service '\(service)', not to a student."))
        case .rejected:
            return .failure(
                classRefusal(
                    r, 403,
                    "JupyterHub does not accept the token presented with this sign-in (sign in from your own notebook; if this persists, restart your server from the hub's control panel)."
                ))
        case .unreachable(let why):
            return .failure(classRefusal(r, 503, "The class's simulator cannot ask JupyterHub who is signing in (\(why)); try again in a moment."))
        }
        let (person, named) = withState { s in (s.identities.person(forHubUser: name), requested.flatMap { s.identity(named: $0) }) }
        guard let person else {
            return .failure(classRefusal(r, 403, "JupyterHub user '\(name)' is not on this class's roster."))
        }
        if let requested, named?.id != person.id {
            return .failure(classRefusal(r, 403, "You are JupyterHub user '\(name)': this class's simulator signs you in only as \(person.username), not as \(requested)."))
        }
        return .success(person.username)
    }

    /// A refused sign-in: OAuth-style JSON for programs (`Accept: application/json`), else a page.
    func classRefusal(_ r: SimRequest, _ status: Int, _ why: String) -> SimResponse {
        if (r.headers["accept"] ?? "").contains("application/json") {
            return oauthError(status, status == 503 ? "temporarily_unavailable" : "access_denied", why)
        }
        return errorPage(status, why)
    }
}

extension SimRequest {
    /// A JupyterHub API token in `Authorization: token …` (JupyterHub also takes `bearer`).
    var hubToken: String? {
        guard let a = headers["authorization"], let space = a.firstIndex(of: " ") else { return nil }
        guard ["token", "bearer"].contains(a[..<space].lowercased()) else { return nil }
        return a[a.index(after: space)...].split(separator: " ").first.map(String.init)
    }
}
