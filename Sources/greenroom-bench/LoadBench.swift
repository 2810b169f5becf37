import Foundation

/// `greenroom-bench load`: wrk on loopback against greenroom, a raw SwiftNIO `NIOHTTP1` handler
/// (the ceiling for a server on SwiftNIO), eventlet's `wsgi.server` and nginx `return 200`
/// (1 worker) in the same run, then the memory cost of idle keep-alive
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
          --connections N    wrk connections (default 64); a list (64,256,1024) runs every
                             scenario at each count, for the latency-under-concurrency table
          --threads N        wrk threads (default 1: -t2 takes the second core and caps every server)
          --idle N           idle keep-alive connections for the memory test (default 10000; 0 skips)
          --only NAME        run only nginx, raw-nio, eventlet or greenroom scenarios (repeatable)
          --greenroom PATH   the greenroom binary (default: next to this one)
          --venv DIR         virtualenv for eventlet (default /tmp/greenroom-bench-venv)
        """

    struct Options {
        var wrk = Wrk()
        var connectionCounts = [64]
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
                case "--connections":
                    let text = try arguments.value(flag)
                    let counts = text.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                    guard !counts.isEmpty, counts.count == text.split(separator: ",").count else {
                        throw BenchError("--connections '\(text)' is not a count or a list of counts (64,256,1024)")
                    }
                    connectionCounts = counts
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
            case rawNIO
            case eventlet
            case greenroom([String])

            var family: String {
                switch self {
                case .nginx: "nginx"
                case .rawNIO: "raw-nio"
                case .eventlet: "eventlet"
                case .greenroom: "greenroom"
                }
            }
        }

        var name: String
        var kind: Kind
        var path = "/"
        var headers: [String] = []
        var connections = 64
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
        var p50: Double { Self.median(results.map(\.p50Milliseconds)) ?? 0 }
        var cpu: Double? { Self.median(cpuMicros) }
        var errors: Int { results.map(\.errors).reduce(0, +) }

        /// Warms `url` up for a second (allocator pools, caches, TCP), then runs `wrk` on it: the
        /// result, and the CPU `server` spent per request (with its child processes when asked),
        /// join this row.
        mutating func measure(
            _ wrk: Wrk,
            url: String,
            headers: [String] = [],
            server: ChildProcess?,
            includingChildren: Bool = false
        ) throws -> Wrk.Result {
            _ = try Wrk(threads: wrk.threads, connections: wrk.connections, seconds: 1).run(url: url, headers: headers)
            let before = server?.cpuTicks(includingChildren: includingChildren)
            let result = try wrk.run(url: url, headers: headers)
            let after = server?.cpuTicks(includingChildren: includingChildren)
            results.append(result)
            if let before, let after, result.requests > 0 {
                cpuMicros.append(
                    Double(after - before) / ChildProcess.ticksPerSecond * 1_000_000 / Double(result.requests)
                )
            }
            return result
        }
    }

    static let xff = ["X-Forwarded-For: 198.51.100.7, 10.0.0.2"]
    static let trust = ["--trust", "loopback", "--trust", "10.0.0.0/8"]
    static let scenarios: [Scenario] = [
        Scenario(name: "nginx return 200 (1 worker)", kind: .nginx),
        Scenario(name: "raw SwiftNIO NIOHTTP1", kind: .rawNIO),
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
        let selected = expand(scenarios.filter { options.runs($0.kind) }, connections: options.connectionCounts)
        let counts = options.connectionCounts.map(String.init).joined(separator: ",")
        print(
            "greenroom-bench load: wrk -t\(wrk.threads) -c\(counts) -d\(wrk.seconds)s on 127.0.0.1, "
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
                case .rawNIO: process = try peers.rawNIO(port: port)
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
                var measured = wrk
                measured.connections = scenario.connections
                let result = try rows[index].measure(
                    measured,
                    url: url,
                    headers: scenario.headers,
                    server: process,
                    includingChildren: children
                )
                let rss = children ? process.residentKiBWithChildren() : process.residentKiB()
                rows[index].rssKiB = max(rows[index].rssKiB ?? 0, rss ?? 0)
                print(
                    "  round \(round) \(scenario.name): \(Int(result.requestsPerSecond)) req/s, "
                        + String(format: "p50 %.2f ms, p99 %.2f ms", result.p50Milliseconds, result.p99Milliseconds)
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

    /// Every scenario at every connection count; the name carries the count when there are several.
    static func expand(_ scenarios: [Scenario], connections: [Int]) -> [Scenario] {
        connections.flatMap { count in
            scenarios.map { scenario in
                var scenario = scenario
                scenario.connections = count
                if connections.count > 1 { scenario.name += " c=\(count)" }
                return scenario
            }
        }
    }

    /// The ` c=N` a row's name ends with when the run has several connection counts.
    static func connectionSuffix(_ row: Row) -> String? {
        row.name.range(of: " c=").map { String(row.name[$0.lowerBound...]) }
    }

    static func printTable(_ rows: [Row]) {
        // Ratios compare rows at the same connection count: the baselines with the same " c=N".
        func baseline(_ prefix: String, for row: Row) -> Double? {
            let suffix = connectionSuffix(row) ?? ""
            return rows.first { $0.name.hasPrefix(prefix) && $0.name.hasSuffix(suffix) && !$0.results.isEmpty }?
                .requestsPerSecond
        }
        func ratio(_ value: Double, _ base: Double?) -> String {
            base.map { String(format: "%.2fx", value / $0) } ?? "-"
        }
        print("")
        print(
            "scenario".padding(40) + "req/s".leftPad(10) + "p50 ms".leftPad(9) + "p99 ms".leftPad(9)
                + "µs CPU/req".leftPad(12) + "RSS MiB".leftPad(9) + "vs raw NIO".leftPad(12) + "vs nginx".leftPad(10)
                + "vs eventlet".leftPad(13)
        )
        for row in rows where !row.results.isEmpty {
            let rss = row.rssKiB.map { String(format: "%.1f", Double($0) / 1024) } ?? "-"
            print(
                row.name.padding(40) + String(Int(row.requestsPerSecond)).leftPad(10)
                    + String(format: "%.2f", row.p50).leftPad(9) + String(format: "%.2f", row.p99).leftPad(9)
                    + (row.cpu.map { String(format: "%.1f", $0) } ?? "-").leftPad(12) + rss.leftPad(9)
                    + ratio(row.requestsPerSecond, baseline("raw SwiftNIO", for: row)).leftPad(12)
                    + ratio(row.requestsPerSecond, baseline("nginx", for: row)).leftPad(10)
                    + ratio(row.requestsPerSecond, baseline("eventlet", for: row)).leftPad(13)
                    + (row.errors > 0 ? "  (\(row.errors) errors)" : "")
            )
        }
    }

    /// The targets of the performance work, each a ratio measured in this run.
    static func checks(_ rows: [Row], idle: [(String, Double?)]) -> String {
        var lines = ["\ntargets (medians, ratios within this run):"]
        func check(_ label: String, _ value: Double?, _ pass: (Double) -> Bool, _ format: String) {
            guard let value else { return }
            lines.append("  [\(pass(value) ? "ok" : "MISSED")] \(label): \(String(format: format, value))")
        }
        let counts = Set(rows.compactMap(connectionSuffix))
        let suffixes = counts.isEmpty ? [""] : counts.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }
        for suffix in suffixes {
            func row(_ name: String) -> Row? { rows.first { $0.name == name + suffix && !$0.results.isEmpty } }
            let at = suffix.isEmpty ? "" : " at\(suffix.replacingOccurrences(of: "c=", with: "")) connections"
            guard let hello = row("greenroom /") else { continue }
            let rps = hello.requestsPerSecond
            if let raw = row("raw SwiftNIO NIOHTTP1") {
                check(
                    "greenroom / >= 0.90x raw SwiftNIO\(at) (req/s)",
                    rps / raw.requestsPerSecond,
                    { $0 >= 0.90 },
                    "%.2fx"
                )
                check(
                    "greenroom /whoami trusted XFF >= 0.85x raw SwiftNIO\(at) (req/s)",
                    row("greenroom /whoami trusted XFF").map { $0.requestsPerSecond / raw.requestsPerSecond },
                    { $0 >= 0.85 },
                    "%.2fx"
                )
                if raw.p99 > 0 {
                    check("greenroom / p99 <= 1.5x raw SwiftNIO's\(at)", hello.p99 / raw.p99, { $0 <= 1.5 }, "%.2fx")
                }
            }
            check(
                "greenroom >= 10x eventlet\(at) (req/s)",
                row("eventlet wsgi.server").map { rps / $0.requestsPerSecond },
                { $0 >= 10 },
                "%.1fx"
            )
            for (name, label) in [
                ("greenroom / trusted XFF chain", "/ with a trusted XFF chain"),
                ("greenroom / access log text", "/ with the text access log"),
            ] {
                check(
                    "\(label) within 3% of /\(at) (req/s)",
                    row(name).map { $0.requestsPerSecond / rps },
                    { $0 >= 0.97 },
                    "%.3f"
                )
            }
        }
        if counts.count > 1 {
            let hellos = rows.filter { $0.name.hasPrefix("greenroom / c=") && !$0.results.isEmpty }
            if let first = hellos.first, let last = hellos.last, first.name != last.name {
                check(
                    "greenroom / throughput at the most connections within 10% of the fewest",
                    last.requestsPerSecond / first.requestsPerSecond,
                    { $0 >= 0.90 },
                    "%.2f"
                )
            }
        }
        if let cost = idle.first(where: { $0.0 == "greenroom" })?.1 {
            check("idle keep-alive connection <= 8 KiB", cost, { $0 <= 8 }, "%.1f KiB")
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
