// GreenroomCore's hot paths, each against a peer measured in the same run: ns/op (wall clock)
// and heap allocations/op (the benchmark package's malloc interposer).
//
//     swift package --package-path Tests/Benchmarks benchmark [--filter 'PROXY.*']
//
// Every measured iteration runs a thousand operations (`scalingFactor: .kilo`), so the clock's
// own cost is spread over them; the figures marked `*` are per operation (p0 is the fastest
// iteration, what greenroom-bench core used to print). `--scale` shows them per thousand, with
// three more digits. A case and its peer are two benchmarks, `<case>` and `<case> · peer: <peer>`.
import Benchmark
import GreenroomCore
import GreenroomServer
import NIOCore
import NIOHTTP1

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 1_000
    )
    for benchCase in CoreCase.all() {
        Benchmark(benchCase.name) { benchmark in
            for _ in benchmark.scaledIterations { benchCase.body() }
        }
        Benchmark("\(benchCase.name) · peer: \(benchCase.peerName)") { benchmark in
            for _ in benchmark.scaledIterations { benchCase.peer() }
        }
    }
}
