// swift-tools-version:6.1
// GreenroomCore's micro-benchmarks (ns/op and heap allocations/op, each case against a peer in the
// same run), on ordo-one/benchmark (formerly package-benchmark) with its malloc interposer. A
// package of its own, so that users of Greenroom's libraries never resolve it:
//
//     swift package --package-path Tests/Benchmarks benchmark
//
// The load and soak benches that drive wrk stay in the main package's `greenroom-bench`.
import PackageDescription

let package = Package(
    name: "greenroom-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "greenroom", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "GreenroomCore", package: "greenroom"),
                .product(name: "GreenroomServer", package: "greenroom"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
