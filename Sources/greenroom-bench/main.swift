// greenroom-bench: benchmarks that compare Greenroom with its peers in the same run.
//
//   greenroom-bench load [options]    wrk against greenroom, eventlet and nginx (see LoadBench)
//   greenroom-bench load --behind nginx [options]
//                                     the same through generated nginx sites, + gunicorn (see BehindNginxBench)
//   greenroom-bench raw-nio --port N  the raw SwiftNIO NIOHTTP1 baseline the load benches start (see RawNIOServer)
//   greenroom-bench soak [options]    load for N seconds, RSS sampled, fails on growth (see SoakBench)
//   greenroom-bench check [options]   `greenroom check` on 2.5/5/10 MB nginx configs: budget, linearity (CheckBench)
//
// One file per bench; each has a `run(_ arguments:)` entry point and answers `--help`. GreenroomCore's
// micro-benchmarks (ns/op, allocations/op) are a package of their own on package-benchmark:
//   swift package --package-path Tests/Benchmarks benchmark

import Foundation

/// One bench: its subcommand name, a summary, and its entry point (returns the exit status).
struct Bench: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([String]) async throws -> Int32

    static let all: [Bench] = [
        Bench(
            name: "load",
            summary:
                "wrk on loopback: greenroom vs eventlet's wsgi.server vs nginx `return 200`; --behind nginx: through nginx"
        ) {
            $0.contains("--behind") ? try await BehindNginxBench.run($0) : try await LoadBench.run($0)
        },
        Bench(name: "raw-nio", summary: "the raw SwiftNIO hello server the load benches compare with (--port N)") {
            try await RawNIOServer.run($0)
        },
        Bench(name: "soak", summary: "load for N seconds with RSS sampled every second; fails on sustained growth") {
            try await SoakBench.run($0)
        },
        Bench(name: "check", summary: "greenroom check --nginx on 2.5, 5 and 10 MB configs: < 2 s and linear") {
            try await CheckBench.run($0)
        },
    ]

    static var usage: String {
        "usage: greenroom-bench <bench> [options]\n\nbenches:\n"
            + all.map { "  \($0.name.padding(8))\($0.summary)" }.joined(separator: "\n")
            + "\n\nGreenroomCore's micro-benchmarks (ns/op, allocations/op):"
            + "\n  swift package --package-path Tests/Benchmarks benchmark"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let bench = Bench.all.first(where: { $0.name == name }) else {
    print(Bench.usage)
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 2)
}
arguments.removeFirst()
do {
    exit(try await bench.run(arguments))
} catch {
    FileHandle.standardError.write(Data("greenroom-bench \(name): \(error)\n".utf8))
    exit(1)
}
