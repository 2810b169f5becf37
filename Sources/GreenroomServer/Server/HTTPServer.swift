import GreenroomCore
public import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// Greenroom's HTTP/1.1 server: one Swift task per connection on a few event-loop threads.
///
/// Structured like Hummingbird's `Server`: the listener is a `NIOAsyncChannel` whose accepted
/// connections each run in a child task of a discarding task group, talking to their channel
/// through a `ConnectionBridge` (the last handler of the pipeline) instead of a `NIOAsyncChannel`.
/// Decoding, limits, timeouts and the PROXY header stay in channel handlers on the event loop;
/// the task only sees whole request heads, body parts and in-band failures.
///
/// It is a swift-service-lifecycle `Service`: run it in a `ServiceGroup` (or call
/// ``runUntilTerminated()``) and graceful shutdown stops accepting, lets in-flight requests
/// finish (up to ``ServerConfiguration/shutdownTimeout``), then closes what is left.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(), logger: logger) { request in
///     .text("Hello, \(request.client)!\n")
/// }
/// try await server.runUntilTerminated()
/// ```
public final class HTTPServer: Service, Sendable {
    /// The server's configuration: the one it was created with, or the last one
    /// ``reload(to:)`` accepted.
    public var configuration: ServerConfiguration { context.settings.configuration }
    /// The logger for server events and the access log.
    public let logger: Logger

    let context: ConnectionContext
    let eventLoopGroup: any EventLoopGroup
    let onListening: @Sendable (BindTarget) async -> Void
    let state = Mutex(RunState())

    struct RunState: Sendable {
        var listeners: [any Channel] = []
        /// One per listener, in the order they were bound.
        var trackers: [NIOLoopBound<ConnectionTracker>] = []
        var shutdownRequested = false
        var started = false
    }

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: where to listen, whom to trust, limits and timeouts.
    ///   - eventLoopGroup: the event loops; by default NIO's shared singleton group.
    ///   - logger: server events at `notice`/`error`, the access log at `info`.
    ///   - accessLogWriter: receives the access log's records instead of `logger` (which still
    ///     decides, by its level, whether there is an access log); `nil` logs them as metadata.
    ///   - onListening: called once per listener when all are bound, with the real address (port 0
    ///     resolved), in the order of ``ServerConfiguration/binds``.
    ///   - handler: answers requests.
    public init(
        configuration: ServerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        accessLogWriter: (any AccessLogWriter)? = nil,
        onListening: @escaping @Sendable (BindTarget) async -> Void = { _ in },
        handler: some HTTPHandler
    ) {
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
        self.context = ConnectionContext(
            handler: handler,
            configuration: configuration,
            logger: logger,
            accessLogWriter: accessLogWriter
        )
    }

    /// Creates a server whose handler is a closure.
    public convenience init(
        configuration: ServerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onListening: @escaping @Sendable (BindTarget) async -> Void = { _ in },
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        self.init(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            logger: logger,
            onListening: onListening,
            handler: ClosureHandler(handler)
        )
    }

    /// Runs the server until graceful shutdown (or cancellation), then drains connections.
    ///
    /// Before it binds, it applies the `DeploymentPolicy` (leaving out
    /// ``ServerConfiguration/policyExemptions``): a wildcard bind while trusting a proxy, a public
    /// bind without ``ServerConfiguration/allowPublic``, root, a port below 1024 are refused.
    ///
    /// - Throws: ``ConfigurationError`` for an invalid configuration, ``DeploymentPolicyRefusal``
    ///   when the policy refuses it, ``ServerStartError`` when the listener cannot be created;
    ///   never for a single connection's trouble.
    public func run() async throws {
        try configuration.validate()
        try applyPolicy(to: configuration)
        let alreadyStarted = state.withLock { state in
            defer { state.started = true }
            return state.started
        }
        precondition(!alreadyStarted, "HTTPServer.run() may only be called once")

        var listeners: [(listener: Listener, tracker: NIOLoopBound<ConnectionTracker>?)] = []
        var drainedStreams: [AsyncStream<Void>] = []
        do {
            var firstPort: Int?
            for var target in configuration.binds {
                // Port 0: the other addresses take the port the first one was given.
                if let firstPort, case .tcp(let host, 0) = target { target = .tcp(host: host, port: firstPort) }
                let (drained, drainedContinuation) = AsyncStream<Void>.makeStream()
                drainedStreams.append(drained)
                let listener = try await bind(target, drained: drainedContinuation)
                if firstPort == nil, case .ip(_, let port?) = Peer(listener.channel.localAddress) {
                    firstPort = Int(port)
                }
                let tracker = state.withLock { $0.trackers.last }
                listeners.append((listener, tracker))
            }
        } catch {
            // One address failed: the ones already bound close again.
            for (listener, _) in listeners { try? await listener.channel.close() }
            throw error
        }
        var unixSocket: (device: UInt64, inode: UInt64)?
        if case .unix(let path) = configuration.bind, configuration.inheritedListener == nil {
            unixSocket = UnixSocketFile.identity(of: path)
        }
        let targets = zip(listeners, configuration.binds).map { boundTarget($0.listener.channel.localAddress, $1) }
        for target in targets {
            logger.notice(
                "listening",
                metadata: ["greenroom.bind": "\(target)", "greenroom.trust": "\(configuration.trustedProxies)"]
            )
        }
        DescriptorLimit.warnIfBelow(maxConnections: configuration.maxConnections, logger: logger)
        let stopNow = state.withLock { state in
            state.listeners = listeners.map(\.listener.channel)
            return state.shutdownRequested
        }
        if stopNow { beginShutdown() }
        for target in targets { await onListening(target) }

        let connections = ConnectionTask(context: context)
        let logger = self.logger
        let bound = listeners
        // Every listener's accepted connections, in one stream: a listener's loop ends when it closes.
        let (accepted, acceptedContinuation) = AsyncStream<any Channel>.makeStream()
        let executors: [ObjectIdentifier: EventLoopTaskExecutor]
        switch configuration.connectionExecutor {
        case .automatic: executors = EventLoops.areGlobalExecutor ? [:] : EventLoopTaskExecutor.perLoop(eventLoopGroup)
        case .eventLoop: executors = EventLoopTaskExecutor.perLoop(eventLoopGroup)
        case .global: executors = [:]
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await withDiscardingTaskGroup { loops in
                        for (listener, tracker) in bound {
                            loops.addTask {
                                do {
                                    try await listener.executeThenClose { inbound in
                                        for try await connection in inbound {
                                            // In the stream it cannot be dropped any more.
                                            acceptedContinuation.yield(connection)
                                            if let tracker {
                                                tracker.eventLoop.execute { tracker.value.handedOff(connection) }
                                            }
                                        }
                                    }
                                } catch {
                                    logger.error("listener failed", metadata: ["greenroom.error": "\(error)"])
                                }
                            }
                        }
                    }
                    acceptedContinuation.finish()
                }
                for await connection in accepted {
                    let executor = executors[ObjectIdentifier(connection.eventLoop)]
                    group.addTask(executorPreference: executor) { await connections.serve(connection) }
                }
                // The listeners are closed: shutting down. Give in-flight requests until the deadline.
                guard state.withLock({ $0.shutdownRequested }) else { return }
                let timeout = configuration.shutdownTimeout
                if await !Self.waitForDrain(drainedStreams, timeout: timeout) {
                    logger.warning(
                        "shutdown deadline reached, closing connections",
                        metadata: ["greenroom.timeout": "\(timeout)"]
                    )
                    closeAllConnections()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        if case .unix(let path) = configuration.bind, let socket = unixSocket {
            UnixSocketFile.remove(path: path, ifStill: socket)
        }
        logger.notice("stopped")
    }

    /// Runs the server in a `ServiceGroup` that shuts down gracefully on SIGTERM and SIGINT.
    public func runUntilTerminated() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: self)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Starts a graceful shutdown without a `ServiceGroup`: stop accepting, let in-flight requests
    /// finish (up to ``ServerConfiguration/shutdownTimeout``), then close. ``run()`` returns when
    /// it is done. Calling it before the listener is bound stops the server as soon as it is.
    public func shutdownGracefully() {
        beginShutdown()
    }

    /// Stops accepting and asks every connection to finish its current request and close. The
    /// tracker closes the listener once the connections it accepted reached the accept loop.
    func beginShutdown() {
        context.startQuiescing()
        let (listeners, trackers) = state.withLock { state in
            state.shutdownRequested = true
            return (state.listeners, state.trackers)
        }
        for tracker in trackers { tracker.eventLoop.execute { tracker.value.quiesce() } }
        // A listener without a tracker (none: each gets one when bound) closes at once.
        for listener in listeners.dropFirst(trackers.count) { listener.close(promise: nil) }
    }

    private func closeAllConnections() {
        for tracker in state.withLock({ $0.trackers }) {
            tracker.eventLoop.execute { tracker.value.closeAll() }
        }
    }

    /// `true` when every listener's connections closed before `timeout`.
    private static func waitForDrain(_ drained: [AsyncStream<Void>], timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for stream in drained {
                    for await _ in stream {}
                }
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    func boundTarget(_ address: SocketAddress?, _ target: BindTarget) -> BindTarget {
        switch target {
        case .unix(let path):
            return .unix(path: path)
        case .tcp(let host, let port):
            guard let address, case .ip(let ip, let boundPort?) = Peer(address) else {
                return .tcp(host: host, port: port)
            }
            return .tcp(host: ip.description, port: Int(boundPort))
        }
    }
}

/// The listener could not be created; the message names the address and the fix.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    /// The one-line message.
    public let message: String

    public var description: String { message }
}
