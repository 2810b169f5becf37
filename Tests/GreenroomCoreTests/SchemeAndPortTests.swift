import GreenroomCore
import Testing

@Suite("ForwardedResolver: only http/https schemes, and a known port 0 is not unknown")
struct SchemeAndPortTests {
    let resolver = ForwardedResolver(trusted: try! TrustedProxies(parsing: ["loopback"]), policy: .both)

    /// What a trusted proxy says, and the scheme that must come out over a plain-http and a TLS
    /// connection (`nil`: the connection's own scheme).
    @Test(
        arguments: [
            ("https", "https"), ("HTTPS", "https"), ("Http", "http"), ("http", "http"), ("wss", "https"),
            ("WS", "http"), ("Wss", "https"), ("asdf", nil), ("ftp", nil), ("https+x", nil), ("h", nil),
            ("httpss", nil), ("javascript", nil), ("http2", nil),
        ] as [(String, String?)]
    )
    func xForwardedProtoAcceptsOnlyHTTPSchemes(_ value: String, _ expected: String?) {
        for socketScheme in ["http", "https"] {
            let result = resolver.resolve(
                peer: localPeer,
                headers: [xff("203.0.113.7"), ("X-Forwarded-Proto", value)],
                socketScheme: socketScheme
            )
            #expect(result.scheme == expected ?? socketScheme, "X-Forwarded-Proto: \(value) over \(socketScheme)")
        }
    }

    @Test(
        arguments: [
            ("https", "https"), ("HTTPS", "https"), ("wss", "https"), ("ws", "http"), ("\"https\"", "https"),
            ("asdf", nil), ("ftp", nil), ("\"gopher\"", nil),
        ] as [(String, String?)]
    )
    func forwardedProtoAcceptsOnlyHTTPSchemes(_ value: String, _ expected: String?) {
        for socketScheme in ["http", "https"] {
            let result = resolver.resolve(
                peer: localPeer,
                headers: [fwd("for=203.0.113.7;proto=\(value)")],
                socketScheme: socketScheme
            )
            #expect(result.address == IPAddress("203.0.113.7"))
            #expect(result.scheme == expected ?? socketScheme, "Forwarded proto=\(value) over \(socketScheme)")
        }
    }

    @Test func proxyV1SourcePortZeroIsPortZero() throws {
        let source = try #require(try parsed(Array("PROXY TCP4 203.0.113.7 127.0.0.1 0 8000\r\n".utf8)).sourcePeer)
        #expect(source.port == 0)
        let result = resolver.resolve(peer: source, headers: [], peerVia: .proxyProtocol)
        #expect(result.port == 0)
        #expect(result.json.contains(#""client_port":0,"#))
    }

    @Test func proxyV2SourcePortZeroIsPortZero() throws {
        let sent = try ProxyHeader(
            version: .v2,
            command: .proxy,
            transport: .stream,
            addresses: .inet(
                source: IPAddress("203.0.113.7")!,
                sourcePort: 0,
                destination: .loopbackV4,
                destinationPort: 8000
            )
        )
        let source = try #require(try parsed(sent.encoded()).sourcePeer)
        #expect(source.port == 0)
        #expect(resolver.resolve(peer: source, headers: [], peerVia: .proxyProtocol).port == 0)
    }

    @Test(
        arguments: [
            (xff("203.0.113.7:0"), 0), (xff("203.0.113.7"), nil), (xff("[2001:db8::7]:0"), 0),
            (fwd("for=\"203.0.113.7:0\""), 0), (fwd("for=203.0.113.7"), nil), (fwd("for=\"[2001:db8::7]:0\""), 0),
            (fwd("for=\"203.0.113.7:_hidden\""), nil),
        ] as [((name: String, value: String), UInt16?)]
    )
    func headerHopPortZeroIsPortZero(_ header: (name: String, value: String), _ port: UInt16?) {
        let result = resolver.resolve(peer: localPeer, headers: [header])
        #expect(result.via != .peer)
        #expect(result.port == port, "\(header.name): \(header.value)")
    }

    private func parsed(_ bytes: [UInt8]) throws -> ProxyHeader {
        guard case .complete(let header, _) = try ProxyProtocol.parse(bytes) else {
            Issue.record("incomplete PROXY header")
            throw GreenroomError(.invalidProxyHeader, "incomplete")
        }
        return header
    }

    @Test func peerParsingKeepsAnUnknownPortApartFromZero() throws {
        #expect(try Peer(parsing: "192.0.2.1").port == nil)
        #expect(try Peer(parsing: "192.0.2.1:0").port == 0)
        #expect(try Peer(parsing: "[2001:db8::1]:0").port == 0)
        #expect(try Peer(parsing: "192.0.2.1").description == "192.0.2.1")
        #expect(try Peer(parsing: "192.0.2.1:0").description == "192.0.2.1:0")
    }
}
