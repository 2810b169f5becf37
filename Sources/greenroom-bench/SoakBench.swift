import Foundation

/// `greenroom-bench soak`: `greenroom serve` under load for a while, its resident memory and
/// open descriptors sampled every second; fails (exit 1) when memory keeps growing after the
/// warm-up (the slope of a least-squares line through the samples) or descriptors are not given
/// back once the load stops.
///
/// The load mixes keep-alive requests on `/` with a connection per request on `/whoami` with a
/// trusted forwarding chain, so per-request and per-connection state both get exercised.
/// Not run in CI: `--seconds 600` is the real soak; the default minute is a smoke run.
enum SoakBench {
    static let help = """
        usage: greenroom-bench soak [options]

          --seconds N        how long to load (default 60; 600 for the real soak)
          --connections N    keep-alive wrk connections on / (default 48)
          --churn N          wrk connections on /whoami, one request per connection (default 16; 0 for none)
          --warmup N         seconds of samples left out of the fit (default: a fifth of the run, at least 5)
          --max-growth KIB   fails when the fitted RSS growth after warm-up exceeds this many KiB per minute (default 256)
          --min-rise KIB     ... and adds up to more than this many KiB over the fitted span (default 2048)
          --access-log FMT   the server's access log: text, json or off (default off)
          --greenroom PATH   the greenroom binary (default: next to this one)
        """

    struct Options {
        var seconds = 60
        var connections = 48
        var churn = 16
        var warmup: Int?
        var maxGrowth = 256.0
        var minRise = 2048
        var accessLog = "off"
        var greenroom = BenchArguments.defaultGreenroom

        init(_ arguments: [String]) throws {
            var arguments = BenchArguments(arguments)
            while let flag = arguments.next() {
                switch flag {
                case "--seconds": seconds = try arguments.number(flag, minimum: 10)
                case "--connections": connections = try arguments.number(flag)
                case "--churn": churn = try arguments.number(flag, minimum: 0)
                case "--warmup": warmup = try arguments.number(flag, minimum: 0)
                case "--max-growth":
                    let text = try arguments.value(flag)
                    guard let growth = Double(text), growth > 0 else {
                        throw BenchError("--max-growth '\(text)' is not a number")
                    }
                    maxGrowth = growth
                case "--min-rise": minRise = try arguments.number(flag, minimum: 0)
                case "--access-log": accessLog = try arguments.value(flag)
                case "--greenroom": greenroom = try arguments.value(flag)
                default: throw BenchError("unknown option \(flag)\n\(help)")
                }
            }
        }

        var warmupSeconds: Int { warmup ?? max(5, seconds / 5) }
    }

    /// One sample: seconds since the load started, resident KiB, open descriptors.
    struct Sample {
        var second: Double
        var residentKiB: Int
        var descriptors: Int?
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        let options = try Options(arguments)
        try BenchArguments.requireGreenroom(options.greenroom)
        let directory = try BenchArguments.scratchDirectory("soak")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = Loopback.freePort()
        let server = try Peers(directory: directory).greenroom(
            binary: options.greenroom,
            port: port,
            extra: [
                "--access-log", options.accessLog, "--trust", "loopback", "--trust", "10.0.0.0/8", "--idle-timeout",
                "5",
            ],
            name: "greenroom"
        )
        defer { server.stop() }
        guard Loopback.waitUntilListening(port: port) else {
            throw BenchError("greenroom did not start:\n\(server.output)")
        }
        print(
            "greenroom-bench soak: \(options.seconds) s, wrk \(options.connections) keep-alive connections on / + "
                + "\(options.churn) one-request connections on /whoami, warm-up \(options.warmupSeconds) s, "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
        )
        fflush(nil)  // the header before a long run, even into a pipe or file

        let idle = Sample(second: 0, residentKiB: server.residentKiB() ?? 0, descriptors: descriptors(server.pid))
        var loads = [
            try wrk(
                name: "wrk-keepalive",
                connections: options.connections,
                seconds: options.seconds,
                url: "http://127.0.0.1:\(port)/",
                headers: [],
                directory: directory
            )
        ]
        if options.churn > 0 {
            loads.append(
                try wrk(
                    name: "wrk-churn",
                    connections: options.churn,
                    seconds: options.seconds,
                    url: "http://127.0.0.1:\(port)/whoami",
                    headers: ["Connection: close", "X-Forwarded-For: 198.51.100.7, 10.0.0.2"],
                    directory: directory
                )
            )
        }
        defer { for load in loads { load.stop() } }

        let start = Date()
        var samples: [Sample] = []
        for second in 1...options.seconds {
            let next = start.addingTimeInterval(Double(second))
            try await Task.sleep(for: .milliseconds(max(0, Int(next.timeIntervalSinceNow * 1000))))
            guard let rss = server.residentKiB() else {
                throw BenchError("greenroom exited during the soak:\n\(server.output)")
            }
            samples.append(
                Sample(second: Date().timeIntervalSince(start), residentKiB: rss, descriptors: descriptors(server.pid))
            )
        }
        let loadDeadline = Date().addingTimeInterval(30)
        for load in loads {
            while !ChildProcess.hasExited(load.pid) && Date() < loadDeadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        // Once the load is gone, every connection closes: descriptors go back to the idle count.
        var settled = descriptors(server.pid)
        let deadline = Date().addingTimeInterval(10)
        while let count = settled, let idleCount = idle.descriptors, count > idleCount, Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            settled = descriptors(server.pid)
        }

        let report = Report(options: options, idle: idle, samples: samples, settledDescriptors: settled)
        report.printSummary()
        for load in loads {
            if let result = try? Wrk.parse(load.output) {
                print(
                    "  \(load.name): \(Int(result.requestsPerSecond)) req/s, p99 \(result.p99Milliseconds) ms, "
                        + "\(result.requests) requests, \(result.errors) errors"
                )
            } else {
                print("  \(load.name): no summary:\n\(load.output)")
            }
        }
        let failures = report.failures
        for failure in failures { print("  FAILED: \(failure)") }
        print(failures.isEmpty ? "  ok: no sustained growth" : "")
        return failures.isEmpty ? 0 : 1
    }

    static func wrk(
        name: String,
        connections: Int,
        seconds: Int,
        url: String,
        headers: [String],
        directory: String
    )
        throws -> ChildProcess
    {
        var arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "--latency"]
        for header in headers { arguments += ["-H", header] }
        return try ChildProcess(
            name: name,
            executable: "/usr/bin/wrk",
            arguments: arguments + [url],
            directory: directory
        )
    }

    /// Open descriptors of `pid` (readable by root or the same user).
    static func descriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }
}
