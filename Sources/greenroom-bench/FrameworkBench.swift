import Foundation

/// What the framework benches (`hummingbird`, `vapor`) share: each scenario is a fresh child
/// process of this binary serving one app, wrk runs against it on loopback, scenarios alternate
/// round by round, and the table gives medians with each scenario's req/s as a share of the stock
/// framework's on the same path (the issue's targets: `/` within 5 %, `/whoami` within 10 %).
struct FrameworkBench {
    /// One app on one path.
    struct Scenario {
        /// The table's row name.
        var name: String
        /// The request path.
        var path: String
        /// Extra request headers (the trusted chain for `/whoami`).
        var headers: [String]
        /// The arguments that make this binary serve the app; `--port N` is appended.
        var serveArguments: [String]
        /// The stock framework's scenario: the others are compared with it.
        var isStock: Bool
    }

    static let options = """
          --seconds N        wrk duration per scenario and round (default 10)
          --rounds N         rounds; scenarios alternate, medians are reported (default 5)
          --connections N    wrk connections (default 64)
          --threads N        wrk threads (default 1: on 2 cores a second wrk thread caps every server)
        """

    /// The bench's name in `greenroom-bench <name>` and in its first line.
    var name: String
    var scenarios: [Scenario]
    var wrk = Wrk(threads: 1, connections: 64, seconds: 10)
    var rounds = 5

    /// Reads the options; `nil` when `--help` was answered.
    init?(name: String, scenarios: [Scenario], arguments: [String], help: String) throws {
        if BenchArguments.answeredHelp(arguments, help) { return nil }
        self.name = name
        self.scenarios = scenarios
        var parsed = BenchArguments(arguments)
        while let flag = parsed.next() {
            switch flag {
            case "--seconds": wrk.seconds = try parsed.number(flag)
            case "--rounds": rounds = try parsed.number(flag)
            case "--connections": wrk.connections = try parsed.number(flag)
            case "--threads": wrk.threads = try parsed.number(flag)
            default: throw BenchError("unknown option \(flag)\n\(help)")
            }
        }
    }

    /// Runs every round and prints the table; fails on any wrk error.
    func run() throws -> Int32 {
        let directory = try BenchArguments.scratchDirectory(name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        print(
            "greenroom-bench \(name): wrk -t\(wrk.threads) -c\(wrk.connections) -d\(wrk.seconds)s on 127.0.0.1, "
                + "\(rounds) round(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
        )
        var rows = scenarios.map { LoadBench.Row(name: $0.name) }
        for round in 1...rounds {
            for (index, scenario) in scenarios.enumerated() {
                let port = Loopback.freePort()
                let process = try ChildProcess(
                    name: "\(name)-\(index)",
                    executable: me,
                    arguments: scenario.serveArguments + ["--port", "\(port)"],
                    directory: directory
                )
                defer { process.stop() }
                guard Loopback.waitUntilListening(port: port) else {
                    throw BenchError("\(scenario.name) did not start:\n\(process.output)")
                }
                let url = "http://127.0.0.1:\(port)\(scenario.path)"
                let result = try rows[index].measure(wrk, url: url, headers: scenario.headers, server: process)
                guard result.errors == 0 else { throw BenchError("\(scenario.name): \(result.errors) errors") }
                print(
                    "  round \(round) \(scenario.name) \(scenario.path): \(Int(result.requestsPerSecond)) req/s, "
                        + "p99 \(result.p99Milliseconds) ms"
                        + (rows[index].cpuMicros.last.map { String(format: ", %.1f µs CPU/req", $0) } ?? "")
                )
                fflush(nil)
            }
        }
        printTable(rows)
        return 0
    }

    /// Medians per scenario, and req/s as a share of the stock scenario's on the same path.
    func printTable(_ rows: [LoadBench.Row]) {
        print("\n| scenario | path | req/s | vs stock | p99 ms | CPU µs/req |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for (index, scenario) in scenarios.enumerated() {
            let row = rows[index]
            let stock = scenarios.indices.first { scenarios[$0].path == scenario.path && scenarios[$0].isStock }
            let base = stock.map { rows[$0].requestsPerSecond } ?? 0
            let ratio = base > 0 ? String(format: "%.3f", row.requestsPerSecond / base) : "-"
            print(
                "| \(scenario.name) | `\(scenario.path)` | \(Int(row.requestsPerSecond)) | \(ratio) | "
                    + "\(String(format: "%.2f", row.p99)) | \(row.cpu.map { String(format: "%.1f", $0) } ?? "-") |"
            )
        }
        print("\ntargets: `/` within 5 % of the stock framework, `/whoami` (trusted 3-hop chain) within 10 %.")
    }
}
