import GreenroomCore
import NIOCore
import Testing

@testable import GreenroomServer

/// The server's allocation-light `/whoami` writer must print exactly what the core's `json` does.
@Suite struct ClientAddressJSONTests {
    static let resolver = ForwardedResolver(trusted: try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8", "unix"]))

    static let cases: [(Peer, [(name: String, value: String)])] = [
        (.ip(.loopbackV4, port: 4711), []),
        (.ip(.loopbackV4, port: 1), [("X-Forwarded-For", "198.51.100.7, 10.0.0.2, 10.0.0.3")]),
        (.ip(.loopbackV6, port: 65535), [("X-Forwarded-For", "[2001:db8::7]:99"), ("X-Forwarded-Proto", "https")]),
        (.ip(IPAddress("192.0.2.9")!, port: 80), [("X-Forwarded-For", "1.2.3.4"), ("Host", "a\"b\\c")]),
        (.unix(path: nil), [("X-Forwarded-For", "203.0.113.1"), ("X-Forwarded-Host", "h\u{2028}x\u{7f}\u{01}é")]),
        (.unix(path: "/run/app.sock"), [("Host", "tab\there"), ("X-Forwarded-Prefix", "/app")]),
        (.ip(.loopbackV4, port: 2), [("X-Forwarded-For", "garbage, 10.0.0.2"), ("X-Forwarded-Port", "8443")]),
        (.ip(IPAddress("::ffff:127.0.0.1")!, port: 3), [("X-Forwarded-For", "255.255.255.255, 0.0.0.0")]),
        // More trusted hops than the chain keeps: the JSON says how many were omitted.
        (
            .ip(.loopbackV4, port: 4),
            [("X-Forwarded-For", "203.0.113.5, 10.0.0.9, 10.0.0.8, 10.0.0.7, 10.0.0.6, 10.0.0.5")]
        ),
    ]

    /// Long strings that escape to six bytes per byte and 39-character IPv6 addresses, built
    /// directly (the resolver refuses control characters in hosts).
    @Test func longEscapedStringsAndLongAddressesMatchTheCoresJSON() {
        let longest = IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")!
        let hop = TrustChain.Hop(address: longest, port: 65535)
        let client = ClientAddress(
            address: longest,
            port: 65535,
            peer: .ip(longest, port: 65535),
            scheme: String(repeating: "\u{01}", count: 50),
            host: String(repeating: "\u{01}", count: 300),
            forwardedPort: 65535,
            prefix: String(repeating: "\u{2028}", count: 100),
            via: .xForwardedFor,
            chain: TrustChain([hop, hop, hop, hop, hop, hop]),
            decision: .unparseableHop(String(repeating: "\"", count: 80))
        )
        var buffer = ByteBuffer()
        client.writeJSON(into: &buffer)
        #expect(String(buffer: buffer) == client.json)
        #expect(buffer.readableBytes > 2_000)
    }

    /// `both` with disagreeing families (the `disagreement` object, with and without an overruled
    /// client) and a PROXY source port 0.
    @Test(
        arguments: [
            (Peer.ip(.loopbackV4, port: 0), [("X-Forwarded-For", "198.51.100.7"), ("Forwarded", "for=203.0.113.66")]),
            (.ip(.loopbackV4, port: 5), [("X-Forwarded-For", "198.51.100.7"), ("Forwarded", "for=unknown")]),
            (.ip(.loopbackV6, port: 6), [("X-Forwarded-For", "unknown"), ("Forwarded", "for=\"[2001:db8::9]\"")]),
        ] as [(Peer, [(name: String, value: String)])]
    )
    func writerMatchesTheCoresJSONWhenFamiliesDisagree(_ peer: Peer, _ headers: [(name: String, value: String)]) {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .both)
        let client = resolver.resolve(peer: peer, headers: headers)
        #expect(client.disagreement != nil)
        var buffer = ByteBuffer()
        client.writeJSON(into: &buffer)
        #expect(String(buffer: buffer) == client.json)
    }

    @Test(arguments: 0..<cases.count)
    func writerMatchesTheCoresJSON(_ index: Int) {
        let (peer, headers) = Self.cases[index]
        let client = Self.resolver.resolve(peer: peer, headers: headers)
        var buffer = ByteBuffer()
        client.writeJSON(into: &buffer)
        #expect(String(buffer: buffer) == client.json)
    }
}
