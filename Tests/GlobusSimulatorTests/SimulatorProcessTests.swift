import JSON
import Testing
@testable import GlobusSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// `globus-sim` as a program: a kernel's own simulator (`--parent-pid`) keeps its admin API to
/// the process that holds the key it was handed on a descriptor, and a class's says at start
/// what it allows.
@Suite struct SimulatorProcessTests {
    /// `globus-sim` beside the test runner (both in `.build/debug`).
    static var binary: String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = String(decoding: buf[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)]) + "/globus-sim"
    }

    /// A running `globus-sim`: its pid, its announcement and what it wrote to stderr so far.
    struct SimProcess {
        var pid: pid_t
        var environment: [String: String]
        var stderr: Int32

        func stop() {
            kill(pid, SIGTERM)
            waitpid(pid, nil, 0)
            close(stderr)
        }
    }

    /// Starts `globus-sim ARGS --port 0 --ready-json`; `keyFD` is given to it as descriptor 3.
    /// Nil (and the process reaped) when it exits before announcing itself.
    static func start(_ args: [String], keyFD: Int32? = nil) throws -> SimProcess? {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        #expect(pipe(&out) == 0 && pipe(&err) == 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        if let keyFD { posix_spawn_file_actions_adddup2(&actions, keyFD, 3) }
        let argv = [binary] + args + ["--port", "0", "--ready-json"]
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, binary, &actions, nil, &cargs, environ)
        close(out[1])
        close(err[1])
        try #require(rc == 0, "cannot start \(binary)")
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(out[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        close(out[0])
        guard let doc = try? JSON.parse(line), let env = doc["environment"]?.object else {
            waitpid(pid, nil, 0)
            close(err[0])
            return nil
        }
        return SimProcess(pid: pid, environment: env.reduce(into: [:]) { $0[$1.key] = $1.value.string }, stderr: err[0])
    }

    /// What the program wrote to stderr until now (it keeps running).
    static func stderrText(_ p: SimProcess) -> String {
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var pfd = pollfd(fd: p.stderr, events: Int16(POLLIN), revents: 0)
        while poll(&pfd, 1, 500) == 1 {
            let n = read(p.stderr, &chunk, chunk.count)
            if n <= 0 { break }
            text += chunk[0..<n]
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `GET URL` over plain HTTP on loopback: the status.
    static func status(_ url: String, bearer: String? = nil) throws -> Int {
        let rest = url.dropFirst("http://".count)
        let host = rest.prefix { $0 != "/" }
        let port = try #require(UInt16(host.split(separator: ":").last ?? ""))
        let path = String(rest.dropFirst(host.count))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(connected == 0)
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + (bearer.map { "Authorization: Bearer \($0)\r\n" } ?? "") + "\r\n"
        _ = Array(request.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 12, read(fd, &byte, 1) == 1 { head.append(byte) }
        return Int(String(decoding: head.dropFirst(9).prefix(3), as: UTF8.self)) ?? 0
    }

    @Test func aKernelsOwnSimulatorHasNoAdminAPIWithoutAKey() throws {
        let p = try #require(try Self.start(["--parent-pid", String(getpid())]))
        defer { p.stop() }
        let admin = try #require(p.environment["GLOBUS_SIM_ADMIN_URL"])
        #expect(try Self.status(admin + "issued-tokens") == 403)
        #expect(try Self.status(admin + "requests") == 403)
        // The services answer as ever.
        #expect(try Self.status(try #require(p.environment["GLOBUS_SDK_SERVICE_URL_AUTH"]) + ".well-known/openid-configuration") == 200)
    }

    @Test func theKeyComesOnADescriptorOnlyItsParentHolds() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let key = "kernel-key-" + String(UInt64.random(in: 1...UInt64.max), radix: 16)
        _ = Array((key + "\n").utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        let started = try Self.start(["--parent-pid", String(getpid()), "--admin-key-fd", "3"], keyFD: fds[0])
        close(fds[0])
        let p = try #require(started)
        defer { p.stop() }
        let admin = try #require(p.environment["GLOBUS_SIM_ADMIN_URL"])
        #expect(try Self.status(admin + "issued-tokens") == 401)
        #expect(try Self.status(admin + "issued-tokens", bearer: "kernel-key-0") == 401)
        #expect(try Self.status(admin + "issued-tokens", bearer: key) == 200)
        // The key is in no announcement and no message.
        #expect(!p.environment.values.contains { $0.contains(key) })
        #expect(!Self.stderrText(p).contains(key))
    }

    @Test func aShortKeyOrTwoKeysAreRefusedAtStart() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = Array("short\n".utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        #expect(try Self.start(["--admin-key-fd", "3"], keyFD: fds[0]) == nil)
        close(fds[0])
        #expect(try Self.start(["--admin-key-fd", "3", "--admin-key-file", "/nonexistent"]) == nil)
    }

    @Test func aClassSaysWhatItAllowsAtStart() throws {
        let p = try #require(try Self.start(["--people", "2", "--hub-api-url", "http://127.0.0.1:9/hub/api"]))
        defer { p.stop() }
        let said = Self.stderrText(p)
        #expect(said.contains("the admin API is off") && said.contains("confidential clients (client credentials) are off"), "\(said)")
        #expect(said.contains("requests are not recorded"))
    }
}
