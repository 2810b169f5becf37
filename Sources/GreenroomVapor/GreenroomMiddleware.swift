#if Vapor
public import GreenroomCore
public import GreenroomServer
public import Vapor

/// Resolves each request's client with the same rules as `greenroom serve`, and removes the
/// forwarding headers of peers that are not trusted proxies.
///
/// Install it first, so every other middleware and route sees the cleaned headers:
///
/// ```swift
/// app.middleware.use(GreenroomMiddleware(configuration: trust), at: .beginning)
/// app.get("whoami") { req in req.greenroom.client.json }
/// ```
///
/// The peer is `req.remoteAddress`, the socket's peer; its scheme is `https` when Vapor's server
/// has a TLS configuration. When it is a trusted proxy, the client is
/// found by walking `X-Forwarded-For` (or `Forwarded`, by `ServerConfiguration/forwardedHeaders`)
/// from the right; otherwise the client is the peer and every forwarding header (`X-Forwarded-*`,
/// `Forwarded`, `X-Real-IP`, ...) is removed from `req.headers` before the routes run. For a
/// trusted peer, `Forwarded` and `X-Forwarded-For` are replaced by one `X-Forwarded-For` naming
/// the resolved client (none when the client is the peer), so Vapor's `req.peerAddress` is
/// Greenroom's answer, never a hop the client wrote in front of the proxy's. Malformed headers
/// never throw: an unparseable hop stops the walk.
///
/// Behind the Greenroom server provider the server has already done this (with the PROXY
/// protocol's source as the peer); the middleware then keeps that answer.
public struct GreenroomMiddleware: Middleware {
    /// The resolver each request is resolved with.
    public let resolver: ForwardedResolver
    private let sanitizer = HeaderSanitizer()

    /// A middleware trusting what `configuration` trusts: `ServerConfiguration/trustedProxies`,
    /// `ServerConfiguration/forwardedHeaders`, `ServerConfiguration/authoritativeHeaders`,
    /// `ServerConfiguration/hops` and `ServerConfiguration/maxHops`; the rest is not used.
    public init(configuration: ServerConfiguration = ServerConfiguration()) {
        self.init(resolver: configuration.resolver)
    }

    /// A middleware resolving with `resolver`.
    public init(resolver: ForwardedResolver) {
        self.resolver = resolver
    }

    /// Resolves the client, cleans the headers of an untrusted peer, then calls `next`.
    public func respond(to request: Vapor.Request, chainingTo next: any Responder) -> EventLoopFuture<Vapor.Response> {
        resolve(request)
        return next.respond(to: request)
    }

    /// Resolves `request`'s client once and keeps it for `req.greenroom.client`; removes the
    /// forwarding headers when its peer is not trusted.
    func resolve(_ request: Vapor.Request) {
        guard request.storage[ClientAddressKey.self] == nil else { return }
        // No peer address (a server that gives none): nobody vouches for the headers, even when
        // unix peers are trusted. Resolve as an untrusted peer rather than as an unnamed socket.
        var resolver = resolver
        if request.remoteAddress == nil { resolver.trusted = .none }
        let peer = request.remoteAddress.map { Peer($0) } ?? .unix(path: nil)
        var connection = ConnectionPeer(socketPeer: peer)
        // Vapor's own server terminates TLS when it has a TLS configuration: a direct client is https.
        connection.tls = request.application.http.server.configuration.tlsConfiguration != nil
        let client = resolver.resolve(connection, headers: request.headers)
        if client.decision == .peerUntrusted {
            sanitizer.sanitize(&request.headers)
        } else {
            request.headers.pinForwarding(to: client)
        }
        request.storage[ClientAddressKey.self] = client
    }
}
#endif
