/// Every `%globus` subcommand, in the order help lists them.
enum GlobusSubcommands {
    nonisolated(unsafe) static let all: [any GlobusSubcommand.Type] = [
        LoginCommand.self, CallCommand.self, WhoamiCommand.self, TokensCommand.self, ConsentCommand.self,
        LogoutCommand.self, LsCommand.self, OpenCommand.self, GetCommand.self, PutCommand.self, MkdirCommand.self, RenameCommand.self, RmCommand.self, TransferCommand.self,
        TaskCommand.self, CollectionCommand.self, FlowsCommand.self, TimerCommand.self, SessionCommand.self, VarsCommand.self,
        ConfigCommand.self, DemoCommand.self, GlobusHelpCommand.self, VersionCommand.self
    ]

    static func named(_ name: String) -> (any GlobusSubcommand.Type)? { all.first { $0.declaration.name == name } }

    static var names: [String] { all.map { $0.declaration.name } }
}
