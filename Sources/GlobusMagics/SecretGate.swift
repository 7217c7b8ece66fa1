import GlobusSDK
import JSON

/// The one place a request leaves and an answer comes back through, as far as secrets go.
///
/// A token goes to its own service only, in the `Authorization` header the SDK adds: a request
/// whose path, query, headers or body hold one of the kernel's tokens or secrets (a token file
/// named as `--body-file`, `$GLOBUS_CLIENT_SECRET` in a header, a kept value, a folder named
/// `$JUPYTERHUB_API_TOKEN`) is not sent. And an answer that holds one (a service echoing the
/// request's headers) has it replaced before any command reads, filters, shortens or keeps it,
/// so no part of a secret reaches an output. Every client a command uses has it as its
/// `ClientOptions.intercept` (`ClientGate`).
struct SecretGate {
    let mask: SecretMask

    init(_ mask: SecretMask) { self.mask = mask }

    /// Throws unless nothing of `request` that the kernel sends as data holds a secret.
    func check(_ request: ServiceRequest) throws(MagicError) {
        guard !mask.isEmpty else { return }
        var parts: [(String, String)] = [("path", request.path), ("address", request.baseURL ?? "")]
        parts += request.query.flatMap { [("query", $0.0), ("query", $0.1)] }
        parts += request.headers.flatMap { [("header", $0.0), ("header", $0.1)] }
        if let body = request.body { parts.append(("body", String(decoding: body, as: UTF8.self))) }
        guard let (part, _) = parts.first(where: { mask.contains($0.1) }) else { return }
        throw .secret(
            "the request's \(part) holds one of this kernel's tokens or secrets; nothing was sent",
            remedy: "A token goes to its own service only, in the Authorization header the kernel adds itself; a secret goes nowhere as data.")
    }

    /// `answer` with every secret in its body and headers replaced.
    func mask(_ answer: inout HTTPResponse) {
        guard !mask.isEmpty else { return }
        answer.body = mask.masked(bytes: answer.body)
        answer.headers = answer.headers.map { ($0.0, mask.masked($0.1)) }
    }
}

/// The secret gate as every client of a cell has it (`ClientOptions.intercept`, see
/// `GlobusContext.clientOptions`): each request a client sends, every page of a listing
/// included, is checked against the secrets known at that moment, and its answer masked with
/// them before the client parses it. Used on the shell thread only (the cell's blocking calls).
final class ClientGate: @unchecked Sendable {
    let session: GlobusSession
    /// The requests refused: the SDK passes on a usage error, which `GlobusContext.sdk` turns
    /// back into this `SecretError`.
    private var refused: [String: MagicError] = [:]

    init(_ session: GlobusSession) { self.session = session }

    /// Sends `request` with `send` unless it holds a secret; the answer comes back masked.
    func pass(_ request: ServiceRequest, _ send: ClientOptions.Send) throws(GlobusError) -> HTTPResponse {
        let gate = SecretGate(session.secretMask())
        do { try gate.check(request) } catch {
            let message = if case .secret(let m, _) = error { m } else { "the request was refused" }
            refused[message] = error
            throw .usage(message)
        }
        var answer = try send(request)
        gate.mask(&answer)
        return answer
    }

    /// The `SecretError` behind an SDK error, when the gate refused the request that failed.
    func refusal(behind error: GlobusError) -> MagicError? {
        guard case .usage(let message) = error else { return nil }
        return refused[message]
    }
}
