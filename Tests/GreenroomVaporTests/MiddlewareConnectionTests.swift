#if Vapor
import GreenroomCore
import GreenroomServer
import NIOCore
@testable import GreenroomVapor
import Testing
import Vapor

/// What the middleware takes from the connection: the scheme (a Vapor server that terminates TLS
/// itself is https) and the peer (none means nobody vouches for the headers).
///
/// On a Vapor server that terminates TLS itself, a client that connects directly came over
/// https: the middleware's answer says so, as `greenroom serve` says it for a TLS connection.
@Suite struct MiddlewareConnectionTests {
    static func resolve(
        tls: Bool,
        headers: HTTPHeaders = [:],
        remoteAddress: SocketAddress? = try! SocketAddress(ipAddress: "192.0.2.7", port: 40000),
        trust: TrustedProxies = .loopback
    ) async throws -> ClientAddress {
        let app = try await Application.make(.testing)
        if tls { app.http.server.configuration.tlsConfiguration = .makeClientConfiguration() }
        let request = Vapor.Request(
            application: app,
            method: .GET,
            url: "/",
            headers: headers,
            remoteAddress: remoteAddress,
            on: app.eventLoopGroup.any()
        )
        GreenroomMiddleware(configuration: ServerConfiguration(trustedProxies: trust)).resolve(request)
        if remoteAddress == nil { #expect(request.headers["X-Forwarded-For"].isEmpty) }
        let client = request.greenroom.client
        try await app.asyncShutdown()
        return client
    }

    @Test func aDirectClientOfATLSServerIsHTTPS() async throws {
        #expect(try await Self.resolve(tls: true).scheme == "https")
        #expect(try await Self.resolve(tls: false).scheme == "http")
    }

    /// An untrusted client cannot claim http or https: the connection decides.
    @Test func anUntrustedClientCannotChooseTheScheme() async throws {
        let claim: HTTPHeaders = ["X-Forwarded-Proto": "http", "Forwarded": "proto=http"]
        #expect(try await Self.resolve(tls: true, headers: claim).scheme == "https")
    }

    /// A request with no remote address (a server that does not give one) is not a trusted
    /// proxy's, even when `unix` peers are trusted: its forwarding headers are dropped.
    @Test func aRequestWithNoPeerIsNotTrusted() async throws {
        let client = try await Self.resolve(
            tls: false,
            headers: ["X-Forwarded-For": "203.0.113.9"],
            remoteAddress: nil,
            trust: try TrustedProxies(parsing: ["unix", "loopback"])
        )
        #expect(client.address == nil)
        #expect(client.decision == .peerUntrusted)
    }

    /// Behind nginx on a unix socket, Vapor's peer is the socket: trusted with `unix`, its
    /// forwarding headers name the client (the fallback for a missing peer must not catch it).
    @Test func aTrustedUnixSocketPeerIsBelieved() async throws {
        let path = "/tmp/greenroom-vapor-unix-\(getpid()).sock"
        unlink(path)
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.http.server.configuration.address = .unixDomainSocket(path: path)
        let trust = try TrustedProxies(parsing: ["unix"])
        app.middleware.use(
            GreenroomMiddleware(configuration: ServerConfiguration(trustedProxies: trust)),
            at: .beginning
        )
        app.get("whoami") { req in req.greenroom.client.json }
        try await app.asyncBoot()
        try await app.server.start(address: nil)
        let client = try await TestClient.connect(to: .unix(path: path))
        try await client.send("GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")
        let body = try await client.readResponse()?.body ?? ""
        await client.close()
        await app.server.shutdown()
        try await app.asyncShutdown()
        unlink(path)
        #expect(try Whoami(json: body).client == "203.0.113.9", "\(body)")
    }
}
#endif
