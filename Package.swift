// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "greenroom",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GreenroomCore", targets: ["GreenroomCore"]),
        .library(name: "GreenroomServer", targets: ["GreenroomServer"]),
        .library(name: "GreenroomDeploy", targets: ["GreenroomDeploy"]),
        .library(name: "GreenroomGuard", targets: ["GreenroomGuard"]),
        // Public only for `SourceLocation` (a finding's or a spec error's place), which clients with
        // MemberImportVisibility must import; the parsers themselves are `package`.
        .library(name: "GreenroomConfigParsing", targets: ["GreenroomConfigParsing"]),
        .executable(name: "greenroom", targets: ["greenroom"]),
        .executable(name: "greenroom-bench", targets: ["greenroom-bench"]),
        .executable(name: "greenroom-example", targets: ["greenroom-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // `swift package generate-documentation`: the DocC catalogs under Sources/<Module>/<Module>.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // Pure Swift trust core: no dependencies, not even Foundation.
        .target(name: "GreenroomCore", swiftSettings: strict),
        .target(
            name: "GreenroomServer",
            dependencies: [
                "GreenroomCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "GreenroomDeploy",
            dependencies: [
                "GreenroomCore", "GreenroomConfigParsing", "GreenroomServer",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedTemplatesPlugin"]
        ),
        // Embeds deploy/templates/*.mustache and deploy/greenroom.example.yml into GreenroomDeploy,
        // so the `greenroom` binary is self-contained; the files stay real and editable.
        .executableTarget(name: "embed-templates", swiftSettings: strict),
        .plugin(
            name: "EmbedTemplatesPlugin",
            capability: .buildTool(),
            dependencies: ["embed-templates"],
            path: "Sources/EmbedTemplatesPlugin"
        ),
        // Embeds the git commit into `greenroom` for `greenroom --version` (nil without .git).
        .executableTarget(name: "embed-version", swiftSettings: strict),
        .plugin(
            name: "EmbedVersionPlugin",
            capability: .buildTool(),
            dependencies: ["embed-version"],
            path: "Sources/EmbedVersionPlugin"
        ),
        // The nginx and Apache configuration parsers: no dependencies, no Foundation, no file system
        // of their own (they read through `ConfigFileSystem`), so Tests/Fuzz compiles them alone.
        .target(name: "GreenroomConfigParsing", swiftSettings: strict),
        .target(
            name: "GreenroomGuard",
            dependencies: ["GreenroomCore", "GreenroomConfigParsing", "GreenroomDeploy"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "greenroom",
            dependencies: [
                "GreenroomCore", "GreenroomServer", "GreenroomDeploy", "GreenroomGuard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedVersionPlugin"]
        ),
        // Load and soak benches (wrk, with peers). The micro-benchmarks are a package of their own,
        // Tests/Benchmarks, so that library users never resolve package-benchmark.
        .executableTarget(
            name: "greenroom-bench",
            dependencies: [
                "GreenroomCore", "GreenroomServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // How to embed the server with a custom handler (README "Embedding").
        .executableTarget(
            name: "greenroom-example",
            dependencies: ["GreenroomServer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "GreenroomCoreTests", dependencies: ["GreenroomCore"], swiftSettings: strict),
        .testTarget(
            name: "GreenroomServerTests",
            dependencies: [
                "GreenroomServer", "GreenroomCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GreenroomDeployTests",
            dependencies: ["GreenroomDeploy", "GreenroomServer", "GreenroomCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GreenroomGuardTests",
            dependencies: ["GreenroomGuard", "GreenroomConfigParsing", "GreenroomDeploy", "GreenroomCore"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["GreenroomCore", "GreenroomDeploy", "greenroom"],
            swiftSettings: strict
        ),
    ]
)
