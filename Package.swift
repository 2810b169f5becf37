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
        // Trait `Vapor`: the Vapor 4 adapter and its example: a middleware, the start-up policy and a server provider.
        .library(name: "GreenroomVapor", targets: ["GreenroomVapor"]),
        .executable(name: "greenroom-vapor-example", targets: ["greenroom-vapor-example"]),
        // Trait `Hummingbird`: the adapter and its example (empty modules without the trait).
        .library(name: "GreenroomHummingbird", targets: ["GreenroomHummingbird"]),
        .executable(name: "greenroom-hummingbird-example", targets: ["greenroom-hummingbird-example"]),
    ],
    // Optional integrations, off by default: a user of the CLI or of GreenroomCore never builds or
    // links them. `swift build --traits Hummingbird,Vapor` (CI does) turns them on; a client package
    // names them in its dependency: `.package(url: ..., from: ..., traits: ["Hummingbird"])`.
    traits: [
        .trait(
            name: "Hummingbird",
            description: "GreenroomHummingbird: Greenroom's trust layer for Hummingbird 2 apps."
        ),
        .trait(name: "Vapor", description: "GreenroomVapor: Greenroom's trust layer for Vapor 4 apps."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Tests only: an independent YAML reader for the manifests `generate kubernetes` writes.
        // The binary reads YAML with GreenroomYAML (Yams imports Foundation, and with it ICU).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // `swift package generate-documentation`: the DocC catalogs under Sources/<Module>/<Module>.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        // Trait `Hummingbird` only. Its default traits (swift-configuration, full Foundation) are
        // not needed by the adapter, so they stay off and cost no build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        // Trait `Vapor` only.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        // Trait `Hummingbird` only (Hummingbird depends on it already): the HTTP parts its pipeline carries.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // The server records metrics through swift-metrics' CoreMetrics (no Foundation); `serve
        // --metrics-port` exports them with swift-prometheus.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
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
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // libyaml 0.2.5 (MIT) with every symbol prefixed `greenroom_`; see its README.md.
        .target(
            name: "CGreenroomYAML",
            exclude: ["LICENSE", "README.md"],
            cSettings: [.define("YAML_DECLARE_STATIC")]
        ),
        // YAML nodes with their lines and columns, composed on CGreenroomYAML; no Foundation.
        .target(name: "GreenroomYAML", dependencies: ["CGreenroomYAML"], swiftSettings: strict),
        // swift-mustache 2.1.1 (Apache 2.0) without its Foundation imports; see its README.md.
        .target(
            name: "GreenroomMustache",
            exclude: ["LICENSE.txt", "README.md"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "GreenroomDeploy",
            dependencies: [
                "GreenroomCore", "GreenroomConfigParsing", "GreenroomServer",
                "GreenroomYAML", "GreenroomMustache",
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
            dependencies: [
                "GreenroomCore", "GreenroomConfigParsing", "GreenroomDeploy",
                // Kubernetes manifests (`check --kubernetes`): composed YAML nodes keep their lines.
                "GreenroomYAML",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "greenroom",
            dependencies: [
                "GreenroomCore", "GreenroomServer", "GreenroomDeploy", "GreenroomGuard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedVersionPlugin"]
        ),
        // Load and soak benches (wrk, with peers). The micro-benchmarks are a package of their own,
        // Tests/Benchmarks, so that library users never resolve package-benchmark.
        .executableTarget(
            name: "greenroom-bench",
            dependencies: [
                "GreenroomCore", "GreenroomServer", "GreenroomHummingbird",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .target(name: "GreenroomVapor", condition: .when(traits: ["Vapor"])),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
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
        // Trait `Hummingbird`: the server child channel, request context and start-up policy for
        // Hummingbird 2 apps. Its sources are `#if Hummingbird`, so without the trait it is empty.
        .target(
            name: "GreenroomHummingbird",
            dependencies: [
                "GreenroomCore", "GreenroomServer",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(
                    name: "NIOHTTPTypes",
                    package: "swift-nio-extras",
                    condition: .when(traits: ["Hummingbird"])
                ),
            ],
            swiftSettings: strict
        ),
        // The README's Hummingbird app: `/`, `/whoami` and `serve`'s trust flags.
        .executableTarget(
            name: "greenroom-hummingbird-example",
            dependencies: [
                "GreenroomHummingbird",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
            ],
            swiftSettings: strict
        ),
        // Vapor 4 adapter (trait `Vapor`): its sources are wrapped in `#if Vapor`.
        .target(
            name: "GreenroomVapor",
            dependencies: [
                "GreenroomCore", "GreenroomServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            swiftSettings: strict
        ),
        // A Vapor app behind nginx with Greenroom's trust layer (README "Your Hummingbird or Vapor app behind nginx").
        .executableTarget(
            name: "greenroom-vapor-example",
            dependencies: [
                "GreenroomCore", "GreenroomServer", "GreenroomDeploy",
                .target(name: "GreenroomVapor", condition: .when(traits: ["Vapor"])),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Trait `Vapor`: the adapter over live loopback sockets (`#if Vapor`). Shared/ links the Core
        // tests' trust tables and PROXY vectors and the server tests' raw client, run here again.
        .testTarget(
            name: "GreenroomVaporTests",
            dependencies: [
                "GreenroomVapor", "GreenroomServer", "GreenroomCore",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
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
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GreenroomDeployTests",
            dependencies: [
                "GreenroomDeploy", "GreenroomServer", "GreenroomCore", "GreenroomMustache",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GreenroomYAMLTests",
            dependencies: ["GreenroomYAML", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GreenroomGuardTests",
            dependencies: ["GreenroomGuard", "GreenroomConfigParsing", "GreenroomDeploy", "GreenroomCore"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        // Trait `Hummingbird`: the adapter over live loopback sockets (`#if Hummingbird`).
        .testTarget(
            name: "GreenroomHummingbirdTests",
            dependencies: [
                "GreenroomHummingbird", "GreenroomServer", "GreenroomCore",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "GreenroomCore", "GreenroomDeploy", "greenroom", "greenroom-hummingbird-example",
                "greenroom-vapor-example",
            ],
            swiftSettings: strict
        ),
    ]
)
