#if Hummingbird
public import GreenroomCore
public import Hummingbird
public import NIOCore

/// A Hummingbird request context that carries the client as Greenroom's trust layer resolved it.
///
/// Served by ``GreenroomHTTP1Channel`` (``HummingbirdCore/HTTPServerBuilder/greenroom(_:configuration:)``),
/// ``client`` is the client a trusted proxy named (PROXY protocol, `X-Forwarded-For`, `Forwarded`),
/// or the socket's peer when the peer is not trusted. It is also Hummingbird's
/// `RemoteAddressRequestContext`: ``remoteAddress`` is the same client as a `SocketAddress`, so
/// `TracingMiddleware` and other code that reads `remoteAddress` sees the real client, not the proxy.
///
/// Conform your own context by storing the source's ``Hummingbird/ApplicationRequestContextSource/greenroomClient``:
///
/// ```swift
/// struct AppContext: GreenroomRequestContext {
///     var coreContext: CoreRequestContextStorage
///     let client: ClientAddress
///     init(source: ApplicationRequestContextSource) {
///         coreContext = .init(source: source)
///         client = source.greenroomClient
///     }
/// }
/// ```
public protocol GreenroomRequestContext: RemoteAddressRequestContext {
    /// The client and why Greenroom believes it: address, port, scheme, host, `via` and chain.
    var client: ClientAddress { get }
}

extension GreenroomRequestContext {
    /// ``client`` as a socket address (its port, or 0 when unknown); `nil` for a unix-socket client.
    public var remoteAddress: SocketAddress? {
        guard let address = client.address else { return nil }
        return try? SocketAddress(ipAddress: address.description, port: Int(client.port ?? 0))
    }
}

/// The request context of an app that needs nothing but Hummingbird's core and the client:
/// `BasicRequestContext` with ``client``.
public struct BasicGreenroomRequestContext: GreenroomRequestContext {
    /// Hummingbird's core context.
    public var coreContext: CoreRequestContextStorage
    /// The client as Greenroom resolved it.
    public let client: ClientAddress

    /// Creates the context for one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.client = source.greenroomClient
    }
}

extension ApplicationRequestContextSource {
    /// The client of the request this context is made for, as ``GreenroomHTTP1Channel`` resolved it.
    ///
    /// Outside that channel (a plain `HTTP1Channel`, a test's `.router` client) nothing was
    /// resolved: the client is the socket's peer, as for a peer that is not trusted.
    public var greenroomClient: ClientAddress {
        if let client = ResolvedClient.current { return client }
        let peer = channel.remoteAddress.map(Peer.init) ?? .unix(path: nil)
        return ClientAddress(
            address: peer.address,
            port: peer.port,
            peer: peer,
            scheme: "http",
            via: .peer,
            decision: .peerUntrusted
        )
    }
}

/// The client of the request being responded to, for the context's initializer: Hummingbird makes
/// the context inside the responder ``GreenroomHTTP1Channel`` calls, in the same task.
enum ResolvedClient {
    @TaskLocal static var current: ClientAddress?
}
#endif
