import NIOCore
import NIOHTTP1

/// The handler of a metrics listener: `GET /metrics` (and `HEAD`) answers with the text an
/// exporter writes, every other path 404, other methods 405.
///
/// It knows no metrics backend: `greenroom serve --metrics-port` passes swift-prometheus'
/// `PrometheusCollectorRegistry.emitToString`. Run it on its own ``HTTPServer`` on loopback,
/// never on the app's listener, so the app's clients cannot read it.
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// let endpoint = MetricsEndpoint { registry.emitToString() }
/// ```
public struct MetricsEndpoint: HTTPHandler {
    /// The Prometheus text exposition format's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let exposition: @Sendable () -> String

    /// Creates the endpoint.
    ///
    /// - Parameter exposition: the metrics as text, read once per scrape.
    public init(exposition: @escaping @Sendable () -> String) {
        self.exposition = exposition
    }

    private static let notFound = Response.text("Not Found\n", status: .notFound)

    /// Answers one request.
    public func handle(_ request: Request) async throws -> Response {
        guard request.path == "/metrics" else { return Self.notFound }
        guard request.method == .GET || request.method == .HEAD else { return .getOrHeadOnly }
        return Response(
            status: .ok,
            headers: ["content-type": Self.contentType],
            body: ResponseBody(string: exposition())
        )
    }
}
