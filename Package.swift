// swift-tools-version:6.1
// The Globus kernel: a native Swift Jupyter kernel whose cells run `%globus` magics.
import PackageDescription

let package = Package(
    name: "globus-kernel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "globus-kernel", targets: ["globus-kernel"]),
        .library(name: "JupyterKernel", targets: ["JupyterKernel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian: libzmq3-dev).
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),

        // Thin Swift wrapper over libzmq: context, sockets, multipart, poll, proxy, CURVE.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),

        // An ordered JSON value with a strict parser and a stable serializer.
        .target(name: "JSON"),

        // The Jupyter messaging protocol and kernel server. Knows nothing of Globus.
        .target(name: "JupyterKernel", dependencies: [
            "ZeroMQ", "JSON",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // The interpreter: the magic command language.
        .target(name: "GlobusMagics", dependencies: ["JupyterKernel", "JSON"]),

        // The executable: run, install, uninstall, --version.
        .executableTarget(name: "globus-kernel", dependencies: [
            "JupyterKernel", "GlobusMagics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "ZeroMQ", "JSON"]),
        .testTarget(name: "GlobusMagicsTests", dependencies: ["GlobusMagics", "JupyterKernel", "JSON"]),
    ]
)
