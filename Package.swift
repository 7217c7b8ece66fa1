// swift-tools-version:6.1
// The Globus kernel: a native Swift Jupyter kernel whose cells run `%globus` magics.
import PackageDescription

/// swift-crypto's SHA-2/HMAC/P-256 and its RSA and AES extras (JWT signatures, Enterprise
/// Gateway's payload, the simulator's keys).
var crypto: [Target.Dependency] {
    [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto")
    ]
}
/// The HTTP server the simulator is built on, its logger, and the pthread-mutex locks the
/// thread sanitizer sees (not so the standard library's futex-based Mutex).
var simulatorServer: [Target.Dependency] {
    [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
    ]
}
/// Property-based testing (shrinking generators) for the test targets.
var propertyBased: Target.Dependency { .product(name: "PropertyBased", package: "swift-property-based") }

let package = Package(
    name: "globus-kernel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "globus-kernel", targets: ["globus-kernel"]),
        .executable(name: "globus-sim", targets: ["globus-sim"]),
        .library(name: "JupyterKernel", targets: ["JupyterKernel"]),
        // The Swift Globus SDK: apps, logins, token storage, one client per service, paginators.
        .library(name: "GlobusSDK", targets: ["GlobusSDK", "JSON"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.2.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        // `make docs`: the GlobusSDK documentation (swift package generate-documentation).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0")
    ],
    targets: [
        // System libraries (Debian: libzmq3-dev).
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        // libcurl headers only: the library is loaded with dlopen on first use (see CurlLibrary.swift).
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // SQLite headers only: the library is loaded with dlopen by the SQLite token store (see SQLiteLibrary.swift).
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),

        // Thin Swift wrapper over libzmq: context, sockets, multipart, poll, proxy, CURVE.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // The basics several modules need, without Foundation: base64, the one lock type.
        .target(name: "Support"),

        // An ordered JSON value with a strict parser and a stable serializer.
        .target(name: "JSON", dependencies: ["Support"]),

        // Other people's text made safe to show: HTML escaping by byte, visible terminal controls.
        .target(name: "Escaping", dependencies: ["Support"]),

        // The Jupyter messaging protocol and kernel server. Knows nothing of Globus.
        .target(
            name: "JupyterKernel",
            // RSA (PKCS#1 v1.5) and the AES block function: Enterprise Gateway's launcher payload.
            dependencies: ["ZeroMQ", "JSON", "Support"] + crypto),

        // A reusable Swift Globus SDK: transport, scopes, Auth, login flows, token storage, apps.
        // Knows nothing of Jupyter.
        .target(
            name: "GlobusSDK",
            dependencies: ["CCurl", "CSQLite", "JSON", "Support"] + crypto),

        // JMESPath (jmespath.org) over JSON values: --jmespath in %globus call.
        .target(name: "JMESPath", dependencies: ["JSON"]),

        // The interpreter: the magic command language.
        .target(name: "GlobusMagics", dependencies: ["JupyterKernel", "GlobusSDK", "JMESPath", "JSON", "Escaping", "Support"]),

        // The executable: run, install, uninstall, --version.
        .executableTarget(
            name: "globus-kernel",
            dependencies: [
                "JupyterKernel", "GlobusMagics", "GlobusSDK", "JSON", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),

        // An offline Globus for tests, demos and benchmarks. Not part of the kernel's graph.
        .target(
            name: "GlobusSimulator",
            dependencies: [
                "JSON", "Escaping", "Support",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                // A class's simulator asks JupyterHub's REST API who owns a token (an HTTP client).
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ] + simulatorServer + crypto),
        .executableTarget(
            name: "globus-sim",
            dependencies: [
                "GlobusSimulator", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]),

        // An example program on the GlobusSDK product's public API: sign in, list your tasks.
        .executableTarget(name: "globus-tasks", dependencies: ["GlobusSDK"], path: "Examples/globus-tasks"),

        // Drives the JSON token store from many processes at once (the stress test).
        .executableTarget(name: "gk-token-stress", dependencies: ["GlobusSDK"]),

        // Calls each client method of the SDK, JSON lines in and out (the differential test against the Python SDK).
        .executableTarget(name: "gk-client-calls", dependencies: ["GlobusSDK", "JSON"]),

        // Searches documents with JMESPath expressions, JSON lines in and out (the differential fuzzer).
        .executableTarget(name: "jmespath-check", dependencies: ["JMESPath", "JSON"]),
        // The physical floors `make bench` measures the kernel against (bench/floors.py).
        .executableTarget(
            name: "minimal-kernel", dependencies: ["ZeroMQ", "JSON", .product(name: "Crypto", package: "swift-crypto")],
            path: "bench/floors/MinimalKernel"),
        .executableTarget(name: "request-floors", dependencies: ["GlobusSDK"], path: "bench/floors/RequestFloors"),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "SupportTests", dependencies: ["Support", propertyBased]),
        .testTarget(name: "EscapingTests", dependencies: ["Escaping", propertyBased]),
        .testTarget(name: "JMESPathTests", dependencies: ["JMESPath", "JSON", "Support"], resources: [.copy("compliance")]),
        .testTarget(
            name: "GlobusSimulatorTests",
            dependencies: [
                "GlobusSimulator", "SimulatorSupport", "JSON", "Escaping", "Support",
                // The router's own tests run it in Hummingbird's router test mode (no sockets).
                .product(name: "HummingbirdTesting", package: "hummingbird")
            ]),
        // An in-process simulator (and a stand-in JupyterHub) for the simulator's, the SDK's and the magics' tests.
        .target(
            name: "SimulatorSupport",
            dependencies: ["GlobusSimulator", "JSON", "Support"] + simulatorServer, path: "Tests/SimulatorSupport"),
        .testTarget(
            name: "GlobusSDKTests",
            dependencies: ["GlobusSDK", "GlobusSimulator", "SimulatorSupport", "JSON", "Support", propertyBased]),
        .testTarget(
            name: "JupyterKernelTests",
            dependencies: ["JupyterKernel", "ZeroMQ", "JSON", "Support"] + crypto),
        .testTarget(
            name: "GlobusMagicsTests",
            dependencies: [
                "GlobusMagics", "GlobusSDK", "GlobusSimulator", "SimulatorSupport", "JupyterKernel", "JSON", "Escaping", "Support",
                propertyBased
            ])
    ]
)
