#if Vapor
import GreenroomCore
import GreenroomServer
import GreenroomVapor
import Testing
import Vapor

/// Vapor's `req.peerAddress` believes the first `Forwarded` element, else the left-most
/// `X-Forwarded-For` entry. Behind a trusted proxy that appends (nginx's
/// `$proxy_add_x_forwarded_for`) that entry is the client's own text, and a family the app does
/// not read (`Forwarded` behind nginx) passes through untouched. Both adapters pin those headers
/// to Greenroom's answer, so `peerAddress` is the resolved client and no header the app reads
/// carries a hop the resolver did not believe.
@Suite struct PeerAddressTests {
    static func request(_ headers: [String]) -> String {
        "GET /peer HTTP/1.1\r\nHost: app.example\r\n" + headers.map { $0 + "\r\n" }.joined()
            + "Connection: close\r\n\r\n"
    }

    @Test(
        arguments: [
            // The client forged the left-most entry; the trusted proxy appended the real one.
            (["X-Forwarded-For: 6.6.6.6, 203.0.113.7"], ForwardedResolver.HeaderPolicy.xForwarded, "203.0.113.7"),
            // A family the app does not read: nginx passes the client's Forwarded on as it is.
            (["Forwarded: for=6.6.6.6", "X-Forwarded-For: 203.0.113.7"], .xForwarded, "203.0.113.7"),
            (["X-Forwarded-For: 6.6.6.6", "Forwarded: for=\"[2001:db8::7]\""], .forwarded, "2001:db8::7"),
            (["Forwarded: for=6.6.6.6, for=203.0.113.7"], .forwarded, "203.0.113.7"),
            (["X-Forwarded-For: 6.6.6.6, 203.0.113.7", "Forwarded: for=6.6.6.6"], .both, "203.0.113.7"),
            // No forwarding header: the socket's peer, as Vapor answers without one.
            (["Forwarded: for=6.6.6.6"], .xForwarded, "127.0.0.1"),
        ],
        VaporTestApp.Path.allCases
    )
    func peerAddressIsTheResolvedClient(
        row: (headers: [String], families: ForwardedResolver.HeaderPolicy, client: String),
        path: VaporTestApp.Path
    ) async throws {
        let (headers, families, client) = row
        var configuration = VaporTestApp.configuration()
        configuration.forwardedHeaders = families
        try await VaporTestApp.with(path, configuration) { app in
            let response = try #require(try await app.request(Self.request(headers)))
            #expect(response.body == "\(client) 127.0.0.1", "\(headers)")
        }
    }
}
#endif
