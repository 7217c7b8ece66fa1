import GlobusSDK

/// Where a session's secrets are, so that they can be found by value wherever they turn up:
/// every token store the session has opened (the real one, demo mode's, one chosen with
/// `%globus config`), the person's real token file even when this kernel never opened it (a
/// notebook that starts in demo mode could otherwise send it as a body), and the client secrets
/// it has signed in with, also in the form they are sent (`Basic` and base64 of `id:secret`).
/// Used from the shell thread only.
final class SecretSources {
    private var stores: [String: any TokenStorage] = [:]
    private var clientSecrets: Set<String> = []
    /// The real token file's store, read only, and the path it was made for.
    private var realFile: (path: String, store: JSONTokenStorage)?

    /// Remembers a store the session opened (one per place: a store opened again replaces it).
    func opened(_ store: any TokenStorage) { stores[store.location] = store }

    /// Remembers a client secret the session signs in with.
    func signsIn(clientID: String, secret: String) {
        clientSecrets.insert(secret)
        clientSecrets.insert(AuthLoginClient.basicCredentials(clientID: clientID, secret: secret))
        clientSecrets.insert(String(AuthLoginClient.basicCredentials(clientID: clientID, secret: secret).dropFirst(6)))
    }

    /// Whether the person's real token file is watched.
    var watchesRealTokenFile: Bool { realFile != nil }

    /// Watches the person's real token file at `path` (read, never made).
    func realTokenFile(_ path: String, files: FileAccess) {
        guard realFile?.path != path, let store = try? JSONTokenStorage(path: path, files: files, create: false) else { return }
        realFile = (path, store)
    }

    /// How each token file it knows looks now (one `lstat` each): the secrets in the files can
    /// have changed (another process wrote one) only if a look did.
    func fileLooks() -> [TokenFileLook] {
        var paths = stores.keys.filter { $0 != "memory" }.sorted()
        if let real = realFile?.path, stores[real] == nil { paths.append(real) }
        return paths.map(TokenFileLook.init)
    }

    /// Every secret value known now.
    func values() -> [String] {
        var out = Array(clientSecrets)
        // The real token file is looked at through the session's own store when it has one open.
        let real = realFile.flatMap { stores[$0.path] == nil ? [$0.store] : nil } ?? []
        let all: [any TokenStorage] = Array(stores.values) + real
        for store in all {
            if let stored = try? store.all() { out += stored.values.flatMap(\.secrets) }
        }
        return out
    }
}

extension TokenData {
    /// The strings that must never be shown or sent as data: the access and refresh tokens.
    var secrets: [String] { [accessToken] + (refreshToken.map { [$0] } ?? []) }
}
