import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

/// A stress driver for the JSON token store, for the multi-process test:
/// `gk-token-stress PATH WORKER ITERATIONS`. Each iteration stores this worker's own entry
/// (`worker-N`, counter = iteration) and "refreshes" a shared entry (read, bump, write back),
/// all under the store's cross-process lock.
@main
struct TokenStress {
    static func main() {
        let args = CommandLine.arguments
        guard args.count == 4, let worker = Int(args[2]), let n = Int(args[3]) else {
            complain("usage: gk-token-stress PATH WORKER ITERATIONS")
            exit(2)
        }
        do {
            let store = try JSONTokenStorage(path: args[1])
            for i in 1...n {
                try store.store([
                    TokenData(
                        resourceServer: "worker-\(worker)", identityID: "id-\(worker)", scope: "s",
                        accessToken: "at-\(worker)-\(i)", refreshToken: "rt-\(worker)", expiresAtSeconds: i, tokenType: "Bearer")
                ])
                try store.update("shared") { old in
                    TokenData(
                        resourceServer: "shared", identityID: "shared-id", scope: "s", accessToken: "at-shared",
                        refreshToken: "rt-shared", expiresAtSeconds: (old?.expiresAtSeconds ?? 0) + 1, tokenType: "Bearer")
                }
            }
        } catch {
            complain("gk-token-stress: \(error)")
            exit(1)
        }
    }
}

func complain(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
