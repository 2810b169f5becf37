#if Vapor
public import GreenroomCore
public import GreenroomServer
public import Vapor
import Synchronization

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
    private let serverFacts = ServerFacts()

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
    /// forwarding headers when its peer is not trusted, and pins them to the client when it is.
    func resolve(_ request: Vapor.Request) {
        let server = serverFacts.read(request.application)
        // Greenroom's server resolved the request already; anything else (an in-memory test
        // request) has no answer yet.
        if server == .greenroom, request.storage[ClientAddressKey.self] != nil { return }
        // No peer address (a server that gives none): nobody vouches for the headers, even when
        // unix peers are trusted. Resolve as an untrusted peer rather than as an unnamed socket.
        let remoteAddress = request.remoteAddress
        var connection = ConnectionPeer(socketPeer: remoteAddress.map { Peer($0) } ?? .unix(path: nil))
        // Vapor's own server terminates TLS when it has a TLS configuration: a direct client is https.
        connection.tls = server == .vaporTLS
        let headers = request.headers
        let client =
            remoteAddress == nil
            ? Self.untrusting(resolver).resolve(connection, headers: headers)
            : resolver.resolve(connection, headers: headers)
        if client.decision == .peerUntrusted {
            if headers.contains(where: { sanitizer.isForwardingHeader($0.name) }) {
                sanitizer.sanitize(&request.headers)
            }
        } else if headers.needsPinning(to: client) {
            request.headers.pinForwarding(to: client)
        }
        request.storage[ClientAddressKey.self] = client
    }
}

extension GreenroomMiddleware {
    /// `resolver` trusting nobody.
    static func untrusting(_ resolver: ForwardedResolver) -> ForwardedResolver {
        var resolver = resolver
        resolver.trusted = .none
        return resolver
    }
}

/// What the middleware needs to know about the app's server, read at the first request (the
/// server and its TLS configuration are set before it starts): whether it is Greenroom's, which
/// resolved each request already, and whether Vapor's terminates TLS.
final class ServerFacts: Sendable {
    enum Kind: UInt8 {
        case unknown, vapor, vaporTLS, greenroom
    }

    private let kind = Atomic<UInt8>(Kind.unknown.rawValue)

    func read(_ application: Application) -> Kind {
        if let known = Kind(rawValue: kind.load(ordering: .relaxed)), known != .unknown { return known }
        let found: Kind =
            if application.server is GreenroomVaporServer {
                .greenroom
            } else if application.http.server.configuration.tlsConfiguration != nil {
                .vaporTLS
            } else {
                .vapor
            }
        kind.store(found.rawValue, ordering: .relaxed)
        return found
    }
}
#endif
