/// The commands the kernel understands, by name.
struct MagicRegistry: Sendable {
    private(set) var magics: [String: any Magic] = [:]
    private(set) var order: [String] = []

    mutating func register(_ magic: any Magic) {
        if magics.updateValue(magic, forKey: magic.name) == nil { order.append(magic.name) }
    }

    subscript(name: String) -> (any Magic)? { magics[name] }

    /// All commands in registration order.
    var all: [any Magic] { order.map { magics[$0]! } }

    /// The kernel's commands, with `%globus` working on `session`.
    static func standard(globus session: GlobusSession) -> MagicRegistry {
        var r = MagicRegistry()
        r.register(HelpMagic())
        r.register(LsMagic())
        r.register(EchoMagic())
        r.register(EnvMagic())
        r.register(TimeMagic())
        r.register(ClearMagic())
        r.register(SleepMagic())
        r.register(GlobusMagic(session: session))
        return r
    }
}
