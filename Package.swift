// swift-tools-version:6.0
import PackageDescription

// Layout and the direction of dependencies are drawn in ARCHITECTURE.md:
// executable → App → {TUI, Transport} → Core (pure). CLinux exposes the GNU/Linux calls the Glibc
// module hides (accept4, F_SETPIPE_SZ, signalfd, the full tcp_info).
let package = Package(
    name: "sockscope",
    products: [
        .executable(name: "sockscope", targets: ["sockscope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),
        .target(name: "SockscopeCore"),
        // TLS through the system's OpenSSL 3 (libssl-dev), memory BIOs only: see Sources/CTLS.
        .target(name: "CTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "SockscopeTransport", dependencies: ["SockscopeCore", "CLinux", "CTLS"]),
        // ncursesw through a module map with a `link` line (pkgConfig would add prohibited flags).
        .systemLibrary(name: "CCurses"),
        .target(name: "SockscopeTUI", dependencies: ["SockscopeCore", "CCurses"]),
        .target(name: "SockscopeApp", dependencies: ["SockscopeCore", "SockscopeTransport", "SockscopeTUI"]),
        .executableTarget(
            name: "sockscope",
            dependencies: [
                "SockscopeApp", "SockscopeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // bench/parse.sh: the /proc/net parser on 10,000 lines, in release.
        .executableTarget(name: "parse-bench", dependencies: ["SockscopeCore"], path: "bench/parse-bench"),
        .target(name: "TestSupport", dependencies: ["CLinux"], path: "Tests/TestSupport"),
        // Fixtures are read by path (#filePath), so the test target needs no Foundation.
        .testTarget(name: "SockscopeCoreTests", dependencies: ["SockscopeCore", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SockscopeTransportTests",
                    dependencies: ["SockscopeTransport", "SockscopeCore", "TestSupport"]),
        .testTarget(name: "SockscopeTUITests", dependencies: ["SockscopeTUI", "SockscopeCore", "CCurses", "TestSupport"],
                    exclude: ["Fixtures"]),
        // The screen in-process: the engine over socketpairs and loopback, a CellGrid, a manual clock.
        .testTarget(name: "SockscopeAppTests",
                    dependencies: ["SockscopeApp", "SockscopeTransport", "SockscopeTUI", "SockscopeCore", "TestSupport"]),
        .testTarget(name: "SockscopeEndToEndTests",
                    dependencies: ["sockscope", "TestSupport"]),
    ]
)
