import GlobusSDK
import JSON
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An app made from `Settings` alone: the kind of app, its name, where its tokens live and how it
/// logs in all come from the settings, as the Python SDK's app comes from its `GlobusAppConfig`.
@Suite struct AppSettingsTests {
    let tutorial = "61338d24-54d5-408f-a10d-66c06b59f6d2"

    @Test func withoutAClientIDTheAppIsAConfigurationErrorNamingTheVariable() throws {
        #expect {
            try GlobusApp(settings: Settings(variables: [:]), storage: MemoryTokenStorage())
        } throws: { error in
            guard case GlobusError.configuration(let m) = error else { return false }
            return m.contains("GLOBUS_CLIENT_ID")
        }
    }

    @Test func aSecretMakesAServiceAccountAndNoSecretAPersonsApp() throws {
        let person = try GlobusApp(settings: Settings(variables: ["GLOBUS_CLIENT_ID": tutorial]), storage: MemoryTokenStorage())
        #expect(!person.isClientApp && person.appName == "Unnamed Globus App" && person.clientID == tutorial)
        let robot = try GlobusApp(
            settings: Settings(variables: ["GLOBUS_CLIENT_ID": "c-id", "GLOBUS_CLIENT_SECRET": "s3cret", "GLOBUS_APP_NAME": "nightly"]),
            storage: MemoryTokenStorage())
        #expect(robot.isClientApp && robot.appName == "nightly")
        // What the app was made with is what it reports, name and client id included.
        #expect(robot.settings.appName == "nightly" && robot.settings.clientID == "c-id")
    }

    @Test func printingSettingsNeverShowsTheClientSecret() throws {
        let app = try GlobusApp(
            settings: Settings(variables: ["GLOBUS_CLIENT_ID": "c-id", "GLOBUS_CLIENT_SECRET": "s3cret-value"]), storage: MemoryTokenStorage())
        var dumped = ""
        dump(app.settings, to: &dumped)
        for shown in ["\(app.settings)", String(describing: app.settings), String(reflecting: app.settings), dumped] {
            #expect(!shown.contains("s3cret-value") && shown.contains("c-id") && shown.contains("(set, not shown)"), "\(shown)")
        }
    }

    @Test func theStoreTheSettingsNameIsThePythonSDKsDefaultFile() throws {
        let home = scratchDirectory()
        var settings = try Settings(variables: ["GLOBUS_CLIENT_ID": tutorial, "GLOBUS_APP_NAME": "My App", "HOME": home])
        let app = try GlobusApp(settings: settings)
        try app.storage.store([token("transfer.api.globus.org")])
        let expected = "\(home)/.globus/app/\(tutorial)/my-app/tokens.json"
        #expect(access(expected, F_OK) == 0)
        #expect(try JSONTokenStorage(path: expected).get("transfer.api.globus.org")?.accessToken == "T-transfer.api.globus.org")

        // Another environment has its own file; SQLite its own extension; a path wins over both.
        settings.environment = GlobusEnvironment(name: "sandbox")
        settings.storage = .sqlite
        let sqlite = try GlobusApp(settings: settings)
        try sqlite.storage.store([token("groups.api.globus.org")])
        #expect(access("\(home)/.globus/app/\(tutorial)/my-app/sandbox-tokens.db", F_OK) == 0)
        settings.storage = .json
        settings.tokenPath = home + "/chosen.json"
        try GlobusApp(settings: settings).storage.store([token("search.api.globus.org")])
        #expect(access(home + "/chosen.json", F_OK) == 0)

        settings.storage = .memory
        let memory = try GlobusApp(settings: settings)
        try memory.storage.store([token("auth.globus.org")])
        #expect(try GlobusApp(settings: settings).storage.all().isEmpty)  // each app its own memory
    }

    @Test func aStoreGivenBesideTheSettingsIsTheOneUsed() throws {
        let given = MemoryTokenStorage()
        let app = try GlobusApp(settings: Settings(variables: ["GLOBUS_CLIENT_ID": tutorial, "HOME": "/nonexistent"]), storage: given)
        try app.storage.store([token("transfer.api.globus.org")])
        #expect(try given.get("transfer.api.globus.org") != nil)
    }

    @Test func anAppNameWithNoFileNameIsRefusedAsThePythonSDKDoes() throws {
        let settings = try Settings(variables: ["GLOBUS_CLIENT_ID": tutorial, "GLOBUS_APP_NAME": "con", "HOME": "/tmp"])
        #expect(throws: GlobusError.self) { try GlobusApp(settings: settings) }
    }

    func token(_ rs: String) -> TokenData {
        TokenData(
            resourceServer: rs, identityID: "me", scope: "s", accessToken: "T-\(rs)", refreshToken: nil,
            expiresAtSeconds: Int(time(nil)) + 3600, tokenType: "Bearer")
    }
}
