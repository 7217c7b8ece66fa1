import GlobusSDK
import JupyterKernel

/// `%globus consent SCOPE…`: log in again for more scopes (a GARE's remedy).
struct ConsentCommand: GlobusSubcommand {
    static let scopeTexts = Positional<String>("SCOPE").repeated()
    static let declaration = CommandDeclaration(
        name: "consent", summary: "Log in again, consenting to more scopes.", positionals: [Self.scopeTexts],
        examples: [
            "%globus consent 'urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/COLLECTION/data_access]'",
            "%globus consent urn:globus:auth:scope:groups.api.globus.org:all"
        ])

    var texts: [String]
    var scopes: [Scope] = []

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        texts = a[Self.scopeTexts].map { $0.hasPrefix("'") && $0.hasSuffix("'") && $0.count > 1 ? String($0.dropFirst().dropLast()) : $0 }
        for text in texts {
            do { scopes += try ScopeParser.parse(text) } catch { throw Self.usage("invalid scope '\(text)': \(error)") }
        }
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        let app = try g.app()
        for scope in scopes { if let rs = Scopes.resourceServer(of: scope.name) { app.addScopeRequirements(rs, [scope]) } }
        try g.runLogin(app, parameters: AuthorizationParameters(requiredScopes: texts))
        return nil
    }
}
