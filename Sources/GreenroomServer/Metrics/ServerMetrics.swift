public import CoreMetrics
public import GreenroomCore

/// The server's metrics, recorded through the swift-metrics factory an embedder passes in
/// (``ServerConfiguration/metrics``), never through the global `MetricsSystem`.
///
/// Every series is created once, when this object is: one counter per status class, per
/// `via`×`decision` pair and per PROXY rejection reason, so recording a request is an array index
/// and an atomic add in the backend, with no label lookup by string. Without a `ServerMetrics`
/// (the default) the server records nothing and pays one `nil` check per event.
///
/// The series, with their names as a Prometheus backend shows them:
/// - `greenroom_http_requests_total{status="2xx"}`: responses by status class (`1xx`…`5xx`,
///   `other`), including the 400/408/431 a connection gets before a whole request head arrived;
/// - `greenroom_http_request_duration_seconds`: a histogram (swift-metrics `Timer`) of the time from
///   a request's head to its response's last byte handed to the socket;
/// - `greenroom_open_connections`: connections accepted and not yet closed;
/// - `greenroom_proxy_headers_accepted_total` and
///   `greenroom_proxy_headers_rejected_total{reason="untrusted-peer"}` (``ProxyHeaderRejection``);
/// - `greenroom_trust_decisions_total{via="x-forwarded-for",decision="untrusted-hop"}`: how each
///   request's client was decided (`ClientAddress.Via`, `ClientAddress.Decision.name`), so a spike
///   of `peer-untrusted` or `headers-disagree` shows.
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// var configuration = ServerConfiguration()
/// configuration.metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
/// ```
public final class ServerMetrics: Sendable, Hashable {
    /// The metric names (swift-metrics labels).
    public enum Name {
        /// Responses by status class; dimension `status`.
        public static let requests = "greenroom_http_requests_total"
        /// Request latency (a swift-metrics `Timer`).
        public static let requestDuration = "greenroom_http_request_duration_seconds"
        /// Open connections (a swift-metrics `Meter`).
        public static let openConnections = "greenroom_open_connections"
        /// PROXY protocol headers read from trusted peers.
        public static let proxyHeadersAccepted = "greenroom_proxy_headers_accepted_total"
        /// Connections closed for their PROXY header; dimension `reason`.
        public static let proxyHeadersRejected = "greenroom_proxy_headers_rejected_total"
        /// Trust decisions; dimensions `via` and `decision`.
        public static let trustDecisions = "greenroom_trust_decisions_total"
    }

    /// The status classes, in index order (``statusClassIndex(_:)``).
    public static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]

    /// Every decision, in index order (``decisionIndex(_:)``); `unparseableHop` stands for all its values.
    public static let decisions: [ClientAddress.Decision] = [
        .peerUntrusted, .noForwardingHeaders, .untrustedHop, .allHopsTrusted, .unparseableHop(""),
        .hopLimitReached, .fixedHopCount, .tooFewHops, .headersDisagree,
    ]

    private let requests: [Counter]
    private let duration: CoreMetrics.Timer
    private let openConnections: Meter
    private let proxyAccepted: Counter
    private let proxyRejected: [Counter]
    private let trustDecisions: [Counter]

    /// Creates every series with `factory`.
    ///
    /// - Parameter factory: the metrics backend, e.g. swift-prometheus' `PrometheusMetricsFactory`.
    public init(factory: any MetricsFactory) {
        requests = Self.statusClasses.map {
            Counter(label: Name.requests, dimensions: [("status", $0)], factory: factory)
        }
        duration = CoreMetrics.Timer(label: Name.requestDuration, dimensions: [], factory: factory)
        openConnections = Meter(label: Name.openConnections, dimensions: [], factory: factory)
        proxyAccepted = Counter(label: Name.proxyHeadersAccepted, dimensions: [], factory: factory)
        proxyRejected = ProxyHeaderRejection.allCases.map {
            Counter(label: Name.proxyHeadersRejected, dimensions: [("reason", $0.rawValue)], factory: factory)
        }
        var decisions: [Counter] = []
        for via in ClientAddress.Via.allCases {
            for decision in Self.decisions {
                decisions.append(
                    Counter(
                        label: Name.trustDecisions,
                        dimensions: [("via", via.rawValue), ("decision", decision.name)],
                        factory: factory
                    )
                )
            }
        }
        trustDecisions = decisions
    }

    /// The index of a status code's class in ``statusClasses``: `200` → 1 (`2xx`); a code outside
    /// 100…599 → 5 (`other`).
    public static func statusClassIndex(_ code: Int) -> Int {
        (100..<600).contains(code) ? code / 100 - 1 : 5
    }

    /// The index of a decision in ``decisions``.
    public static func decisionIndex(_ decision: ClientAddress.Decision) -> Int {
        switch decision {
        case .peerUntrusted: 0
        case .noForwardingHeaders: 1
        case .untrustedHop: 2
        case .allHopsTrusted: 3
        case .unparseableHop: 4
        case .hopLimitReached: 5
        case .fixedHopCount: 6
        case .tooFewHops: 7
        case .headersDisagree: 8
        }
    }

    /// The index of a `via` in `ClientAddress.Via.allCases`.
    public static func viaIndex(_ via: ClientAddress.Via) -> Int {
        switch via {
        case .peer: 0
        case .proxyProtocol: 1
        case .xForwardedFor: 2
        case .forwarded: 3
        }
    }

    /// Counts a response by its status class; with `nanoseconds`, records its latency too.
    func recordResponse(status: Int, nanoseconds: Int64?) {
        requests[Self.statusClassIndex(status)].increment()
        if let nanoseconds { duration.recordNanoseconds(nanoseconds) }
    }

    /// Counts how a request's client was decided.
    func recordDecision(_ client: ClientAddress) {
        trustDecisions[Self.viaIndex(client.via) * Self.decisions.count + Self.decisionIndex(client.decision)]
            .increment()
    }

    /// A connection was accepted.
    func connectionOpened() { openConnections.increment() }

    /// A connection closed.
    func connectionClosed() { openConnections.decrement() }

    /// A trusted peer's PROXY header was read.
    func proxyHeaderAccepted() { proxyAccepted.increment() }

    /// A connection was closed for its PROXY header (or for the lack of one).
    func proxyHeaderRejected(_ reason: ProxyHeaderRejection) {
        proxyRejected[reason.index].increment()
    }

    /// Identity: two values are equal when they are the same object.
    public static func == (lhs: ServerMetrics, rhs: ServerMetrics) -> Bool { lhs === rhs }

    /// Hashes the object's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Why a connection was closed by the PROXY protocol handler: the `reason` of
/// `greenroom_proxy_headers_rejected_total`.
public enum ProxyHeaderRejection: String, Sendable, Hashable, CaseIterable {
    /// A peer that is not trusted sent a PROXY header, or connected while one is required.
    case untrustedPeer = "untrusted-peer"
    /// The header did not parse (or was longer than allowed).
    case malformed
    /// The header did not arrive within the PROXY protocol timeout.
    case timeout
    /// `required` mode, and the connection did not start with a header.
    case missing

    var index: Int {
        switch self {
        case .untrustedPeer: 0
        case .malformed: 1
        case .timeout: 2
        case .missing: 3
        }
    }
}
