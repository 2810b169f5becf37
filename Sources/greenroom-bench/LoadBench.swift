import Foundation

/// `greenroom-bench load`: wrk on loopback against greenroom, eventlet's `wsgi.server` and
/// nginx `return 200` (1 worker) in the same run, then the memory cost of idle keep-alive
/// connections on each. Prints a table with ratios and checks the issue's targets.
///
/// Scenarios alternate for `--rounds` rounds and the table shows medians, so a neighbour's load
/// spike hits every scenario alike. Next to req/s it prints the server's CPU time per request
/// (user + system from /proc), which is far less sensitive to what else runs on the machine.
enum LoadBench {
    static let help = """
        usage: greenroom-bench load [options]

          --seconds N        wrk duration per scenario and round (default 10)
          --rounds N         rounds; scenarios alternate, medians are reported (default 1)
          --connections N    wrk connections (default 64)
          --threads N        wrk threads (default 2)
          --idle N           idle keep-alive connections for the memory test (default 10000; 0 skips)
          --only NAME        run only nginx, eventlet or greenroom scenarios (repeatable)
          --greenroom PATH   the greenroom binary (default: next to this one)
          --venv DIR         virtualenv for eventlet (default /tmp/greenroom-bench-venv)
        """

    struct Options {
        var wrk = Wrk()
        var rounds = 1
        var idle = 10_000
        var only: Set<String> = []
        var greenroom = BenchArguments.defaultGreenroom
        var venv = "/tmp/greenroom-bench-venv"

        init(_ arguments: [String]) throws {
            var arguments = BenchArguments(arguments)
            while let flag = arguments.next() {
                switch flag {
                case "--seconds": wrk.seconds = try arguments.number(flag)
                case "--rounds": rounds = try arguments.number(flag)
                case "--connections": wrk.connections = try arguments.number(flag)
                case "--threads": wrk.threads = try arguments.number(flag)
                case "--idle": idle = try arguments.number(flag, minimum: 0)
                case "--only": only.insert(try arguments.value(flag))
                case "--greenroom": greenroom = try arguments.value(flag)
                case "--venv": venv = try arguments.value(flag)
                default: throw BenchError("unknown option \(flag)\n\(help)")
                }
            }
        }

        func runs(_ kind: Scenario.Kind) -> Bool { only.isEmpty || only.contains(kind.family) }
    }

    /// One measured configuration.
    struct Scenario {
        enum Kind {
            case nginx
            case eventlet
            case greenroom([String])

            var family: String {
                switch self {
                case .nginx: "nginx"
                case .eventlet: "eventlet"
                case .greenroom: "greenroom"
                }
            }
        }

        var name: String
        var kind: Kind
        var path = "/"
        var headers: [String] = []
    }

    /// The measurements of one scenario, one per round.
    struct Row {
        var name: String
        var results: [Wrk.Result] = []
        var cpuMicros: [Double] = []
        var rssKiB: Int?

        static func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        var requestsPerSecond: Double { Self.median(results.map(\.requestsPerSecond)) ?? 0 }
        var p99: Double { Self.median(results.map(\.p99Milliseconds)) ?? 0 }
        var cpu: Double? { Self.median(cpuMicros) }
        var errors: Int { results.map(\.errors).reduce(0, +) }
    }

    static let xff = ["X-Forwarded-For: 198.51.100.7, 10.0.0.2"]
    static let trust = ["--trust", "loopback", "--trust", "10.0.0.0/8"]
    static let scenarios: [Scenario] = [
        Scenario(name: "nginx return 200 (1 worker)", kind: .nginx),
        Scenario(name: "eventlet wsgi.server", kind: .eventlet),
        Scenario(name: "greenroom /", kind: .greenroom(["--access-log", "off"])),
        Scenario(name: "greenroom / access log text", kind: .greenroom(["--access-log", "text"])),
        Scenario(name: "greenroom / access log json", kind: .greenroom(["--access-log", "json"])),
        Scenario(
            name: "greenroom / trusted XFF chain",
            kind: .greenroom(["--access-log", "off"] + trust),
            headers: xff
        ),
        Scenario(
            name: "greenroom /whoami trusted XFF",
            kind: .greenroom(["--access-log", "off"] + trust),
            path: "/whoami",
            headers: xff
        ),
    ]

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        let options = try Options(arguments)
        try BenchArguments.requireGreenroom(options.greenroom)
        let directory = try BenchArguments.scratchDirectory("load")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let peers = Peers(directory: directory)
        let wrk = options.wrk
        let selected = scenarios.filter { options.runs($0.kind) }
        print(
            "greenroom-bench load: wrk -t\(wrk.threads) -c\(wrk.connections) -d\(wrk.seconds)s on 127.0.0.1, "
                + "\(options.rounds) round(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
        )

        var rows = selected.map { Row(name: $0.name) }
        var idle: [(String, Double?)] = []
        for round in 1...options.rounds {
            for (index, scenario) in selected.enumerated() {
                let port = Loopback.freePort()
                let process: ChildProcess
                switch scenario.kind {
                case .nginx: process = try peers.nginx(port: port)
                case .eventlet: process = try peers.eventlet(port: port, venv: options.venv)
                case .greenroom(let flags):
                    process = try peers.greenroom(
                        binary: options.greenroom,
                        port: port,
                        extra: flags,
                        name: "greenroom-\(index)"
                    )
                }
                defer { process.stop() }
                let children = scenario.family == "nginx"
                guard Loopback.waitUntilListening(port: port) else {
                    throw BenchError("\(scenario.name) did not start:\n\(process.output)")
                }
                let url = "http://127.0.0.1:\(port)\(scenario.path)"
                // Warm up (allocator pools, caches, TCP) before measuring.
                _ = try Wrk(threads: wrk.threads, connections: wrk.connections, seconds: 1).run(
                    url: url,
                    headers: scenario.headers
                )
                let before = process.cpuTicks(includingChildren: children)
                let result = try wrk.run(url: url, headers: scenario.headers)
                let after = process.cpuTicks(includingChildren: children)
                rows[index].results.append(result)
                if let before, let after, result.requests > 0 {
                    rows[index].cpuMicros.append(
                        Double(after - before) / ChildProcess.ticksPerSecond * 1_000_000 / Double(result.requests)
                    )
                }
                let rss = children ? process.residentKiBWithChildren() : process.residentKiB()
                rows[index].rssKiB = max(rows[index].rssKiB ?? 0, rss ?? 0)
                print(
                    "  round \(round) \(scenario.name): \(Int(result.requestsPerSecond)) req/s, p99 \(result.p99Milliseconds) ms"
                        + (rows[index].cpuMicros.last.map { String(format: ", %.1f µs CPU/req", $0) } ?? "")
                )
                fflush(nil)  // each round as it ends, even into a pipe or file
                let firstOfFamily = selected.firstIndex { $0.family == scenario.family } == index
                if round == 1 && firstOfFamily && options.idle > 0 {
                    idle.append(
                        (
                            scenario.family,
                            try await idleCost(options.idle, port: port, process: process, children: children)
                        )
                    )
                }
            }
        }

        printTable(rows)
        if !idle.isEmpty {
            print("\nidle keep-alive connections (\(options.idle) open, RSS growth per connection):")
            for (name, cost) in idle {
                print("  \(name.padding(12))\(cost.map { String(format: "%.1f KiB", $0) } ?? "n/a")")
            }
        }
        print(checks(rows, idle: idle))
        return 0
    }

    /// KiB of RSS per idle keep-alive connection.
    static func idleCost(_ count: Int, port: Int, process: ChildProcess, children: Bool = false) async throws -> Double?
    {
        let rss = { children ? process.residentKiBWithChildren() : process.residentKiB() }
        guard let before = rss() else { return nil }
        let connections = IdleConnections()
        let answered = try await connections.open(count: count, port: port)
        try await Task.sleep(for: .seconds(1))
        let after = rss()
        await connections.closeAll()
        guard answered == count, let after else {
            print("  idle test: only \(answered) of \(count) connections were answered")
            return nil
        }
        return Double(after - before) / Double(count)
    }

    static func printTable(_ rows: [Row]) {
        let nginx = rows.first { $0.name.hasPrefix("nginx") }?.requestsPerSecond
        let eventlet = rows.first { $0.name.hasPrefix("eventlet") }?.requestsPerSecond
        func ratio(_ value: Double, _ base: Double?) -> String {
            base.map { String(format: "%.2fx", value / $0) } ?? "-"
        }
        print("")
        print(
            "scenario".padding(32) + "req/s".leftPad(10) + "p99 ms".leftPad(9) + "µs CPU/req".leftPad(12)
                + "RSS MiB".leftPad(9) + "vs nginx".leftPad(10) + "vs eventlet".leftPad(13)
        )
        for row in rows where !row.results.isEmpty {
            let rss = row.rssKiB.map { String(format: "%.1f", Double($0) / 1024) } ?? "-"
            print(
                row.name.padding(32) + String(Int(row.requestsPerSecond)).leftPad(10)
                    + String(format: "%.2f", row.p99).leftPad(9)
                    + (row.cpu.map { String(format: "%.1f", $0) } ?? "-").leftPad(12) + rss.leftPad(9)
                    + ratio(row.requestsPerSecond, nginx).leftPad(10)
                    + ratio(row.requestsPerSecond, eventlet).leftPad(13)
                    + (row.errors > 0 ? "  (\(row.errors) errors)" : "")
            )
        }
    }

    static func checks(_ rows: [Row], idle: [(String, Double?)]) -> String {
        func row(_ name: String) -> Row? { rows.first { $0.name == name && !$0.results.isEmpty } }
        var lines = ["\ntargets (medians):"]
        func check(_ label: String, _ value: Double?, _ pass: (Double) -> Bool, _ format: String) {
            guard let value else { return }
            lines.append("  [\(pass(value) ? "ok" : "MISSED")] \(label): \(String(format: format, value))")
        }
        if let hello = row("greenroom /") {
            let rps = hello.requestsPerSecond
            check(
                "greenroom >= 10x eventlet (req/s)",
                row("eventlet wsgi.server").map { rps / $0.requestsPerSecond },
                { $0 >= 10 },
                "%.1fx"
            )
            check(
                "greenroom >= 0.6x nginx (req/s)",
                row("nginx return 200 (1 worker)").map { rps / $0.requestsPerSecond },
                { $0 >= 0.6 },
                "%.2fx"
            )
            for (name, label) in [
                ("greenroom / trusted XFF chain", "/ with a trusted XFF chain"),
                ("greenroom /whoami trusted XFF", "/whoami with a trusted XFF chain"),
                ("greenroom / access log text", "/ with the text access log"),
            ] {
                check(
                    "\(label) within 3% of / (req/s)",
                    row(name).map { $0.requestsPerSecond / rps },
                    { $0 >= 0.97 },
                    "%.3f"
                )
                if let cpu = hello.cpu {
                    check("\(label) within 3% of / (CPU/req)", row(name)?.cpu.map { cpu / $0 }, { $0 >= 0.97 }, "%.3f")
                }
            }
        }
        if let cost = idle.first(where: { $0.0 == "greenroom" })?.1 {
            check("idle keep-alive connection < 20 KiB", cost, { $0 < 20 }, "%.1f KiB")
        }
        return lines.joined(separator: "\n")
    }
}

extension LoadBench.Scenario {
    var family: String { kind.family }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
