import JSON

/// Which socket a request arrived on.
public enum ChannelKind: String, Sendable { case shell, control }

/// What the kernel core needs from a transport to answer one request. The ZeroMQ server
/// implements it per socket-owning thread; tests implement it in memory.
public protocol ChannelIO: AnyObject {
    /// Publishes on IOPub with `parent` as the parent header (`{}` when nil).
    func publish(_ msgType: String, content: JSON, parent: Request?)
    /// Sends a reply on the request's own channel, to its identities.
    func reply(_ msgType: String, content: JSON, to request: Request)
    /// Sends `input_request` for `parent` on stdin and waits for `input_reply`.
    func input(prompt: String, password: Bool, parent: Request, interruption: Interruption) throws(InputError) -> String
    /// Removes and returns the requests already waiting on this channel (no waiting).
    func takeQueued() -> [Request]
}
