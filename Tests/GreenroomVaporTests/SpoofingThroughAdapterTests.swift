#if Vapor
import GreenroomCore
import GreenroomServer
import GreenroomVapor
import Testing
import Vapor

/// `SpoofingTests.forgeries` sent by a client that is not a trusted proxy, over live sockets:
/// nothing it sends changes who it is, and the routes never see the forwarding headers.
@Suite struct SpoofingThroughAdapterTests {
    /// 127.0.0.1 is not in this list: the test client is an untrusted peer.
    static let trust = try! TrustedProxies(parsing: ["10.0.0.0/8"])

    static func request(_ path: String, _ forgery: [(name: String, value: String)]) -> String {
        let lines = forgery.map { "\($0.name): \($0.value)\r\n" }.joined()
        return "GET \(path) HTTP/1.1\r\nHost: app.example\r\n\(lines)X-Other: kept\r\nConnection: close\r\n\r\n"
    }

    /// The table's forgeries, and spellings a proxy or framework might still read: underscores
    /// (nginx `underscores_in_headers on`), odd case, a header repeated.
    static let forgeries =
        SpoofingTests.forgeries + [
            [("X_Forwarded_For", "1.2.3.4")], [("x-FORWARDED-for", "1.2.3.4")], [("X_REAL_IP", "1.2.3.4")],
            [("Forwarded", "for=1.2.3.4"), ("Forwarded", "for=5.6.7.8;proto=https")],
        ]

    @Test(arguments: forgeries.indices, VaporTestApp.Path.allCases)
    func untrustedClientCannotChooseItsAddress(_ index: Int, path: VaporTestApp.Path) async throws {
        let forgery = Self.forgeries[index]
        try await VaporTestApp.with(path, VaporTestApp.configuration(trust: Self.trust)) { app in
            let answer = try await app.whoami(forgery)
            #expect(answer.client == "127.0.0.1")
            #expect(answer.via == "peer")
            #expect(answer.scheme == "http")
            #expect(answer.host == "app.example")
            #expect(answer.decision == "peer-untrusted")

            let headers = try #require(try await app.request(Self.request("/headers", forgery)))
            #expect(headers.header("x-headers") == "host,x-other,connection", "\(forgery)")

            // Vapor's own req.peerAddress reads the (now removed) headers: the socket's address.
            let peer = try #require(try await app.request(Self.request("/peer", forgery)))
            #expect(peer.body == "127.0.0.1 127.0.0.1", "\(forgery)")
        }
    }

    /// Without the middleware or the provider nothing resolved the request: `req.greenroom.client`
    /// is then the socket's peer, believing no header, rather than anything a client wrote.
    @Test func withoutTheAdapterTheClientIsTheSocketPeer() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.http.server.configuration.port = 0
        app.get("whoami") { req in req.greenroom.client.json }
        try await app.asyncBoot()
        try await app.server.start(address: nil)
        let port = try #require(app.http.server.shared.localAddress?.port)
        let client = try await TestClient.connect(to: .tcp(host: "127.0.0.1", port: port))
        try await client.send("GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n")
        let body = try await client.readResponse()?.body ?? ""
        await client.close()
        await app.server.shutdown()
        try await app.asyncShutdown()
        let answer = try Whoami(json: body)
        #expect(answer.client == "127.0.0.1")
        #expect(answer.via == "peer")
    }

    /// What the middleware protects against: a stock Vapor app believes `req.peerAddress`, the
    /// left-most `X-Forwarded-For` entry, from anyone.
    @Test func stockVaporPeerAddressTakesTheClientsWord() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.http.server.configuration.port = 0
        app.get("peer") { req in req.peerAddress?.ipAddress ?? "nil" }
        try await app.asyncBoot()
        try await app.server.start(address: nil)
        let port = try #require(app.http.server.shared.localAddress?.port)
        let client = try await TestClient.connect(to: .tcp(host: "127.0.0.1", port: port))
        try await client.send("GET /peer HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 6.6.6.6, 127.0.0.1\r\n\r\n")
        let body = try await client.readResponse()?.body
        await client.close()
        await app.server.shutdown()
        try await app.asyncShutdown()
        #expect(body == "6.6.6.6")
    }
}
#endif
