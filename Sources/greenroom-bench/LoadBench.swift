import Foundation

/// `greenroom-bench load`: wrk on loopback against greenroom, eventlet's `wsgi.server` and
/// nginx `return 200` (1 worker) in the same run, then the memory cost of idle keep-alive
/// connections on each. Prints a table with ratios and checks the issue's targets.
enum LoadBench {
    static let help = """
        usage: greenroom-bench load [options]

          --seconds N        wrk duration per scenario (default 10)
          --connections N    wrk connections (default 64)
          --threads N        wrk threads (default 2)
          --idle N           idle keep-alive connections for the memory test (default 10000; 0 skips)
          --greenroom PATH   the greenroom binary (default: next to this one)
          --venv DIR         virtualenv for eventlet (default /tmp/greenroom-bench-venv)
          --skip-eventlet    do not run eventlet
          --skip-nginx       do not run nginx
        """

    struct Options {
        var wrk = Wrk()
        var idle = 10_000
        var greenroom: String = {
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            return (me as NSString).deletingLastPathComponent + "/greenroom"
        }()
        var venv = "/tmp/greenroom-bench-venv"
        var eventlet = true
        var nginx = true

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            func value(_ flag: String) throws -> String {
                guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
                return next
            }
            func number(_ flag: String) throws -> Int {
                let text = try value(flag)
                guard let number = Int(text), number >= 0 else { throw BenchError("\(flag) '\(text)' is not a count") }
                return number
            }
            while let flag = rest.popFirst() {
                switch flag {
                case "--seconds": wrk.seconds = max(1, try number(flag))
                case "--connections": wrk.connections = max(1, try number(flag))
                case "--threads": wrk.threads = max(1, try number(flag))
                case "--idle": idle = try number(flag)
                case "--greenroom": greenroom = try value(flag)
                case "--venv": venv = try value(flag)
                case "--skip-eventlet": eventlet = false
                case "--skip-nginx": nginx = false
                default: throw BenchError("unknown option \(flag)\n\(help)")
                }
            }
        }
    }

    struct Row {
        var name: String
        var result: Wrk.Result
        var rssKiB: Int?
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        if arguments.contains("--help") {
            print(help)
            return 0
        }
        let options = try Options(arguments)
        guard FileManager.default.isExecutableFile(atPath: options.greenroom) else {
            throw BenchError("no greenroom binary at \(options.greenroom) (build it: swift build -c release)")
        }
        let directory = NSTemporaryDirectory() + "greenroom-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let peers = Peers(directory: directory)
        let wrk = options.wrk
        print("greenroom-bench load: wrk -t\(wrk.threads) -c\(wrk.connections) -d\(wrk.seconds)s on 127.0.0.1, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())")

        var rows: [Row] = []
        var idle: [(String, Double?)] = []

        if options.nginx {
            let port = Loopback.freePort()
            let nginx = try peers.nginx(port: port)
            defer { nginx.stop() }
            try await measure("nginx return 200 (1 worker)", port: port, process: nginx, wrk: wrk, rows: &rows) {
                $0.residentKiBWithChildren()
            }
            if options.idle > 0 { idle.append(("nginx", try await idleCost(options.idle, port: port, process: nginx, children: true))) }
        }
        if options.eventlet {
            let port = Loopback.freePort()
            let eventlet = try peers.eventlet(port: port, venv: options.venv)
            defer { eventlet.stop() }
            try await measure("eventlet wsgi.server", port: port, process: eventlet, wrk: wrk, rows: &rows)
            if options.idle > 0 { idle.append(("eventlet", try await idleCost(options.idle, port: port, process: eventlet))) }
        }

        let xff = ["X-Forwarded-For: 198.51.100.7, 10.0.0.2"]
        let trust = ["--trust", "loopback", "--trust", "10.0.0.0/8"]
        let scenarios: [(name: String, path: String, headers: [String], flags: [String])] = [
            ("greenroom /", "/", [], ["--access-log", "off"]),
            ("greenroom / access log text", "/", [], ["--access-log", "text"]),
            ("greenroom / access log json", "/", [], ["--access-log", "json"]),
            ("greenroom / trusted XFF chain", "/", xff, ["--access-log", "off"] + trust),
            ("greenroom /whoami trusted XFF", "/whoami", xff, ["--access-log", "off"] + trust),
        ]
        for (index, scenario) in scenarios.enumerated() {
            let port = Loopback.freePort()
            let server = try peers.greenroom(
                binary: options.greenroom, port: port, extra: scenario.flags, name: "greenroom-\(index)")
            defer { server.stop() }
            try await measure(scenario.name, port: port, path: scenario.path, headers: scenario.headers, process: server,
                wrk: wrk, rows: &rows)
            if index == 0 && options.idle > 0 {
                idle.append(("greenroom", try await idleCost(options.idle, port: port, process: server)))
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

    static func measure(
        _ name: String, port: Int, path: String = "/", headers: [String] = [], process: ChildProcess, wrk: Wrk,
        rows: inout [Row], rss: (ChildProcess) -> Int? = { $0.residentKiB() }
    ) async throws {
        guard Loopback.waitUntilListening(port: port) else {
            throw BenchError("\(name) did not start:\n\(process.output)")
        }
        // Warm up (allocator pools, JIT-less caches, TCP) before measuring.
        _ = try Wrk(threads: wrk.threads, connections: wrk.connections, seconds: 1)
            .run(url: "http://127.0.0.1:\(port)\(path)", headers: headers)
        let result = try wrk.run(url: "http://127.0.0.1:\(port)\(path)", headers: headers)
        let row = Row(name: name, result: result, rssKiB: rss(process))
        print("  \(name): \(Int(result.requestsPerSecond)) req/s, p99 \(result.p99Milliseconds) ms")
        rows.append(row)
    }

    /// KiB of RSS per idle keep-alive connection.
    static func idleCost(_ count: Int, port: Int, process: ChildProcess, children: Bool = false) async throws -> Double? {
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
        let nginx = rows.first { $0.name.hasPrefix("nginx") }?.result.requestsPerSecond
        let eventlet = rows.first { $0.name.hasPrefix("eventlet") }?.result.requestsPerSecond
        func ratio(_ value: Double, _ base: Double?) -> String {
            base.map { String(format: "%.2fx", value / $0) } ?? "-"
        }
        print("")
        print("scenario".padding(32) + "req/s".leftPad(10) + "p99 ms".leftPad(9) + "RSS MiB".leftPad(9)
            + "vs nginx".leftPad(10) + "vs eventlet".leftPad(13))
        for row in rows {
            let rss = row.rssKiB.map { String(format: "%.1f", Double($0) / 1024) } ?? "-"
            print(
                row.name.padding(32) + String(Int(row.result.requestsPerSecond)).leftPad(10)
                    + String(format: "%.2f", row.result.p99Milliseconds).leftPad(9) + rss.leftPad(9)
                    + ratio(row.result.requestsPerSecond, nginx).leftPad(10)
                    + ratio(row.result.requestsPerSecond, eventlet).leftPad(13)
                    + (row.result.errors > 0 ? "  (\(row.result.errors) errors)" : ""))
        }
    }

    static func checks(_ rows: [Row], idle: [(String, Double?)]) -> String {
        func rps(_ prefix: String) -> Double? { rows.first { $0.name == prefix }?.result.requestsPerSecond }
        var lines = ["\ntargets:"]
        func check(_ label: String, _ value: Double?, _ pass: (Double) -> Bool, _ format: String) {
            guard let value else { return }
            lines.append("  [\(pass(value) ? "ok" : "MISSED")] \(label): \(String(format: format, value))")
        }
        let hello = rps("greenroom /")
        if let hello {
            check("greenroom >= 10x eventlet", rps("eventlet wsgi.server").map { hello / $0 }, { $0 >= 10 }, "%.1fx")
            check("greenroom >= 0.6x nginx", rps("nginx return 200 (1 worker)").map { hello / $0 }, { $0 >= 0.6 }, "%.2fx")
            check("/ with trusted XFF chain within 3% of /", rps("greenroom / trusted XFF chain").map { $0 / hello },
                { $0 >= 0.97 }, "%.3f")
            check("/whoami with trusted XFF chain within 3% of /", rps("greenroom /whoami trusted XFF").map { $0 / hello },
                { $0 >= 0.97 }, "%.3f")
            check("access log text cost", rps("greenroom / access log text").map { $0 / hello }, { $0 >= 0.85 }, "%.3f of /")
        }
        if let cost = idle.first(where: { $0.0 == "greenroom" })?.1 {
            check("idle keep-alive connection < 20 KiB", cost, { $0 < 20 }, "%.1f KiB")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
