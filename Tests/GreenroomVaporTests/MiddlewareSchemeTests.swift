#if Vapor
import GreenroomCore
import GreenroomServer
import NIOCore
@testable import GreenroomVapor
import Testing
import Vapor

/// On a Vapor server that terminates TLS itself, a client that connects directly came over
/// https: the middleware's answer says so, as `greenroom serve` says it for a TLS connection.
@Suite struct MiddlewareSchemeTests {
    static func resolve(tls: Bool, headers: HTTPHeaders = [:]) async throws -> ClientAddress {
        let app = try await Application.make(.testing)
        if tls { app.http.server.configuration.tlsConfiguration = .makeClientConfiguration() }
        let request = Vapor.Request(
            application: app,
            method: .GET,
            url: "/",
            headers: headers,
            remoteAddress: try SocketAddress(ipAddress: "192.0.2.7", port: 40000),
            on: app.eventLoopGroup.any()
        )
        GreenroomMiddleware(configuration: ServerConfiguration()).resolve(request)
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
}
#endif
