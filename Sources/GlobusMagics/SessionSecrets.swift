import GlobusSDK

/// A session's secrets, to be found by value in every output and request: where they are
/// (`SecretSources`), the changes this process made to them (`SecretChanges`), and the mask
/// last made from them. Used from the shell thread only.
final class SessionSecrets {
    /// Changes this process made to the tokens of the stores it opened (each store is watched).
    let changes = SecretChanges()
    /// Every store opened, the real token file, client secrets.
    let sources = SecretSources()
    /// The secret mask last made, what it was made from, and the state of those sources then.
    private var last: (sources: MaskSources, values: [String], mask: SecretMask)?
    /// How many times the secrets were gathered for a mask (the tests see the cache work).
    private(set) var gatherings = 0

    /// What a secret mask was made from, as far as a change can be seen without reading it.
    struct MaskSources: Equatable {
        var environment: Int
        var demo: Int
        var changes: UInt64
        var files: [TokenFileLook]
    }

    /// The mask of every secret known: the values of secret-looking variables in `environment`,
    /// what `sources` finds, and the tokens of the in-memory `stores`.
    /// The mask is made again only when the secrets it was made from change (a warm cell asks
    /// for it at each request and output; each store's look is one `lstat`): when none of its
    /// sources changed (the environment's and demo mode's generations, this process's writes to
    /// its stores, how each token file looks) the last mask stands without reading a store.
    func mask(environment: KernelEnvironment, demoGeneration: Int, stores: [any TokenStorage]) -> SecretMask {
        let now = MaskSources(environment: environment.generation, demo: demoGeneration, changes: changes.value, files: sources.fileLooks())
        if let last, last.sources == now, now.files.allSatisfy(\.settled) { return last.mask }
        gatherings += 1
        let values = (environment.secretValues() + sources.values() + stores.flatMap { (try? $0.all())?.values.flatMap(\.secrets) ?? [] }).sorted()
        if let last, last.values == values {
            self.last = (now, values, last.mask)
            return last.mask
        }
        let mask = SecretMask(values)
        last = (now, values, mask)
        return mask
    }
}
