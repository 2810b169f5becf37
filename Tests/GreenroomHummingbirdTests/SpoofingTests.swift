#if Hummingbird
import GreenroomHummingbird
import Testing

/// Every way a client might claim another address, sent over a live socket by a peer the adapter
/// does not trust: the client stays the peer, and the route never sees a forwarding header.
@Suite struct SpoofingTests {
    static let forgeries: [String] = [
        "X-Forwarded-For: 1.2.3.4\r\n",
        "X-Forwarded-For: 127.0.0.1\r\n",
        "X-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n",
        "X-Forwarded-For: 1.2.3.4\r\nx-forwarded-for: 5.6.7.8\r\n",
        "Forwarded: for=1.2.3.4;proto=https;host=evil.example\r\n",
        "Forwarded: for=127.0.0.1\r\n",
        "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Port: 443\r\n",
        "X-Real-IP: 1.2.3.4\r\nTrue-Client-IP: 1.2.3.4\r\nCF-Connecting-IP: 1.2.3.4\r\n",
        "X-Forwarded-For: [::1]:80\r\nForwarded: for=\"[::1]\"\r\n",
        "X-Forwarded-For: ::ffff:127.0.0.1\r\n",
        "X_Forwarded_For: 1.2.3.4\r\n",
    ]

    /// Trusts a balancer elsewhere, so the test client on 127.0.0.1 is a stranger.
    static let strangers = GreenroomOptions(trustedProxies: try! TrustedProxies(parsing: ["10.0.0.0/8"]))

    @Test(arguments: forgeries)
    func untrustedPeerCannotChooseItsAddress(_ forgery: String) async throws {
        let body = try await withHummingbirdApp(Self.strangers) { port in
            RawClient.body(try await RawClient.get(port: port, "/whoami", headers: forgery))
        }
        #expect(body.hasPrefix(#"{"client":"127.0.0.1","#), "\(body)")
        #expect(body.contains(#""scheme":"http","host":"app.test","#), "\(body)")
        #expect(body.contains(#""via":"peer""#))
        #expect(body.contains(#""decision":"peer-untrusted""#))
    }

    @Test(arguments: forgeries)
    func untrustedPeersForwardingHeadersAreStripped(_ forgery: String) async throws {
        let body = try await withHummingbirdApp(Self.strangers) { port in
            RawClient.body(try await RawClient.get(port: port, "/headers", headers: forgery + "X-Other: kept\r\n"))
        }
        #expect(body == "x-other,connection", "\(body)")
    }

    @Test func trustedPeersForwardingHeadersReachTheRoute() async throws {
        let body = try await withHummingbirdApp(GreenroomOptions()) { port in
            RawClient.body(try await RawClient.get(port: port, "/headers", headers: "X-Forwarded-For: 1.2.3.4\r\n"))
        }
        #expect(body == "x-forwarded-for,connection", "\(body)")
    }

    @Test func untrustedProxySourcesForwardingHeadersAreStripped() async throws {
        // A trusted proxy relays a client that is not a proxy: the client's own claims go.
        let options = GreenroomOptions(proxyProtocol: .required)
        let body = try await withHummingbirdApp(options) { port in
            RawClient.body(
                try await RawClient.get(
                    port: port,
                    "/headers",
                    headers: "X-Forwarded-For: 1.2.3.4\r\nX-Real-IP: 1.2.3.4\r\n",
                    prefix: Array("PROXY TCP4 198.51.100.7 127.0.0.1 4711 80\r\n".utf8)
                )
            )
        }
        #expect(body == "connection", "\(body)")
    }

    @Test func untrustedPeerCannotSendAProxyHeader() async throws {
        var options = Self.strangers
        options.proxyProtocol = .optional
        let response = try await withHummingbirdApp(options) { port in
            try await RawClient.get(port: port, "/whoami", prefix: Array("PROXY TCP4 1.2.3.4 127.0.0.1 1 80\r\n".utf8))
        }
        #expect(response.isEmpty, "\(response)")
    }
}
#endif
