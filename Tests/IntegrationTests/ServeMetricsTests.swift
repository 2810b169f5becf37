import Foundation
import Testing

/// `greenroom serve --metrics-port`: a real process, its Prometheus endpoint scraped while load
/// runs and afterwards with exact counts; the metrics listener and the app's are separate; a
/// metrics address off loopback is refused (GR093).
@Suite struct ServeMetricsTests {
    /// A running `serve` with its app and metrics ports.
    struct Running {
        let serve: ServeProcess
        let appPort: UInt16
        let metricsPort: UInt16
    }

    /// Starts `serve --port 0 --metrics-port 0 flags...` (without `--metrics-port` when
    /// `metricsFlag` is `false`: the spec gives it) and reads both ports off its output.
    static func start(_ flags: [String], scratch: TemporaryDirectory, metricsFlag: Bool = true) async throws -> Running
    {
        let serve = try await ServeProcess.start(
            ["--port", "0", "--access-log", "off"] + (metricsFlag ? ["--metrics-port", "0"] : []) + flags,
            readiness: .startupLine,
            logDirectory: scratch
        )
        let marker = "greenroom metrics on http://127.0.0.1:"
        try await serve.process.waitUntil("the metrics line") { serve.output.contains(marker) }
        let metricsPort = serve.output.components(separatedBy: "\n").first { $0.hasPrefix(marker) }
            .flatMap { UInt16($0.dropFirst(marker.count).prefix { $0.isNumber }) }
        guard let metricsPort, let appPort = serve.url.split(separator: ":").last.flatMap({ UInt16($0) }) else {
            serve.stop()
            throw HarnessError("no ports in serve's output: \(serve.output)")
        }
        return Running(serve: serve, appPort: appPort, metricsPort: metricsPort)
    }

    /// One request on a new connection.
    static func get(_ path: String, port: UInt16, method: String = "GET") throws -> RawResponse {
        let connection = try RawConnection.open(port: port)
        defer { connection.close() }
        try connection.send("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return try connection.readResponse()
    }

    /// `/metrics` as series → value.
    static func scrape(_ port: UInt16) throws -> [String: Double] {
        let response = try get("/metrics", port: port)
        guard response.status == 200 else { throw HarnessError("scrape: \(response)") }
        var values: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw HarnessError("not a sample line: \(line)")
            }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// Where the workers stop halfway, connection still open, until the test has scraped.
    final class Halfway: Sendable {
        let arrived = SharedCounter()
        let released = StopFlag()

        func wait() throws {
            arrived.increment()
            let deadline = ContinuousClock.now + .seconds(30)
            while !released.isRaised {
                guard ContinuousClock.now < deadline else { throw HarnessError("never released halfway") }
                usleep(1000)
            }
        }
    }

    /// Sends `count` requests on keep-alive connections of `perConnection` requests each, every
    /// connection starting with `preamble`, and waits at `halfway` after half of them; returns the
    /// statuses seen.
    static func load(
        port: UInt16,
        preamble: String = "",
        request: String,
        count: Int,
        perConnection: Int,
        halfway: Halfway
    ) throws -> [Int: Int] {
        var statuses: [Int: Int] = [:]
        var sent = 0
        while sent < count {
            let connection = try RawConnection.open(port: port)
            defer { connection.close() }
            if !preamble.isEmpty { try connection.send(preamble) }
            for _ in 0..<min(perConnection, count - sent) {
                try connection.send(request)
                statuses[try connection.readResponse().status, default: 0] += 1
                sent += 1
                if sent == count / 2 { try halfway.wait() }
            }
        }
        return statuses
    }

    static let requests = 200
    static let trustedChain = "GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"
    /// Through a trusted proxy (PROXY header from loopback) for a client that forges its own address.
    static let proxied = "PROXY TCP4 203.0.113.9 127.0.0.1 4711 80\r\n"
    static let forged = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 10.6.6.6\r\n\r\n"
    static let missing = "GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n"

    @Test func scrapedDuringAndAfterLoadWithExactCounts() async throws {
        let scratch = try TemporaryDirectory("greenroom-metrics")
        let running = try await Self.start(["--trust", "loopback", "--proxy-protocol", "optional"], scratch: scratch)
        defer { running.serve.stop() }
        let app = running.appPort
        let before = try Self.scrape(running.metricsPort)
        #expect(before["greenroom_http_requests_total{status=\"2xx\"}"] == 0)

        // 4 workers × 200 requests: two trusted chains, one forging behind a trusted PROXY header
        // (10 connections, so 10 headers accepted), one asking for a missing page.
        let halfway = Halfway()
        let workers: [@Sendable () throws -> [Int: Int]] = [
            {
                try Self.load(
                    port: app,
                    request: Self.trustedChain,
                    count: Self.requests,
                    perConnection: 50,
                    halfway: halfway
                )
            },
            {
                try Self.load(
                    port: app,
                    request: Self.trustedChain,
                    count: Self.requests,
                    perConnection: 200,
                    halfway: halfway
                )
            },
            {
                try Self.load(
                    port: app,
                    preamble: Self.proxied,
                    request: Self.forged,
                    count: Self.requests,
                    perConnection: 20,
                    halfway: halfway
                )
            },
            {
                try Self.load(
                    port: app,
                    request: Self.missing,
                    count: Self.requests,
                    perConnection: 100,
                    halfway: halfway
                )
            },
        ]
        let finished = SharedCounter()
        let (statuses, duringScrapes) = try await withThrowingTaskGroup(of: [Int: Int].self) { group in
            for worker in workers {
                group.addTask {
                    defer { finished.increment() }
                    return try await onThread(worker)
                }
            }
            // Halfway, every worker holds one connection open: exactly half the requests counted.
            var middle: [String: Double] = [:]
            try await waitUntil("every worker halfway, its requests counted") {
                guard halfway.arrived.count == workers.count else { return false }
                middle = try Self.scrape(running.metricsPort)
                return middle["greenroom_http_request_duration_seconds_count"] == Double(2 * Self.requests)
            }
            #expect(middle["greenroom_open_connections"] == Double(workers.count))
            #expect(middle["greenroom_http_requests_total{status=\"2xx\"}"] == Double(3 * Self.requests / 2))
            #expect(middle["greenroom_http_requests_total{status=\"4xx\"}"] == Double(Self.requests / 2))
            #expect(middle["greenroom_proxy_headers_accepted_total"] == Double(Self.requests / 2 / 20))
            halfway.released.raise()
            // Scrape while the rest runs: every scrape parses, and the counts only grow.
            var scrapes: [[String: Double]] = [middle]
            while finished.count < workers.count {
                scrapes.append(try await onThread { try Self.scrape(running.metricsPort) })
                try await Task.sleep(for: .milliseconds(20))
            }
            var statuses: [Int: Int] = [:]
            for try await result in group { statuses.merge(result, uniquingKeysWith: +) }
            return (statuses, scrapes)
        }
        #expect(statuses == [200: 3 * Self.requests, 404: Self.requests])

        // Three malformed PROXY headers from a trusted peer: closed without a response.
        for _ in 0..<3 {
            let connection = try RawConnection.open(port: app)
            try connection.send("PROXY TCP4 999.0.0.1 127.0.0.1 1 2\r\n\r\n")
            #expect(connection.peerEnds(within: .seconds(5)))
            connection.close()
        }

        #expect(!duringScrapes.isEmpty)
        let total = "greenroom_http_request_duration_seconds_count"
        let counts = duringScrapes.map { $0[total] ?? -1 }
        #expect(counts == counts.sorted(), "counts went down between scrapes: \(counts)")
        #expect(counts.allSatisfy { $0 >= 0 && $0 <= Double(4 * Self.requests) }, "\(counts)")

        // The last response can reach the client a moment before its count: wait for the totals.
        var after: [String: Double] = [:]
        try await waitUntil("all requests counted and connections closed") {
            after = try Self.scrape(running.metricsPort)
            return after[total] == Double(4 * Self.requests) && after["greenroom_open_connections"] == 0
                && after["greenroom_proxy_headers_rejected_total{reason=\"malformed\"}"] == 3
        }
        #expect(after["greenroom_http_requests_total{status=\"2xx\"}"] == Double(3 * Self.requests))
        #expect(after["greenroom_http_requests_total{status=\"4xx\"}"] == Double(Self.requests))
        #expect(after["greenroom_http_requests_total{status=\"5xx\"}"] == 0)
        #expect(after["greenroom_http_request_duration_seconds_bucket{le=\"+Inf\"}"] == Double(4 * Self.requests))
        #expect(
            after["greenroom_trust_decisions_total{via=\"x-forwarded-for\",decision=\"untrusted-hop\"}"]
                == Double(2 * Self.requests)
        )
        #expect(
            after["greenroom_trust_decisions_total{via=\"proxy-protocol\",decision=\"peer-untrusted\"}"]
                == Double(Self.requests)
        )
        #expect(
            after["greenroom_trust_decisions_total{via=\"peer\",decision=\"no-forwarding-headers\"}"]
                == Double(Self.requests)
        )
        let decisions = after.filter { $0.key.hasPrefix("greenroom_trust_decisions_total{") }.values.reduce(0, +)
        #expect(decisions == Double(4 * Self.requests))
        #expect(after["greenroom_proxy_headers_accepted_total"] == Double(Self.requests / 20))
        #expect(after["greenroom_proxy_headers_rejected_total{reason=\"untrusted-peer\"}"] == 0)
    }

    @Test func theMetricsListenerIsNotTheAppListener() async throws {
        let scratch = try TemporaryDirectory("greenroom-metrics")
        let running = try await Self.start([], scratch: scratch)
        defer { running.serve.stop() }
        let metrics = try Self.get("/metrics", port: running.metricsPort)
        #expect(metrics.status == 200)
        #expect(metrics.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.text.contains("# TYPE greenroom_http_requests_total counter"))
        for path in ["/", "/whoami", "/healthz", "/metrics/", "/metricsx", "//metrics"] {
            #expect(try Self.get(path, port: running.metricsPort).status == 404, "\(path) on the metrics port")
        }
        #expect(try Self.get("/metrics?name=x", port: running.metricsPort).status == 200)
        #expect(try Self.get("/metrics", port: running.metricsPort, method: "POST").status == 405)
        #expect(try Self.get("/metrics", port: running.appPort).status == 404)
        #expect(try Self.get("/", port: running.appPort).status == 200)
        // Requests to the metrics listener are not the app's: they are not counted.
        let after = try Self.scrape(running.metricsPort)
        #expect(after["greenroom_http_requests_total{status=\"4xx\"}"] == 1, "only the app's /metrics 404")
        #expect(after["greenroom_http_requests_total{status=\"2xx\"}"] == 1)
    }

    @Test(arguments: [
        (["--host", "10.0.0.5", "--trust", "10.0.0.2", "--metrics-port", "19100"], [:], "10.0.0.5:19100"),
        (["--host", "0.0.0.0", "--allow-public"], ["GREENROOM_METRICS_PORT": "19101"], "0.0.0.0:19101"),
    ])
    func aMetricsAddressOffLoopbackIsRefused(
        flags: [String],
        environment: [String: String],
        shown: String
    )
        async throws
    {
        let result = try await ServeEnvironmentTests.serve(["--port", "18000"] + flags, environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("refusing to serve metrics on \(shown)"), "\(result)")
        #expect(result.stderr.contains("[GR093]"), "\(result)")
        #expect(!result.stdout.contains("greenroom starting up"), "\(result)")
    }

    /// The README's sample scrape (after `<!-- metrics-sample -->`): the same three requests on a
    /// fresh server, and every line shown (but the `_sum`, a time) is in the real scrape.
    @Test func theReadmeSampleIsWhatAScrapeShows() async throws {
        let readme = try String(contentsOfFile: "\(packageRoot)/README.md", encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- metrics-sample -->\n```\n"))
        let block = String(readme[marker.upperBound...]).components(separatedBy: "\n```")[0]
        let shown = block.split(separator: "\n").map(String.init).filter { !$0.contains("_sum ") }
        #expect(shown.count >= 10)

        let scratch = try TemporaryDirectory("greenroom-metrics")
        let running = try await Self.start([], scratch: scratch)
        defer { running.serve.stop() }
        #expect(try Self.get("/", port: running.appPort).status == 200)
        let whoami = try RawConnection.open(port: running.appPort)
        try whoami.send(
            "GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.7\r\nConnection: close\r\n\r\n"
        )
        #expect(try whoami.readResponse().status == 200)
        whoami.close()
        #expect(try Self.get("/nowhere", port: running.appPort).status == 404)
        try await waitUntil("three requests counted, connections closed") {
            let values = try Self.scrape(running.metricsPort)
            return values["greenroom_http_request_duration_seconds_count"] == 3
                && values["greenroom_open_connections"] == 0
        }
        let scraped = Set(
            try Self.get("/metrics", port: running.metricsPort).text.split(separator: "\n").map(String.init)
        )
        for line in shown {
            #expect(scraped.contains(line), "README.md's sample line '\(line)' is not in a real scrape")
        }
    }

    /// A metrics port another process holds: `serve` stops (exit 1) saying it is the metrics
    /// listener's, not the app's.
    @Test func aTakenMetricsPortIsNamed() async throws {
        let scratch = try TemporaryDirectory("greenroom-metrics")
        let first = try await Self.start([], scratch: scratch)
        defer { first.serve.stop() }
        let result = try await ServeEnvironmentTests.serve(
            ["--port", "0", "--metrics-port", "\(first.metricsPort)", "--access-log", "off"],
            environment: [:]
        )
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.contains(
                "the metrics endpoint (--metrics-port) cannot listen on 127.0.0.1:\(first.metricsPort)"
            ),
            "\(result)"
        )
        // The first server's metrics are unharmed.
        #expect(try Self.get("/metrics", port: first.metricsPort).status == 200)
    }

    /// SIGHUP keeps the counts and the series (a trust change shows as a new decision), and
    /// refuses a new metrics port ("restart").
    @Test func aReloadKeepsTheCountsAndRefusesANewMetricsPort() async throws {
        let scratch = try TemporaryDirectory("greenroom-metrics-reload")
        let ports = try FreePort.allocate(2)
        let (metricsPort, otherPort) = (ports[0], ports[1])
        let spec = try scratch.write(
            "greenroom.yml",
            "app:\n  trust: [loopback]\n  forwarded_headers: x-forwarded\n  metrics_port: \(metricsPort)\n"
        )
        // The port comes from the spec (a flag would win over any spec, at reload too).
        let running = try await Self.start(["--config", spec], scratch: scratch, metricsFlag: false)
        defer { running.serve.stop() }
        #expect(running.metricsPort == metricsPort)
        let request = "GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n"
        let connection = try RawConnection.open(port: running.appPort)
        try connection.send(request)
        #expect(try connection.readResponse().status == 200)

        _ = try scratch.write(
            "greenroom.yml",
            "app:\n  trust: [loopback]\n  forwarded_headers: forwarded\n  metrics_port: \(metricsPort)\n"
        )
        try await ServeReloadTests.reload(running.serve, count: 1)
        #expect(running.serve.output.contains("configuration reloaded"), "\(running.serve.output)")
        try connection.send(request)
        #expect(try connection.readResponse().status == 200)

        _ = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n  metrics_port: \(otherPort)\n")
        try await ServeReloadTests.reload(running.serve, count: 2)
        #expect(running.serve.output.contains("reload cannot change the metrics port"), "\(running.serve.output)")
        connection.close()

        try await waitUntil("both requests counted") {
            try Self.scrape(running.metricsPort)["greenroom_http_request_duration_seconds_count"] == 2
        }
        let after = try Self.scrape(running.metricsPort)
        // Before the reload the X-Forwarded-For hop named the client; after it, only `Forwarded` counts.
        #expect(after["greenroom_trust_decisions_total{via=\"x-forwarded-for\",decision=\"untrusted-hop\"}"] == 1)
        #expect(after["greenroom_trust_decisions_total{via=\"peer\",decision=\"no-forwarding-headers\"}"] == 1)
        #expect(!FreePort.isAccepting(port: otherPort))
    }

    /// Off by default: no metrics listener, no line about one, and the app has no `/metrics`.
    @Test func withoutTheFlagThereIsNoMetricsListener() async throws {
        let scratch = try TemporaryDirectory("greenroom-metrics-off")
        let serve = try await ServeProcess.start(["--port", "0"], readiness: .startupLine, logDirectory: scratch)
        defer { serve.stop() }
        let port = try #require(serve.url.split(separator: ":").last.flatMap { UInt16($0) })
        #expect(try Self.get("/metrics", port: port).status == 404)
        // Both listeners start together, so a metrics line would usually be out by the start-up line.
        #expect(!serve.output.contains("greenroom metrics on"), "\(serve.output)")
    }
}
