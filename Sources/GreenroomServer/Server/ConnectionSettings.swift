import GreenroomCore
import NIOCore

/// One immutable snapshot of what the server's connections are told to do: whom to trust, the
/// limits and timeouts, the access log. ``ConnectionContext`` holds the current one; a reload
/// (``HTTPServer/reload(to:)``) swaps in a new one whole, so a request never sees half of each.
///
/// A request reads the snapshot once, when its head arrives, and keeps it to the end; a
/// connection reads it once when it is accepted, for what its pipeline is built with (PROXY
/// protocol, header size, timeouts).
final class ConnectionSettings: Sendable {
    let configuration: ServerConfiguration
    let resolver: ForwardedResolver
    let sanitizer: HeaderSanitizer
    let accessLog: AccessLog
    /// The pipeline's limits.
    let limits: HTTPConnectionStateMachine.Limits

    init(configuration: ServerConfiguration, accessLog: AccessLog) {
        self.configuration = configuration
        self.resolver = configuration.resolver
        self.sanitizer = HeaderSanitizer()
        self.accessLog = accessLog
        self.limits = HTTPConnectionStateMachine.Limits(
            maxBodyBytes: configuration.maxBodyBytes,
            headerTimeout: TimeAmount(configuration.headerTimeout),
            idleTimeout: TimeAmount(configuration.idleTimeout),
            bodyTimeout: TimeAmount(configuration.bodyTimeout),
            shutdownGrace: TimeAmount(min(.seconds(1), configuration.shutdownTimeout))
        )
    }
}
