#if Hummingbird
import GreenroomCore
import GreenroomServer
import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore

/// Hummingbird's HTTP/1 child channel with Greenroom's trust layer in front of the app.
///
/// For each connection it reads the PROXY protocol header first when
/// ``GreenroomOptions/proxyProtocol`` asks for one (`GreenroomServer`'s `ProxyProtocolHandler`,
/// before the HTTP/1 codec; a malformed or untrusted header closes the connection), then serves
/// HTTP/1 exactly as `HTTP1Channel` does, with ``GreenroomOptions/idleTimeout`` (between requests
/// and until a request's head is complete) and ``GreenroomOptions/bodyTimeout`` (between two
/// pieces of a body) armed, as `greenroom serve` arms them. For each request it
///
/// 1. removes every forwarding header when the connection's peer is not trusted
///    (``GreenroomOptions/sanitizer``), so nothing in the app can read a client's claim;
/// 2. resolves the client once, with ``GreenroomOptions/resolver`` (`greenroom serve`'s rules);
/// 3. hands it to the request context: ``GreenroomRequestContext/client``.
///
/// Use it through ``HummingbirdCore/HTTPServerBuilder/greenroom(_:configuration:)``.
public struct GreenroomHTTP1Channel: ServerChildChannel {
    /// One connection: Hummingbird's HTTP/1 async channel and the connection's peer.
    public struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let peer: ConnectionPeerSlot

        /// The accepted connection's channel.
        public var channel: any Channel { http.channel }
    }

    private let responder: HTTPChannelHandler.Responder
    private let configuration: HTTP1Channel.Configuration
    private let options: GreenroomOptions
    private let resolver: ForwardedResolver

    /// Creates the child channel.
    ///
    /// - Parameters:
    ///   - responder: the app's responder, as Hummingbird's `Application` builds it.
    ///   - options: whom to trust and how.
    ///   - configuration: the HTTP/1 settings (`HTTP1Channel.Configuration`).
    public init(
        responder: @escaping HTTPChannelHandler.Responder,
        options: GreenroomOptions,
        configuration: HTTP1Channel.Configuration = .init()
    ) {
        self.responder = responder
        self.configuration = Self.withTimeouts(configuration, options: options)
        self.options = options
        self.resolver = options.resolver
    }

    /// `configuration` with the options' timeouts: the idle timeout (between requests and until a
    /// head is complete) unless the app set one, and the body timeout's handler after the decoder.
    static func withTimeouts(
        _ configuration: HTTP1Channel.Configuration,
        options: GreenroomOptions
    )
        -> HTTP1Channel.Configuration
    {
        var configuration = configuration
        if configuration.idleTimeout == nil { configuration.idleTimeout = TimeAmount(options.idleTimeout) }
        let appHandlers = configuration.additionalChannelHandlers
        let bodyTimeout = TimeAmount(options.bodyTimeout)
        configuration.additionalChannelHandlers = {
            [RequestBodyTimeoutHandler(timeout: bodyTimeout)] + appHandlers()
        }
        return configuration
    }

    /// Puts the PROXY protocol handler (when configured) before Hummingbird's HTTP/1 pipeline.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let slot: ConnectionPeerSlot
        do {
            slot = try Self.addProxyProtocol(to: channel, options: options)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
            .map { Value(http: $0, peer: slot) }
    }

    /// Serves the connection's requests as `HTTP1Channel` does, each with its resolved client.
    public func handle(value: Value, logger: Logger) async {
        let trusting = Self.trusting(responder, peer: value.peer, sanitizer: options.sanitizer, resolver: resolver)
        await HTTP1Channel(responder: trusting, configuration: configuration).handle(value: value.http, logger: logger)
    }

    /// Adds the handlers that learn the connection's peer; returns the slot they fill.
    private static func addProxyProtocol(
        to channel: any Channel,
        options: GreenroomOptions
    ) throws
        -> ConnectionPeerSlot
    {
        guard options.proxyProtocol != .off else {
            // No header to wait for: the socket's peer is the connection's peer.
            return ConnectionPeerSlot(
                ConnectionPeer(socketPeer: channel.remoteAddress.map(Peer.init) ?? .unix(path: nil))
            )
        }
        let slot = ConnectionPeerSlot()
        let timeout = TimeAmount(options.proxyProtocolTimeout)
        try channel.pipeline.syncOperations.addHandlers(
            ProxyProtocolHandler(mode: options.proxyProtocol, trustedProxies: options.trustedProxies, timeout: timeout),
            ConnectionPeerRecorder(slot: slot)
        )
        return slot
    }

    /// The app's responder behind the trust layer: strip an untrusted peer's forwarding headers,
    /// resolve the client, and make it the context's ``GreenroomRequestContext/client``.
    private static func trusting(
        _ responder: @escaping HTTPChannelHandler.Responder,
        peer: ConnectionPeerSlot,
        sanitizer: HeaderSanitizer,
        resolver: ForwardedResolver
    ) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            // The PROXY handler records the peer before it passes on the first request byte.
            let connection =
                peer.value ?? ConnectionPeer(socketPeer: channel.remoteAddress.map(Peer.init) ?? .unix(path: nil))
            var request = request
            if !resolver.trusted.trusts(connection.peer) {
                var head = request.head
                if sanitizer.sanitize(&head.headerFields) > 0 {
                    request = Request(head: head, body: request.body)
                }
            }
            let client = resolver.resolve(connection, request: request.head)
            // `ResponseWriter` is not copyable: the operation below takes it out of this slot.
            var writerSlot = Optional(writer)
            try await ResolvedClient.$current.withValue(client) {
                try await responder(request, writerSlot.take()!, channel)
            }
        }
    }
}
#endif
