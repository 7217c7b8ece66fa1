/// The Globus kernel's version: in `kernel_info`, `%globus version`, `globus-kernel --version`
/// and the `X-Globus-Client-Info` header of its requests.
enum KernelVersion {
    static let current = "0.1.0"
}
