#if Vapor
import Foundation

/// `greenroom-bench vapor` (trait `Vapor`): stock Vapor against Vapor with Greenroom's
/// middleware and Vapor on Greenroom's server, on `/` and on `/whoami` with a trusted 3-hop
/// `X-Forwarded-For` chain, in the same run: wrk -t1 on loopback, scenarios alternating round by
/// round, medians. Each app runs in a child process (`greenroom-bench vapor-app`).
enum VaporBench {
    static let help = """
        usage: greenroom-bench vapor [options]     (build with --traits Vapor)

          --seconds N        wrk duration per scenario and round (default 10)
          --rounds N         rounds; scenarios alternate, medians are reported (default 5)
          --connections N    wrk connections (default 64)
          --threads N        wrk threads (default 1: on 2 cores a second wrk thread caps every server)
        """

    /// A trusted 3-hop chain: the client, then two proxies in 10.0.0.0/8; the peer is 127.0.0.1.
    static let chain = ["X-Forwarded-For: 198.51.100.7, 10.0.0.3, 10.0.0.2"]

    struct Scenario {
        var mode: VaporBenchApp.Mode
        var path: String
        var name: String { "\(mode.label) \(path)" }
        var headers: [String] { path == "/whoami" ? VaporBench.chain : [] }
    }

    static let scenarios: [Scenario] = ["/", "/whoami"].flatMap { path in
        VaporBenchApp.Mode.allCases.map { Scenario(mode: $0, path: path) }
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        var wrk = Wrk(threads: 1, connections: 64, seconds: 10)
        var rounds = 5
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
        let directory = try BenchArguments.scratchDirectory("vapor")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        print(
            "greenroom-bench vapor: wrk -t\(wrk.threads) -c\(wrk.connections) -d\(wrk.seconds)s on 127.0.0.1, "
                + "\(rounds) round(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
        )
        var rows = scenarios.map { LoadBench.Row(name: $0.name) }
        for round in 1...rounds {
            for (index, scenario) in scenarios.enumerated() {
                let port = Loopback.freePort()
                let process = try ChildProcess(
                    name: "vapor-\(index)",
                    executable: me,
                    arguments: ["vapor-app", "--mode", scenario.mode.rawValue, "--port", "\(port)"],
                    directory: directory
                )
                defer { process.stop() }
                guard Loopback.waitUntilListening(port: port) else {
                    throw BenchError("\(scenario.name) did not start:\n\(process.output)")
                }
                let url = "http://127.0.0.1:\(port)\(scenario.path)"
                _ = try Wrk(threads: wrk.threads, connections: wrk.connections, seconds: 1).run(
                    url: url,
                    headers: scenario.headers
                )
                let before = process.cpuTicks()
                let result = try wrk.run(url: url, headers: scenario.headers)
                let after = process.cpuTicks()
                rows[index].results.append(result)
                if let before, let after, result.requests > 0 {
                    rows[index].cpuMicros.append(
                        Double(after - before) / ChildProcess.ticksPerSecond * 1_000_000 / Double(result.requests)
                    )
                }
                print(
                    "  round \(round) \(scenario.name): \(Int(result.requestsPerSecond)) req/s, "
                        + "p99 \(result.p99Milliseconds) ms"
                        + (rows[index].cpuMicros.last.map { String(format: ", %.1f µs CPU/req", $0) } ?? "")
                )
                fflush(nil)
            }
        }
        printTable(rows)
        return 0
    }

    /// Medians per scenario, and each adapter's req/s as a share of stock Vapor's on the same path.
    static func printTable(_ rows: [LoadBench.Row]) {
        print("\n| scenario | req/s | p99 ms | µs CPU/req | vs stock Vapor |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for (index, scenario) in scenarios.enumerated() where !rows[index].results.isEmpty {
            let row = rows[index]
            let stock = scenarios.indices.first { scenarios[$0].path == scenario.path && scenarios[$0].mode == .stock }
            let base = stock.map { rows[$0].requestsPerSecond } ?? 0
            let ratio = base > 0 ? String(format: "%+.1f %%", (row.requestsPerSecond / base - 1) * 100) : "-"
            print(
                "| \(scenario.name) | \(Int(row.requestsPerSecond)) | \(String(format: "%.2f", row.p99)) | "
                    + "\(row.cpu.map { String(format: "%.1f", $0) } ?? "-") | \(ratio) |"
                    + (row.errors > 0 ? " (\(row.errors) errors)" : "")
            )
        }
        print("\ntargets: `/` within 5 % of stock Vapor, `/whoami` (3-hop chain) within 10 %.")
    }
}
#endif
