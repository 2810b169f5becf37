import GreenroomCore
import GreenroomServer
import HTTPTypes
import NIOHTTP1
import Testing

/// Resolution straight from NIO `HTTPHeaders` and swift-http-types `HTTPFields`: the same answer
/// as from `(name, value)` pairs, for every rule the core applies.
@Suite struct ForwardedResolverHTTPHeadersTests {
    static let resolver = ForwardedResolver(trusted: try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]))
    static let proxy = Peer.ip(IPAddress("127.0.0.1")!, port: 40000)
    static let stranger = Peer.ip(IPAddress("203.0.113.9")!, port: 40000)

    static let cases: [[(String, String)]] = [
        [],
        [("Host", "example.com")],
        [("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "app.example")],
        [("X-Forwarded-For", "198.51.100.7, 10.0.0.2"), ("x-forwarded-for", "10.0.0.3"), ("Host", "h")],
        [("x-forwarded-for", "garbage, 10.0.0.2")],
        [("Forwarded", "for=198.51.100.7;proto=https"), ("X-Forwarded-For", "192.0.2.9")],
        [("X-FORWARDED-PORT", "8443"), ("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Prefix", "/app")],
    ]

    static func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    static func tuples(_ pairs: [(String, String)]) -> [(name: String, value: String)] {
        pairs.map { (name: $0.0, value: $0.1) }
    }

    @Test(arguments: cases)
    func httpHeadersGiveTheSameAnswerAsPairs(_ pairs: [(String, String)]) {
        for peer in [Self.proxy, Self.stranger] {
            let expected = Self.resolver.resolve(peer: peer, headers: Self.tuples(pairs))
            let connection = ConnectionPeer(socketPeer: peer)
            #expect(Self.resolver.resolve(connection, headers: HTTPHeaders(pairs)) == expected)
        }
    }

    @Test(arguments: cases)
    func httpFieldsGiveTheSameAnswerAsPairs(_ pairs: [(String, String)]) {
        for peer in [Self.proxy, Self.stranger] {
            let expected = Self.resolver.resolve(peer: peer, headers: Self.tuples(pairs))
            #expect(Self.resolver.resolve(peer: peer, fields: Self.fields(pairs)) == expected)
            #expect(Self.resolver.resolve(ConnectionPeer(socketPeer: peer), fields: Self.fields(pairs)) == expected)
        }
    }

    @Test func forwardedPolicyReadsHTTPFields() {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .forwarded)
        let fields = Self.fields([("Forwarded", "for=\"[2001:db8::1]:4711\";proto=https;host=app.example")])
        let client = resolver.resolve(peer: Self.proxy, fields: fields)
        #expect(client.address == IPAddress("2001:db8::1"))
        #expect(client.port == 4711)
        #expect(client.scheme == "https")
        #expect(client.host == "app.example")
        #expect(client.via == .forwarded)
    }

    @Test func aProxyProtocolPeerCarriesItsSchemeAndVia() throws {
        let header = try ProxyHeader(
            version: .v2,
            addresses: .inet(
                source: IPAddress("10.0.0.5")!,
                sourcePort: 5000,
                destination: IPAddress("10.0.0.1")!,
                destinationPort: 443
            ),
            tlvs: [ProxyHeader.TLV(ssl: .ssl, verify: 0, subTLVs: [])]
        )
        let connection = ConnectionPeer(socketPeer: Self.proxy, proxyHeader: header)
        #expect(connection.peer == .ip(IPAddress("10.0.0.5")!, port: 5000))
        #expect(connection.scheme == "https")
        // 10.0.0.5 is itself trusted: its X-Forwarded-For is believed.
        let client = Self.resolver.resolve(connection, fields: Self.fields([("X-Forwarded-For", "198.51.100.7")]))
        #expect(client.address == IPAddress("198.51.100.7"))
        #expect(client.scheme == "https")
        let direct = Self.resolver.resolve(connection, headers: HTTPHeaders())
        #expect(direct.via == .proxyProtocol)
        #expect(direct.scheme == "https")
    }

    @Test func anHTTPRequestsAuthorityStandsInForHost() {
        var request = HTTPRequest(method: .get, scheme: nil, authority: "example.com:8080", path: "/")
        request.headerFields = Self.fields([("X-Forwarded-For", "198.51.100.7"), ("Accept", "*/*")])
        let expected = Self.resolver.resolve(
            peer: Self.stranger,
            headers: Self.tuples([("Host", "example.com:8080"), ("X-Forwarded-For", "198.51.100.7"), ("Accept", "*/*")])
        )
        let client = Self.resolver.resolve(ConnectionPeer(socketPeer: Self.stranger), request: request)
        #expect(client == expected)
        #expect(client.host == "example.com:8080")
        // Behind a trusted proxy the walk reads the fields as usual.
        let proxied = Self.resolver.resolve(ConnectionPeer(socketPeer: Self.proxy), request: request)
        #expect(proxied.address == IPAddress("198.51.100.7"))
    }
}
