#if Hummingbird
public import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore
public import ServiceLifecycle

extension Application {
    /// Creates an app served behind a proxy by Greenroom's trust layer, after the start-up policy
    /// accepted its address and trust: Hummingbird's `init(router:server:configuration:...)` with
    /// `server: .greenroom(greenroom, configuration: http1)`.
    ///
    /// The policy (``GreenroomOptions/checkStartup(address:effectiveUserID:)``) runs here, before
    /// the app exists, so a refused deployment never listens. Its warnings are logged.
    ///
    /// - Parameters:
    ///   - router: the router that builds the responder.
    ///   - greenroom: whom to trust and how.
    ///   - http1: the HTTP/1 settings, as for `.http1(configuration:)`.
    ///   - configuration: the application configuration; its `address` is what the policy judges.
    ///   - services: services for the app's service group.
    ///   - onServerRunning: called once the server listens.
    ///   - eventLoopGroupProvider: where the event loops come from.
    ///   - logger: the app's logger.
    /// - Throws: `DeploymentPolicyRefusal` naming each violated rule, or `ConfigurationError`.
    public init<ResponderBuilder: HTTPResponderBuilder>(
        router: ResponderBuilder,
        greenroom: GreenroomOptions,
        http1: HTTP1Channel.Configuration = .init(),
        configuration: ApplicationConfiguration = ApplicationConfiguration(),
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        eventLoopGroupProvider: EventLoopGroupProvider = .singleton,
        logger: Logger? = nil
    ) throws where Responder == ResponderBuilder.Responder {
        let warnings = try greenroom.checkStartup(address: configuration.address)
        self.init(
            router: router,
            server: .greenroom(greenroom, configuration: http1),
            configuration: configuration,
            services: services,
            onServerRunning: onServerRunning,
            eventLoopGroupProvider: eventLoopGroupProvider,
            logger: logger
        )
        for warning in warnings {
            self.logger.warning(
                "Start-up policy warning",
                metadata: ["greenroom.rule": "\(warning.rule)", "greenroom.message": "\(warning)"]
            )
        }
    }
}
#endif
