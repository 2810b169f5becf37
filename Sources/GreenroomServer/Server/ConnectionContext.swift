import GreenroomCore
import Logging
import NIOCore
import Synchronization

/// What every connection of one server shares: the handler, the trust decisions, the limits.
final class ConnectionContext: Sendable {
    let handler: any HTTPHandler
    let resolver: ForwardedResolver
    let sanitizer: HeaderSanitizer
    let configuration: ServerConfiguration
    let logger: Logger
    let accessLog: AccessLog
    private let quiescingFlag = Atomic<Bool>(false)

    init(
        handler: any HTTPHandler,
        configuration: ServerConfiguration,
        logger: Logger,
        accessLogWriter: (any AccessLogWriter)? = nil
    ) {
        self.handler = handler
        self.configuration = configuration
        self.resolver = configuration.resolver
        self.sanitizer = HeaderSanitizer()
        self.logger = logger
        self.accessLog = AccessLog(logger: logger, enabled: configuration.accessLog, writer: accessLogWriter)
    }

    /// `true` once graceful shutdown began: responses say `Connection: close`.
    var isQuiescing: Bool { quiescingFlag.load(ordering: .relaxed) }

    func startQuiescing() { quiescingFlag.store(true, ordering: .relaxed) }

    /// The pipeline's limits.
    var limits: HTTPConnectionStateMachine.Limits {
        HTTPConnectionStateMachine.Limits(
            maxBodyBytes: configuration.maxBodyBytes,
            headerTimeout: TimeAmount(configuration.headerTimeout),
            idleTimeout: TimeAmount(configuration.idleTimeout),
            bodyTimeout: TimeAmount(configuration.bodyTimeout)
        )
    }
}

extension TimeAmount {
    /// The same span as a `Duration`, in nanoseconds (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled &+ attoseconds / 1_000_000_000)
    }
}
