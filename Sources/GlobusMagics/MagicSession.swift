import JupyterKernel

/// What a running command can use: the output sink, the request context and the registry.
final class MagicSession {
    let output: OutputSink
    let context: ExecutionContext
    let registry: MagicRegistry
    /// The kernel's environment variables (`%env`, `$NAME`).
    let environment: KernelEnvironment
    /// Whether the user interrupted, as a sendable check for SDK calls.
    var isCancelled: @Sendable () -> Bool { output.interruptionCheck }
    /// Runs another command line in this session (for `%time`).
    let runLine: (String) throws(MagicError) -> MimeBundle?

    init(
        output: OutputSink, context: ExecutionContext, registry: MagicRegistry, environment: KernelEnvironment,
        runLine: @escaping (String) throws(MagicError) -> MimeBundle?
    ) {
        self.output = output
        self.context = context
        self.registry = registry
        self.environment = environment
        self.runLine = runLine
    }
}
