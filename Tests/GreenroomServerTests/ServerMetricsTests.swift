import GreenroomCore
import NIOCore
import NIOEmbedded
import Prometheus
import Testing

@testable import GreenroomServer

/// ``ServerMetrics``: its label mapping, and what a server and the PROXY handler record into a
/// Prometheus registry (read back from the registry's text, as a scraper would).
@Suite struct ServerMetricsTests {
    @Test(arguments: [
        (100, "1xx"), (101, "1xx"), (199, "1xx"), (200, "2xx"), (204, "2xx"), (301, "3xx"), (399, "3xx"),
        (400, "4xx"), (404, "4xx"), (431, "4xx"), (500, "5xx"), (599, "5xx"), (99, "other"), (600, "other"),
        (0, "other"), (-1, "other"), (999, "other"),
    ])
    func statusClassOfACode(_ code: Int, _ label: String) {
        #expect(ServerMetrics.statusClasses[ServerMetrics.statusClassIndex(code)] == label)
    }

    @Test func everyDecisionHasItsOwnIndexAndItsExplainName() {
        for (index, decision) in ServerMetrics.decisions.enumerated() {
            #expect(ServerMetrics.decisionIndex(decision) == index)
        }
        #expect(
            ServerMetrics.decisionIndex(.unparseableHop("garbage")) == ServerMetrics.decisionIndex(.unparseableHop(""))
        )
        let names = ServerMetrics.decisions.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.contains("peer-untrusted") && names.contains("headers-disagree"))
    }

    @Test func everyViaHasItsOwnIndex() {
        for (index, via) in ClientAddress.Via.allCases.enumerated() { #expect(ServerMetrics.viaIndex(via) == index) }
    }

    @Test func everySeriesExistsAtZeroBeforeAnyRequest() {
        let registry = PrometheusCollectorRegistry()
        _ = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let text = registry.emitToString()
        #expect(Scrape(text)["greenroom_http_requests_total{status=\"2xx\"}"] == 0)
        #expect(Scrape(text)["greenroom_open_connections"] == 0)
        #expect(Scrape(text)["greenroom_proxy_headers_accepted_total"] == 0)
        #expect(Scrape(text)["greenroom_proxy_headers_rejected_total{reason=\"timeout\"}"] == 0)
        #expect(
            Scrape(text)["greenroom_trust_decisions_total{via=\"x-forwarded-for\",decision=\"headers-disagree\"}"] == 0
        )
        #expect(Scrape(text)["greenroom_http_request_duration_seconds_count"] == 0)
        // 6 status classes, 4 rejection reasons, 4 × 9 decisions.
        #expect(Scrape(text).series(named: "greenroom_trust_decisions_total").count == 36)
    }

    @Test func aServerCountsResponsesLatencyAndTrustDecisions() async throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = TestServer.configuration()
        configuration.metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await TestServer.with(configuration) { server in
            let trusted = try await server.request(
                "GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"
            )
            #expect(trusted?.status == 200)
            let missing = try await server.request("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(missing?.status == 404)
            // Not HTTP: the 400 comes before any head, so it has a status but no decision or latency.
            let garbage = try await server.request("NOT HTTP AT ALL\r\n\r\n")
            #expect(garbage?.status == 400)
            let closed = try await waitUntil {
                Scrape(registry.emitToString())["greenroom_open_connections"] == 0
            }
            #expect(closed)
        }
        let scrape = Scrape(registry.emitToString())
        #expect(scrape["greenroom_http_requests_total{status=\"2xx\"}"] == 1)
        #expect(scrape["greenroom_http_requests_total{status=\"4xx\"}"] == 2)
        #expect(scrape["greenroom_http_request_duration_seconds_count"] == 2)
        #expect(scrape["greenroom_trust_decisions_total{via=\"x-forwarded-for\",decision=\"untrusted-hop\"}"] == 1)
        #expect(scrape["greenroom_trust_decisions_total{via=\"peer\",decision=\"no-forwarding-headers\"}"] == 1)
        #expect(scrape.series(named: "greenroom_trust_decisions_total").values.reduce(0, +) == 2)
    }

    @Test func forgedHeadersFromAnUntrustedPeerCountAsPeerUntrusted() async throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = TestServer.configuration()
        configuration.trustedProxies = .none
        configuration.metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await TestServer.with(configuration) { server in
            for _ in 0..<3 {
                _ = try await server.request("GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")
            }
        }
        let scrape = Scrape(registry.emitToString())
        #expect(scrape["greenroom_trust_decisions_total{via=\"peer\",decision=\"peer-untrusted\"}"] == 3)
    }

    @Test func aReloadKeepsTheServersMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = TestServer.configuration()
        configuration.metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await TestServer.with(configuration) { server in
            var reloaded = server.server.configuration
            reloaded.metrics = nil
            reloaded.trustedProxies = .none
            try server.server.reload(to: reloaded)
            #expect(server.server.configuration.metrics === configuration.metrics)
            _ = try await server.request("GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")
            var movedPort = server.server.configuration
            movedPort.metricsPort = 9100
            #expect(throws: ConfigurationError.self) { try server.server.reload(to: movedPort) }
        }
        let scrape = Scrape(registry.emitToString())
        #expect(scrape["greenroom_trust_decisions_total{via=\"peer\",decision=\"peer-untrusted\"}"] == 1)
    }

    /// What a client writes never becomes a label: a hundred different garbage hops, paths and
    /// methods leave the same series, and count under `unparseable-hop`.
    @Test func clientTextNeverBecomesALabel() async throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = TestServer.configuration()
        configuration.metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let before = Scrape(registry.emitToString()).values.count
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            for index in 0..<100 {
                try await client.send(
                    "GET /p\(index)?q=\(index) HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: garbage-\(index), 127.0.0.1\r\n\r\n"
                )
                _ = try await client.readResponse()
            }
            await client.close()
        }
        let scrape = Scrape(registry.emitToString())
        #expect(scrape.values.count == before)
        #expect(scrape["greenroom_trust_decisions_total{via=\"x-forwarded-for\",decision=\"unparseable-hop\"}"] == 100)
        #expect(scrape["greenroom_http_requests_total{status=\"4xx\"}"] == 100)
    }

    // MARK: PROXY protocol

    static func proxyChannel(
        _ mode: ProxyProtocolMode,
        trusted: Bool = true,
        metrics: ServerMetrics
    ) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let handler = ProxyProtocolHandler(
            mode: mode,
            trustedProxies: trusted ? .loopback : try TrustedProxies(parsing: ["192.0.2.0/24"]),
            timeout: .seconds(5)
        )
        handler.metrics = metrics
        try channel.pipeline.syncOperations.addHandler(handler)
        return channel
    }

    static let proxyHeader = Array("PROXY TCP4 192.0.2.1 198.51.100.1 4711 443\r\n".utf8)
    static let http = Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8)

    @Test func proxyHeadersAcceptedAndRejectedByReason() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))

        let accepted = try Self.proxyChannel(.required, metrics: metrics)
        try accepted.writeInbound(ByteBuffer(bytes: Self.proxyHeader + Self.http))
        _ = try accepted.finish()

        let optionalWithout = try Self.proxyChannel(.optional, metrics: metrics)
        try optionalWithout.writeInbound(ByteBuffer(bytes: Self.http))
        _ = try optionalWithout.finish()

        let untrusted = try Self.proxyChannel(.optional, trusted: false, metrics: metrics)
        try untrusted.writeInbound(ByteBuffer(bytes: Self.proxyHeader))
        #expect(!untrusted.isActive)

        let untrustedRequired = try Self.proxyChannel(.required, trusted: false, metrics: metrics)
        #expect(!untrustedRequired.isActive)

        let malformed = try Self.proxyChannel(.required, metrics: metrics)
        try malformed.writeInbound(ByteBuffer(bytes: Array("PROXY TCP4 999.0.2.1 198.51.100.1 1 2\r\n".utf8)))
        #expect(!malformed.isActive)

        let missing = try Self.proxyChannel(.required, metrics: metrics)
        try missing.writeInbound(ByteBuffer(bytes: Self.http))
        #expect(!missing.isActive)

        let slow = try Self.proxyChannel(.required, metrics: metrics)
        try slow.writeInbound(ByteBuffer(bytes: Array(Self.proxyHeader.prefix(10))))
        slow.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!slow.isActive)

        let scrape = Scrape(registry.emitToString())
        #expect(scrape["greenroom_proxy_headers_accepted_total"] == 1)
        #expect(scrape["greenroom_proxy_headers_rejected_total{reason=\"untrusted-peer\"}"] == 2)
        #expect(scrape["greenroom_proxy_headers_rejected_total{reason=\"malformed\"}"] == 1)
        #expect(scrape["greenroom_proxy_headers_rejected_total{reason=\"missing\"}"] == 1)
        #expect(scrape["greenroom_proxy_headers_rejected_total{reason=\"timeout\"}"] == 1)
    }
}

/// A Prometheus text scrape as series → value (comments left out).
struct Scrape {
    let values: [String: Double]

    init(_ text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    subscript(series: String) -> Double? { values[series] }

    /// The series of one metric name, with their values.
    func series(named name: String) -> [String: Double] {
        values.filter { $0.key == name || $0.key.hasPrefix(name + "{") }
    }
}
