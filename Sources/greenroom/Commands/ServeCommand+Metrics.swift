import GreenroomCore
import GreenroomServer
import Logging
import Prometheus
import ServiceLifecycle

extension ServeCommand {
    /// With a metrics port (`--metrics-port`, `GREENROOM_METRICS_PORT`, `app.metrics_port`): gives
    /// `configuration` a Prometheus registry to record into and returns the loopback server that
    /// exports it at `/metrics`; `nil`, changing nothing, without one.
    ///
    /// The registry is this command's own (not the global `MetricsSystem`, which stays
    /// unbootstrapped). The start-up rules already judged the metrics address (`GR093`).
    func makeMetricsServer(for configuration: inout ServerConfiguration) -> MetricsService? {
        guard let bind = configuration.metricsBind else { return nil }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From 0.5 ms: the defaults start at 5 ms, above most of a loopback app's requests.
        factory.durationHistogramBuckets[ServerMetrics.Name.requestDuration] = [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        ].map { Duration.nanoseconds(Int64($0 * 1e9)) }
        configuration.metrics = ServerMetrics(factory: factory)
        var metrics = ServerConfiguration(bind: bind, trustedProxies: .none, maxConnections: 64, accessLog: false)
        metrics.policyExemptions = Set(DeploymentPolicy.rules)
        // A scraper asks and goes: connections that idle or dawdle are not kept for it.
        (metrics.headerTimeout, metrics.idleTimeout, metrics.shutdownTimeout) = (.seconds(5), .seconds(15), .seconds(1))
        let server = HTTPServer(
            configuration: metrics,
            logger: Logger(label: "greenroom.metrics"),
            onListening: { bound in Console.out("greenroom metrics on \(bound.url)/metrics") },
            handler: MetricsEndpoint { registry.emitToString() }
        )
        return MetricsService(server: server)
    }
}

/// The metrics endpoint's server, run beside the app's: its start-up failure says it is the
/// metrics listener's (the app's message alone would name `--port`).
struct MetricsService: Service {
    let server: HTTPServer

    func run() async throws {
        do {
            try await server.run()
        } catch let error as ServerStartError {
            throw MetricsStartError(message: "the metrics endpoint (--metrics-port) \(error.message)")
        }
    }
}

/// The metrics listener could not be created.
struct MetricsStartError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
