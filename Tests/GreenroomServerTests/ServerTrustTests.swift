import GreenroomCore
import NIOCore
import Testing

@testable import GreenroomServer

/// The trust layer wired into the server: who the client is, and what the handler sees.
@Suite struct ServerTrustTests {
    static let forged =
        "X-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 203.0.113.9\r\nForwarded: for=203.0.113.9\r\n"
        + "X-Forwarded-Proto: https\r\nCF-Connecting-IP: 203.0.113.9\r\nX_Forwarded_For: 203.0.113.9\r\n"

    @Test func trustedProxysForwardedForNamesTheClient() async throws {
        try await TestServer.with { server in
            let response = try #require(
                try await server.request(
                    "GET /whoami HTTP/1.1\r\nHost: app.example\r\nX-Forwarded-For: 198.51.100.7, 127.0.0.1\r\n"
                        + "X-Forwarded-Proto: https\r\n\r\n"
                )
            )
            #expect(response.body.contains(#""client":"198.51.100.7""#))
            #expect(response.body.contains(#""peer":"127.0.0.1""#))
            #expect(response.body.contains(#""scheme":"https""#))
            #expect(response.body.contains(#""via":"x-forwarded-for""#))
            #expect(response.body.contains(#""host":"app.example""#))
        }
    }

    @Test func untrustedPeersForwardingHeadersAreIgnoredAndStripped() async throws {
        var configuration = TestServer.configuration()
        configuration.trustedProxies = .none
        try await TestServer.with(configuration, handler: Handlers.echo) { server in
            let response = try #require(
                try await server.request("GET / HTTP/1.1\r\nHost: t\r\n\(Self.forged)X-Other: kept\r\n\r\n")
            )
            #expect(response.header("x-headers") == "host,x-other")
        }
        try await TestServer.with(configuration) { server in
            let response = try #require(
                try await server.request("GET /whoami HTTP/1.1\r\nHost: t\r\n\(Self.forged)\r\n")
            )
            #expect(response.body.contains(#""client":"127.0.0.1""#))
            #expect(response.body.contains(#""via":"peer""#))
            #expect(response.body.contains(#""scheme":"http""#))
        }
    }

    @Test func trustedPeersForwardingHeadersReachTheHandler() async throws {
        try await TestServer.with(handler: Handlers.echo) { server in
            let response = try #require(
                try await server.request("GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n")
            )
            #expect(response.header("x-headers") == "host,x-forwarded-for")
        }
    }

    @Test func requestClientAndPeerAreSetForTheHandler() async throws {
        let handler = ClosureHandler { request in
            .text("\(request.client) \(request.peer.address?.description ?? "?") \(request.client.via)")
        }
        try await TestServer.with(handler: handler) { server in
            let response = try await server.request(
                "GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 192.0.2.1:4711\r\n\r\n"
            )
            #expect(response?.body == "192.0.2.1:4711 127.0.0.1 x-forwarded-for")
        }
    }

    @Test func unixSocketPeerIsTrustedOnlyWithUnixInTheList() async throws {
        let request = "GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"
        try await TestServer.with(Transport.unix.configuration()) { server in
            let response = try await server.request(request)
            #expect(response?.body.contains(#""client":"198.51.100.7""#) == true)
        }
        var loopbackOnly = Transport.unix.configuration()
        loopbackOnly.trustedProxies = .loopback
        try await TestServer.with(loopbackOnly) { server in
            let body = try await server.request(request)?.body ?? ""
            #expect(body.contains(#""client":"unix""#), "\(body)")
            #expect(body.contains(#""via":"peer""#))
        }
    }

    @Test func ipv4MappedPeersAreTrustedLikeIPv4() async throws {
        // A dual-stack listener reports IPv4 clients as ::ffff:127.0.0.1.
        // A wildcard bind while trusting loopback needs its opt-in (the deployment policy, GR001).
        var configuration = TestServer.configuration(.tcp(host: "::", port: 0))
        configuration.optIns.insert(.wildcardBind)
        try await TestServer.with(configuration) { server in
            guard case .tcp(_, let port) = server.bound else { return }
            let client = try await TestClient.connect(to: .tcp(host: "127.0.0.1", port: port))
            try await client.send("GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n")
            let body = try await client.readResponse()?.body ?? ""
            #expect(body.contains(#""client":"198.51.100.7""#), "\(body)")
            await client.close()
        }
    }

    @Test func proxyProtocolSourceIsTheClientAndForgedHeadersBehindItAreNot() async throws {
        var configuration = TestServer.configuration()
        configuration.proxyProtocol = .required
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            let header = try ProxyHeader(
                version: .v2,
                addresses: .inet(
                    source: IPAddress("203.0.113.50")!,
                    sourcePort: 5555,
                    destination: .loopbackV4,
                    destinationPort: 443
                ),
                tlvs: [ProxyHeader.TLV(ssl: .ssl, verify: 0, subTLVs: [])]
            ).encoded()
            try await client.send(header + Array("GET /whoami HTTP/1.1\r\nHost: t\r\n\(Self.forged)\r\n".utf8))
            let body = try await client.readResponse()?.body ?? ""
            #expect(body.contains(#""client":"203.0.113.50""#), "\(body)")
            #expect(body.contains(#""client_port":5555"#))
            #expect(body.contains(#""via":"proxy-protocol""#))
            #expect(body.contains(#""scheme":"https""#))
            // The PROXY source is not a trusted proxy, so its X-Forwarded-* were stripped and ignored.
            #expect(!body.contains("203.0.113.9"))
            await client.close()

            let direct = try await server.connect()
            try await direct.send("GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await direct.readToClose(timeout: .seconds(2)) == "")
        }
    }

    @Test func proxyProtocolFromAnUntrustedPeerIsRefused() async throws {
        var configuration = TestServer.configuration()
        configuration.proxyProtocol = .optional
        configuration.trustedProxies = .none
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            try await client.send(
                "PROXY TCP4 203.0.113.50 127.0.0.1 5555 443\r\nGET /whoami HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            #expect(try await client.readToClose(timeout: .seconds(2)) == "")
            // Without a header the untrusted peer is served as itself.
            let plain = try await server.connect()
            try await plain.send("GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await plain.readResponse()?.body.contains(#""client":"127.0.0.1""#) == true)
            await plain.close()
        }
    }
}
