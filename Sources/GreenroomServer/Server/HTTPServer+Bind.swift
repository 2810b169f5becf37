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
    typealias Connection = NIOAsyncChannel<RequestPart, ResponseWrite>
    typealias Listener = NIOAsyncChannel<Connection, Never>

    /// The PROXY header codec.
    static var proxyDecoder: (any ProxyHeaderDecoding)? { CoreProxyHeaderDecoder() }

    /// Creates the listener with the connection tracker first in its pipeline.
    func bind(drained: AsyncStream<Void>.Continuation) async throws -> Listener {
        let configuration = self.configuration
        let context = self.context
        if configuration.proxyProtocol != .off && context.proxyDecoder == nil {
            throw ServerStartError(message: "--proxy-protocol \(configuration.proxyProtocol) is not available in this build")
        }
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .serverChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let tracker = ConnectionTracker(maxConnections: configuration.maxConnections, drained: drained)
                    try channel.pipeline.syncOperations.addHandler(tracker)
                    let bound = NIOLoopBound(tracker, eventLoop: channel.eventLoop)
                    self.state.withLock { $0.tracker = bound }
                }
            }

        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try Self.configurePipeline(channel, context: context)
            }
        }

        do {
            switch configuration.bind {
            case .tcp(let host, let port):
                guard let address = BindTarget.tcp(host: host, port: port).address else {
                    throw ServerStartError(message: "--host '\(host)' is not an IP address")
                }
                return try await bootstrap.bind(
                    to: address.socketAddress(port: port), serverBackPressureStrategy: nil,
                    childChannelInitializer: initializer)
            case .unix(let path):
                try UnixSocketFile.prepare(path: path)
                let listener = try await bootstrap.bind(
                    unixDomainSocketPath: path, cleanupExistingSocketFile: false, serverBackPressureStrategy: nil,
                    childChannelInitializer: initializer)
                if chmod(path, 0o660) != 0 {
                    try? await listener.channel.close()
                    throw ServerStartError(message: "cannot set mode 0660 on unix socket \(path): \(errnoText())")
                }
                return listener
            }
        } catch let error as ServerStartError {
            throw error
        } catch let error as IOError {
            throw ServerStartError(message: "cannot listen on \(configuration.bind): \(Self.explain(error))")
        } catch {
            throw ServerStartError(message: "cannot listen on \(configuration.bind): \(error)")
        }
    }

    /// Adds the connection's handlers: PROXY header (when enabled), HTTP/1 decoding with the
    /// header limit, the connection handler, and the async channel the task reads from.
    static func configurePipeline(_ channel: any Channel, context: ConnectionContext) throws -> Connection {
        let configuration = context.configuration
        let sync = channel.pipeline.syncOperations
        if configuration.proxyProtocol != .off, let decoder = context.proxyDecoder {
            let trusted = Peer(channel.remoteAddress).map { configuration.trustedProxies.trusts($0) } ?? false
            try sync.addHandler(
                ProxyProtocolHandler(
                    mode: configuration.proxyProtocol, peerIsTrusted: trusted,
                    timeout: TimeAmount(configuration.proxyProtocolTimeout), decoder: decoder))
        }
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        try sync.addHandler(
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)))
        try sync.addHandler(HTTPConnectionHandler(limits: context.limits))
        return try Connection(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16)))
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
