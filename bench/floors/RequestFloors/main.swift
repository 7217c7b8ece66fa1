// The floors of a Globus call (bench/floors.py), with the SDK the kernel uses:
//
//   request-floors http URL TOKEN_FILE N   N GETs on one kept-alive libcurl connection, with the
//                                          Transfer token of the token file; prints the
//                                          median microseconds a request: the simulator's own time
//   request-floors first URL TOKEN_FILE    one GET in this fresh process: loading libcurl, a new
//                                          connection (and its TLS handshake for an https URL),
//                                          the request; prints its microseconds (a process a sample)
//   request-floors token-file PATH N       reads and parses the token file N times; prints the
//                                          median microseconds

import GlobusSDK

#if canImport(Glibc)
    import Glibc
#endif

func microseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) * 1e6 + Double(t.tv_nsec) / 1e3
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The Transfer access token stored in the token file at `path` (read from the file, so that no
/// token is ever on a command line).
func transferToken(inFile path: String) throws -> String {
    guard let token = try JSONTokenStorage(path: path, create: false).all()["transfer.api.globus.org"]?.accessToken else {
        failed("\(path) holds no Transfer token")
    }
    return token
}

func timeHTTP(url: String, token: String, count: Int) throws -> Double {
    let transport = CurlTransport()
    let request = HTTPRequest(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")])
    var times: [Double] = []
    for i in 0..<(count + 20) {
        let t = microseconds()
        let response = try transport.send(request) { false }
        if response.status != 200 { failed("GET \(url): status \(response.status)") }
        if i >= 20 { times.append(microseconds() - t) }  // the first requests open the connection
    }
    return median(times)
}

func timeFirstRequest(url: String, token: String) throws -> Double {
    let t = microseconds()
    let response = try CurlTransport().send(HTTPRequest(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")])) { false }
    if response.status != 200 { failed("GET \(url): status \(response.status)") }
    return microseconds() - t
}

func timeTokenFile(path: String, count: Int) throws -> Double {
    var times: [Double] = []
    for _ in 0..<count {
        let t = microseconds()
        let tokens = try JSONTokenStorage(path: path, create: false).all()
        if tokens.isEmpty { failed("\(path) holds no tokens") }
        times.append(microseconds() - t)
    }
    return median(times)
}

func failed(_ message: String) -> Never {
    print("request-floors: \(message)")
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch (args.first, args.count) {
    case ("http", 4): print(try timeHTTP(url: args[1], token: try transferToken(inFile: args[2]), count: Int(args[3]) ?? 200))
    case ("first", 3): print(try timeFirstRequest(url: args[1], token: try transferToken(inFile: args[2])))
    case ("token-file", 3): print(try timeTokenFile(path: args[1], count: Int(args[2]) ?? 200))
    default: failed("usage: request-floors http URL TOKEN_FILE N | first URL TOKEN_FILE | token-file PATH N")
    }
} catch {
    failed("\(error)")
}
