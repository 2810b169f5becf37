#if Vapor
public import GreenroomServer
public import NIOCore
import NIOConcurrencyHelpers
public import Vapor

/// A Vapor `Server` that is Greenroom's server: Vapor's routes and middleware answer, Greenroom
/// listens, reads the PROXY protocol, resolves the client, and enforces its limits and timeouts.
///
/// Install it with `app.servers.use(.greenroom(configuration))`; Vapor's `serve` command starts
/// it. Starting runs the `DeploymentPolicy` on the address it binds (the configuration's
/// `ServerConfiguration/bind`, or the address given to `serve`) and throws
/// `DeploymentPolicyRefusal` when the policy refuses it.
///
/// Streamed response bodies are sent as the route writes them. What it cannot do through Vapor's
/// public API: stream request bodies to routes (each body is read whole first, within
/// `ServerConfiguration/maxBodyBytes`), upgrade connections (WebSockets get 501), HTTP/2 and TLS
/// (terminate TLS at the proxy).
public final class GreenroomVaporServer: Server, Sendable {
    /// The Greenroom configuration: listener, trust, PROXY protocol, limits and timeouts.
    public let configuration: ServerConfiguration
    private let application: Application
    private let shutdownPromise: EventLoopPromise<Void>
    private let running = NIOLockedValueBox<Running?>(nil)

    private struct Running: Sendable {
        let server: GreenroomServer.HTTPServer
        let task: Task<Void, Never>
        let bound: BindTarget
    }

    /// A server for `application` with `configuration`; `app.servers.use(.greenroom(...))`
    /// makes one.
    public init(application: Application, configuration: ServerConfiguration) {
        self.application = application
        self.configuration = configuration
        self.shutdownPromise = application.eventLoopGroup.any().makePromise(of: Void.self)
    }

    deinit {
        // Never started (e.g. boot refused): nothing to wait for. A completed promise stays as it is.
        shutdownPromise.succeed(())
    }

    /// Completes when the server has stopped.
    public var onShutdown: EventLoopFuture<Void> { shutdownPromise.futureResult }

    /// Where the server listens once started (port 0 resolved), or `nil` before.
    public var boundAddress: BindTarget? { running.withLockedValue { $0?.bound } }

    /// Binds and starts serving; returns once the listener is bound.
    ///
    /// - Parameter address: replaces the configuration's `ServerConfiguration/bind` when given
    ///   (a missing host or port keeps the configuration's).
    /// - Throws: `DeploymentPolicyRefusal` when the policy refuses the address, `ConfigurationError`
    ///   for an invalid configuration, `ServerStartError` when the listener cannot be created.
    public func start(address: BindAddress?) async throws {
        var configuration = self.configuration
        configuration.bind = Self.bind(address, over: configuration.bind)
        let handler = VaporResponderHandler(
            application: application,
            responder: application.responder.current,
            maxBodyBytes: configuration.maxBodyBytes
        )
        let (events, continuation) = AsyncStream<Result<BindTarget, any Error>>.makeStream()
        let server = GreenroomServer.HTTPServer(
            configuration: configuration,
            eventLoopGroup: application.eventLoopGroup,
            logger: application.logger,
            onListening: { bound in continuation.yield(.success(bound)) },
            handler: handler
        )
        let promise = shutdownPromise
        let task = Task {
            do {
                try await server.run()
                promise.succeed(())
            } catch {
                continuation.yield(.failure(error))
                promise.fail(error)
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let bound):
                running.withLockedValue { $0 = Running(server: server, task: task, bound: bound) }
                return
            case .failure(let error):
                throw error
            }
        }
        throw GreenroomVaporServerError.stoppedBeforeListening
    }

    /// Binds and starts serving, blocking the calling thread until the listener is bound.
    @available(*, noasync, message: "Use the async start(address:) instead.")
    public func start(address: BindAddress?) throws {
        let promise = application.eventLoopGroup.any().makePromise(of: Void.self)
        promise.completeWithTask { try await self.start(address: address) }
        try promise.futureResult.wait()
    }

    /// Stops accepting, lets in-flight requests finish (up to
    /// `ServerConfiguration/shutdownTimeout`), then returns.
    public func shutdown() async {
        guard let running = running.withLockedValue({ $0 }) else { return }
        running.server.shutdownGracefully()
        await running.task.value
    }

    /// Stops accepting, lets in-flight requests finish, blocking the calling thread until done.
    @available(*, noasync, message: "Use the async shutdown() instead.")
    public func shutdown() {
        guard let running = running.withLockedValue({ $0 }) else { return }
        running.server.shutdownGracefully()
        try? shutdownPromise.futureResult.wait()
    }

    /// The listener for Vapor's `address`, the configuration's `bind` filling in what is missing.
    static func bind(_ address: BindAddress?, over bind: BindTarget) -> BindTarget {
        switch address {
        case nil:
            return bind
        case .unixDomainSocket(let path):
            return .unix(path: path)
        case .hostname(let host, let port):
            var current = (host: "127.0.0.1", port: 8000)
            if case .tcp(let host, let port) = bind { current = (host, port) }
            return .tcp(host: host ?? current.host, port: port ?? current.port)
        }
    }
}

/// Why ``GreenroomVaporServer`` could not start.
public enum GreenroomVaporServerError: Error, Sendable, Hashable {
    /// The server was shut down before its listener was bound.
    case stoppedBeforeListening
}

extension Application.Servers.Provider {
    /// Runs the app on Greenroom's server (``GreenroomVaporServer``): PROXY protocol, the trust
    /// layer, Greenroom's limits and timeouts, and the start-up policy on the address it binds.
    ///
    /// ```swift
    /// app.servers.use(.greenroom(ServerConfiguration(trustedProxies: .loopback)))
    /// ```
    ///
    /// - Parameter configuration: the Greenroom configuration; its `bind` is the listener unless
    ///   Vapor's `serve` command is given an address.
    public static func greenroom(_ configuration: ServerConfiguration = ServerConfiguration()) -> Self {
        .init { application in
            let server = GreenroomVaporServer(application: application, configuration: configuration)
            application.servers.use { _ in server }
        }
    }
}
#endif
