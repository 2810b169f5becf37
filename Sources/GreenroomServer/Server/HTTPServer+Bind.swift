import GreenroomCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPServer {
    /// The listener yields accepted channels with their HTTP handlers installed but not yet
    /// reading. The connection's task adds its ``ConnectionBridge`` itself, so a channel the
    /// listener drops while it closes during shutdown has nothing waiting on it.
    typealias Listener = NIOAsyncChannel<any Channel, Never>

    /// Creates the listener for `target` (one of ``ServerConfiguration/binds``) with a connection
    /// tracker first in its pipeline.
    func bind(_ target: BindTarget, drained: AsyncStream<Void>.Continuation) async throws -> Listener {
        let configuration = self.configuration
        let context = self.context
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            // The connection's task turns reading on once its async channel is in place.
            .childChannelOption(ChannelOptions.autoRead, value: false)
            // Requests are small: start reads at 1 KiB (NIO grows the buffer for bigger reads), so an
            // idle keep-alive connection holds less memory.
            .childChannelOption(
                ChannelOptions.recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 65536)
            )
            .serverChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let tracker = ConnectionTracker(
                        maxConnections: configuration.maxConnections,
                        drained: drained,
                        logger: self.logger,
                        metrics: context.metrics
                    )
                    try channel.pipeline.syncOperations.addHandler(tracker)
                    let bound = NIOLoopBound(tracker, eventLoop: channel.eventLoop)
                    self.state.withLock { $0.trackers.append(bound) }
                }
            }

        let initializer: @Sendable (any Channel) -> EventLoopFuture<any Channel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try Self.configurePipeline(channel, context: context)
                return channel
            }
        }

        do {
            if let inherited = configuration.inheritedListener {
                return try await bootstrap.bind(
                    inherited.descriptor,
                    serverBackPressureStrategy: nil,
                    childChannelInitializer: initializer
                )
            }
            switch target {
            case .tcp(let host, let port):
                guard let address = BindTarget.tcp(host: host, port: port).address else {
                    throw ServerStartError(message: "--host '\(host)' is not an IP address")
                }
                return try await bootstrap.bind(
                    to: address.socketAddress(port: port),
                    serverBackPressureStrategy: nil,
                    childChannelInitializer: initializer
                )
            case .unix(let path):
                try UnixSocketFile.prepare(path: path)
                let listener = try await bootstrap.bind(
                    unixDomainSocketPath: path,
                    cleanupExistingSocketFile: false,
                    serverBackPressureStrategy: nil,
                    childChannelInitializer: initializer
                )
                do {
                    try UnixSocketFile.restrictMode(path: path)
                } catch {
                    try? await listener.channel.close()
                    throw error
                }
                return listener
            }
        } catch let error as ServerStartError {
            throw error
        } catch let error as IOError {
            throw ServerStartError(message: "cannot listen on \(target): \(Self.explain(error))")
        } catch {
            throw ServerStartError(message: "cannot listen on \(target): \(error)")
        }
    }

    /// Adds the connection's handlers: PROXY header (when enabled), HTTP/1 decoding with the
    /// header limit, and the connection handler.
    static func configurePipeline(_ channel: any Channel, context: ConnectionContext) throws {
        let settings = context.settings
        let configuration = settings.configuration
        let sync = channel.pipeline.syncOperations
        if configuration.proxyProtocol != .off {
            let handler = ProxyProtocolHandler(
                mode: configuration.proxyProtocol,
                trustedProxies: configuration.trustedProxies,
                timeout: TimeAmount(configuration.proxyProtocolTimeout)
            )
            handler.metrics = context.metrics
            try sync.addHandler(handler)
        }
        try addHTTPHandlers(
            to: sync,
            maxHeaderBytes: configuration.maxHeaderBytes,
            limits: settings.limits,
            shuttingDown: { context.isQuiescing }
        )
    }

    /// Adds HTTP/1 decoding: the whole-head byte count, NIO's decoder (whose own limits count
    /// only the target, names and values, so they are a second line), and the connection handler.
    static func addHTTPHandlers(
        to sync: ChannelPipeline.SynchronousOperations,
        maxHeaderBytes: Int,
        limits: HTTPConnectionStateMachine.Limits,
        shuttingDown: @escaping @Sendable () -> Bool = { false }
    ) throws {
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = maxHeaderBytes
        let framing = DecodedFraming()
        try sync.addHandler(HeadLimitHandler(maxHeadBytes: maxHeaderBytes, framing: framing))
        try sync.addHandler(
            ByteToMessageHandler(
                HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits)
            )
        )
        try sync.addHandler(
            HTTPConnectionChannelHandler(limits: limits, framing: framing, shuttingDown: shuttingDown)
        )
    }

    /// Adds the bridge the connection's task reads from and writes to, then starts reading.
    /// Runs on the channel's event loop (the task usually already is there).
    static func makeConnection(_ channel: any Channel) async throws -> ConnectionBridge {
        @Sendable func wrap() throws -> ConnectionBridge {
            let connection = ConnectionBridge(eventLoop: channel.eventLoop)
            try channel.pipeline.syncOperations.addHandler(connection)
            try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
            // Turning autoRead on reads without passing through the pipeline; this read does, so
            // the connection handler sees reading start (its header clock starts then).
            channel.pipeline.syncOperations.read()
            return connection
        }
        if channel.eventLoop.inEventLoop { return try wrap() }
        return try await channel.eventLoop.submit(wrap).get()
    }

    static func explain(_ error: IOError) -> String {
        switch error.errnoCode {
        case EADDRINUSE: "the address is already in use (another process listens there; pick another --port)"
        case EADDRNOTAVAIL: "the address is not one of this host's addresses"
        case EACCES: "permission denied"
        default: String(cString: strerror(error.errnoCode))
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
