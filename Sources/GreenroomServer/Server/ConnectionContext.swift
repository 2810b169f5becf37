import GreenroomCore
import Logging
import NIOCore
import Synchronization

/// What every connection of one server shares: the handler, the logger, and the current
/// ``ConnectionSettings`` (whom to trust, the limits), which a reload replaces.
final class ConnectionContext: Sendable {
    let handler: any HTTPHandler
    let logger: Logger
    let accessLogWriter: (any AccessLogWriter)?
    /// The metrics of the configuration the server started with (`nil`: none recorded).
    let metrics: ServerMetrics?
    private let current: Mutex<ConnectionSettings>
    private let quiescingFlag = Atomic<Bool>(false)

    init(
        handler: any HTTPHandler,
        configuration: ServerConfiguration,
        logger: Logger,
        accessLogWriter: (any AccessLogWriter)? = nil
    ) {
        self.handler = handler
        self.logger = logger
        self.accessLogWriter = accessLogWriter
        self.metrics = configuration.metrics
        self.current = Mutex(
            ConnectionSettings(
                configuration: configuration,
                accessLog: AccessLog(logger: logger, enabled: configuration.accessLog, writer: accessLogWriter)
            )
        )
    }

    /// The settings new requests and connections get.
    var settings: ConnectionSettings { current.withLock { $0 } }

    /// Replaces the settings for every request and connection that starts from now on.
    func replaceSettings(with configuration: ServerConfiguration) {
        let settings = ConnectionSettings(
            configuration: configuration,
            accessLog: AccessLog(logger: logger, enabled: configuration.accessLog, writer: accessLogWriter)
        )
        current.withLock { $0 = settings }
    }

    /// `true` once graceful shutdown began: responses say `Connection: close`.
    var isQuiescing: Bool { quiescingFlag.load(ordering: .relaxed) }

    func startQuiescing() { quiescingFlag.store(true, ordering: .relaxed) }
}

extension TimeAmount {
    /// The same span as a `Duration`, in nanoseconds (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled &+ attoseconds / 1_000_000_000)
    }
}
