import GlobusSDK
import JSON
import JupyterKernel

#if canImport(Glibc)
    import Glibc
#endif

/// `%globus get COLLECTION:PATH [LOCAL]`: a download over the collection's HTTPS server,
/// streamed to a local file with live progress.
struct GetCommand: GlobusSubcommand {
    static let overwrite = Flag("--overwrite", help: "replace LOCAL when it exists (else it is kept and nothing is downloaded)")
    static let remote = Positional<CollectionPath>("COLLECTION:PATH")
    static let local = Positional<String>("LOCAL").optional()
    static let declaration = CommandDeclaration(
        name: "get",
        summary:
            "Download a file from a collection's HTTPS server to LOCAL (by default the file's name, in the current folder), with live progress. An interrupt stops it and leaves no partial file; an existing LOCAL is kept unless --overwrite.",
        options: [overwrite], positionals: [Self.remote, Self.local],
        examples: [
            "%globus get 'Globus Tutorial Collection 1':/~/samples/table.csv",
            "%globus get 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/data/results.csv data/results.csv --overwrite"
        ])
    static var keepsResult: Bool { true }

    var remote: CollectionPath
    var path: String
    var local: String
    var overwrite: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        remote = a[Self.remote]
        guard let p = remote.path, !p.hasSuffix("/") else { throw Self.usage("give a file's path: COLLECTION:/path/to/file") }
        path = p
        let name = p.split(separator: "/").last.map(String.init) ?? ""
        let given = a[Self.local]
        guard given != nil || (name != "." && name != "..") else { throw Self.usage("give LOCAL: '\(name)' is no file name") }
        local = given ?? name
        overwrite = a[Self.overwrite]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        try g.checkLocal(local, what: "the download")
        if !overwrite && LocalFile.exists(local) {
            throw Self.usage("\(local) already exists and was kept; add --overwrite to replace it, or give another LOCAL")
        }
        let (id, https) = try g.https(for: remote.collection)
        let progress = LiveProgress(g.output, what: "Downloading \(path) to \(local)")
        let (path, local, overwrite, files, cancelled) = (path, local, overwrite, g.session.files, g.isCancelled)
        let bytes = try g.onCollection(https) { () throws(MagicError) in
            try g.moving(progress, "The partial download was removed; \(local) is as it was.") { () throws(GlobusError) in
                try https.download(path, to: local, files: files, replace: overwrite, progress: progress.handler, isCancelled: cancelled)
            }
        }
        return moved("Downloaded \(remote.collection):\(path) to \(local)", id: id, path: path, local: local, bytes: bytes, seconds: progress.elapsed)
    }
}

/// `%globus put LOCAL COLLECTION:PATH`: an upload over the collection's HTTPS server, streamed
/// from a local file with live progress.
struct PutCommand: GlobusSubcommand {
    static let overwrite = Flag("--overwrite", help: "replace the remote file when it exists (else it is kept and nothing is uploaded)")
    static let local = Positional<String>("LOCAL")
    static let remote = Positional<CollectionPath>("COLLECTION:PATH")
    static let declaration = CommandDeclaration(
        name: "put",
        summary:
            "Upload a local file to a collection's HTTPS server (a PATH ending in / takes LOCAL's name), with live progress. An existing remote file is kept unless --overwrite. An interrupt stops it.",
        options: [overwrite], positionals: [Self.local, Self.remote],
        examples: [
            "%globus put results.csv 'Globus Tutorial Collection 1':/~/uploads/",
            "%globus put plots/fig1.png 6c54cade-bde5-45c1-bdea-f4bd71dba2cc:/~/figures/fig1.png --overwrite"
        ])
    static var keepsResult: Bool { true }

    var local: String
    var remote: CollectionPath
    var path: String
    var overwrite: Bool

    init(_ a: ParsedArguments, body: String?) throws(MagicError) {
        local = a[Self.local]
        remote = a[Self.remote]
        guard let p = remote.path else { throw Self.usage("give where it goes: COLLECTION:/path/to/file or COLLECTION:/folder/") }
        let name = local.split(separator: "/").last.map(String.init) ?? local
        path = p.hasSuffix("/") ? p + name : p
        overwrite = a[Self.overwrite]
    }

    func run(_ g: GlobusContext) throws(MagicError) -> MimeBundle? {
        try g.checkLocal(local, what: "the file to upload")
        let (id, https) = try g.https(for: remote.collection)
        let (path, local, files, cancelled) = (path, local, g.session.files, g.isCancelled)
        let (bytes, seconds) = try g.onCollection(https) { () throws(MagicError) in
            // As get keeps LOCAL: a HEAD first, and only a 404 lets the upload go on.
            if !overwrite, try g.sdk({ () throws(GlobusError) in try https.exists(path, isCancelled: cancelled) }) {
                throw Self.usage("\(remote.collection):\(path) already exists and was kept; add --overwrite to replace it, or give another PATH")
            }
            let progress = LiveProgress(g.output, what: "Uploading \(local) to \(path)")
            let sent = try g.moving(progress, "The upload was stopped; the remote file may be missing or partial.") { () throws(GlobusError) in
                try https.upload(local, to: path, files: files, progress: progress.handler, isCancelled: cancelled)
            }
            return (sent, progress.elapsed)
        }
        return moved("Uploaded \(local) to \(remote.collection):\(path)", id: id, path: path, local: local, bytes: bytes, seconds: seconds)
    }
}

/// What `get` and `put` say when a file has moved (`what`: how many bytes in how long), and
/// keep for `--as`: the collection's id, the remote path, the local path and the bytes.
private func moved(_ what: String, id: String, path: String, local: String, bytes: Int64, seconds: Double) -> MimeBundle {
    var b = MimeBundle(text: "\(what): \(formatBytes(Int(bytes))) in \(formatSeconds(seconds)).")
    b[Rendering.keptOnly] = ["collection": .string(id), "path": .string(path), "local_path": .string(local), "bytes": .int(Int(bytes))]
    return b
}

extension GlobusContext {
    /// Throws unless the local `path` may be used: under a hub, inside the home (`HomeConfinement`).
    func checkLocal(_ path: String, what: String) throws(MagicError) {
        guard let confinement = session.confinement else { return }
        try sdk { () throws(GlobusError) in try confinement.check(path, what: what) }
    }

    /// Runs a download or upload with its live line, clearing it at the end; an interrupt is
    /// said on stderr with `stopped` (what became of the files).
    func moving<T>(_ progress: LiveProgress, _ stopped: String, _ body: () throws(GlobusError) -> T) throws(MagicError) -> T {
        defer { progress.finish() }
        do throws(MagicError) { return try sdk(body) } catch {
            if case .interrupted = error { output.stream(.stderr, "Stopped. \(stopped)\n") }
            throw error
        }
    }
}

/// Local files as `get` sees them before it writes.
enum LocalFile {
    /// Whether something (a file, a folder, a link) is at `path`, without following a link.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
