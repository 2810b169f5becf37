import GreenroomCore
import Testing

@Suite("ForwardedResolver: X-Forwarded-For walk")
struct ForwardedResolverTests {
    static let cases: [ResolverCase] = [
        .init(
            name: "untrusted peer: XFF ignored",
            peer: strangerPeer,
            headers: [xff("203.0.113.7")],
            client: "198.51.100.1",
            port: 50000,
            via: .peer,
            decision: .peerUntrusted
        ),
        .init(
            name: "trusted peer, one hop",
            peer: localPeer,
            headers: [xff("203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "forged leftmost hop is not believed",
            peer: localPeer,
            headers: [xff("1.1.1.1, 203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "walks over trusted hops",
            peer: lanProxyPeer,
            headers: [xff("198.51.100.1, 203.0.113.9, 10.0.0.3")],
            client: "203.0.113.9",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "every hop trusted: leftmost",
            peer: localPeer,
            headers: [xff("10.0.0.5, 10.0.0.3")],
            client: "10.0.0.5",
            via: .xForwardedFor,
            decision: .allHopsTrusted
        ),
        .init(
            name: "unknown stops the walk",
            peer: localPeer,
            headers: [xff("203.0.113.9, unknown, 10.0.0.3")],
            client: "10.0.0.3",
            via: .xForwardedFor,
            decision: .unparseableHop("unknown")
        ),
        .init(
            name: "garbage as first hop: peer",
            peer: localPeer,
            headers: [xff("garbage")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("garbage")
        ),
        .init(
            name: "obfuscated id is unparseable",
            peer: localPeer,
            headers: [xff("_hidden")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("_hidden")
        ),
        .init(
            name: "bare IPv6",
            peer: localPeer,
            headers: [xff("2001:db8::1")],
            client: "2001:db8::1",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "bracketed IPv6 with port",
            peer: localPeer,
            headers: [xff("[2001:db8::1]:4711")],
            client: "2001:db8::1",
            port: 4711,
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "bracketed IPv6 without port",
            peer: localPeer,
            headers: [xff("[2001:DB8:0:0::1]")],
            client: "2001:db8::1",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "IPv4 with port",
            peer: localPeer,
            headers: [xff("203.0.113.7:5555")],
            client: "203.0.113.7",
            port: 5555,
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "IPv4-mapped hop is unmapped",
            peer: localPeer,
            headers: [xff("::ffff:203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "IPv4-mapped trusted hop",
            peer: localPeer,
            headers: [xff("203.0.113.7, ::ffff:10.1.2.3")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "IPv4-mapped peer is trusted as loopback",
            peer: .ip(IPAddress("::ffff:127.0.0.1")!, port: 1234),
            headers: [xff("203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "IPv6 loopback peer",
            peer: .ip(.loopbackV6, port: 1234),
            headers: [xff("203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "header lines are joined in order",
            peer: localPeer,
            headers: [xff("203.0.113.1"), ("Accept", "*/*"), xff("10.0.0.3")],
            client: "203.0.113.1",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "later line is nearer",
            peer: localPeer,
            headers: [xff("10.0.0.3"), xff("203.0.113.1")],
            client: "203.0.113.1",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "empty header",
            peer: localPeer,
            headers: [xff("")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .noForwardingHeaders
        ),
        .init(
            name: "no header",
            peer: localPeer,
            headers: [("Host", "example.com")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .noForwardingHeaders
        ),
        .init(
            name: "empty elements and whitespace ignored",
            peer: localPeer,
            headers: [xff(" , 203.0.113.7 ,,\t")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "zone id is unparseable",
            peer: localPeer,
            headers: [xff("fe80::1%eth0")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("fe80::1%eth0")
        ),
        .init(
            name: "leading zeros are unparseable",
            peer: localPeer,
            headers: [xff("010.0.0.1")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("010.0.0.1")
        ),
        .init(
            name: "port out of range",
            peer: localPeer,
            headers: [xff("1.2.3.4:70000")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("1.2.3.4:70000")
        ),
        .init(
            name: "header name case ignored",
            peer: localPeer,
            headers: [("x-FORWARDED-for", "203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "similar header names are not XFF",
            peer: localPeer,
            headers: [("X-Forwarded-Fo", "203.0.113.7"), ("X-Forwarded-For-Real", "203.0.113.8")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .noForwardingHeaders
        ),
        .init(
            name: "unix peer trusted with 'unix'",
            peer: .unix(path: nil),
            trust: ["unix"],
            headers: [xff("203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "hops mode: second from the right",
            peer: localPeer,
            mode: .hops(2),
            headers: [xff("1.1.1.1, 203.0.113.7, 198.51.100.2")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .fixedHopCount
        ),
        .init(
            name: "hops mode: too few hops keeps the peer",
            peer: localPeer,
            mode: .hops(3),
            headers: [xff("203.0.113.7, 198.51.100.2")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .tooFewHops
        ),
        .init(
            name: "hops mode: untrusted peer",
            peer: strangerPeer,
            mode: .hops(1),
            headers: [xff("203.0.113.7")],
            client: "198.51.100.1",
            port: 50000,
            via: .peer,
            decision: .peerUntrusted
        ),
        .init(
            name: "trust entries other than loopback",
            peer: .ip(IPAddress("192.0.2.10")!, port: 1),
            trust: ["192.0.2.0/24", "2001:db8::/32"],
            headers: [xff("203.0.113.7, 2001:db8::5")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
    ]

    @Test(arguments: cases)
    func resolves(_ scenario: ResolverCase) throws {
        let result = try scenario.resolve()
        #expect(result.address?.description ?? "unix" == scenario.client)
        #expect(result.port == scenario.port)
        #expect(result.via == scenario.via)
        #expect(result.decision == scenario.decision)
    }

    @Test func untrustedUnixPeerIsTheClient() {
        let resolver = ForwardedResolver(trusted: .loopback)
        let result = resolver.resolve(peer: .unix(path: nil), headers: [xff("203.0.113.7")])
        #expect(result.address == nil)
        #expect(result.description == "unix")
        #expect(result.decision == .peerUntrusted)
    }

    @Test func chainListsTrustedHopsNearestFirst() throws {
        let resolver = ForwardedResolver(trusted: try TrustedProxies(parsing: ["10.0.0.0/8"]))
        let result = resolver.resolve(peer: lanProxyPeer, headers: [xff("203.0.113.9, 10.0.0.4, 10.0.0.3")])
        #expect(result.chain.map(\.description) == ["10.0.0.2", "10.0.0.3", "10.0.0.4"])
        #expect(result.address == IPAddress("203.0.113.9"))
    }

    @Test func hopLimitCapsTheWalk() throws {
        // 100 trusted hops with an untrusted client on the far left: only 64 are read.
        var hops = ["203.0.113.7"]
        for index in 0..<100 { hops.append("10.0.\(index / 250).\(index % 250 + 1)") }
        let resolver = ForwardedResolver(trusted: try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]))
        let result = resolver.resolve(peer: localPeer, headers: [xff(hops.joined(separator: ", "))])
        #expect(result.decision == .hopLimitReached)
        #expect(result.chain.totalCount == 65)  // the peer plus 64 trusted hops
        #expect(result.json.contains(#""chain_omitted":61"#))
        #expect(result.address == IPAddress(hops[hops.count - 64]))
        #expect(result.address?.isPrivate == true)
    }

    @Test func hopLimitDoesNotHideANearUntrustedHop() throws {
        var hops = (0..<500).map { "198.51.100.\($0 % 200)" }
        hops += ["203.0.113.7", "10.0.0.3"]
        let resolver = ForwardedResolver(trusted: try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]))
        let result = resolver.resolve(peer: localPeer, headers: [xff(hops.joined(separator: ","))])
        #expect(result.address == IPAddress("203.0.113.7"))
        #expect(result.decision == .untrustedHop)
    }

    @Test func maxHopsIsConfigurable() throws {
        let resolver = ForwardedResolver(trusted: try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]), maxHops: 2)
        let result = resolver.resolve(peer: localPeer, headers: [xff("203.0.113.7, 10.0.0.5, 10.0.0.4")])
        #expect(result.decision == .hopLimitReached)
        #expect(result.address == IPAddress("10.0.0.5"))
    }

    @Test func hugeGarbageHeaderIsBounded() {
        let garbage = String(repeating: "x,", count: 50_000)
        let result = ForwardedResolver().resolve(peer: localPeer, headers: [xff(garbage)])
        #expect(result.address == IPAddress.loopbackV4)
        if case .unparseableHop(let text) = result.decision {
            #expect(text == "x")
        } else {
            Issue.record("expected an unparseable hop, got \(result.decision)")
        }
    }

    /// Property: with a trusted peer, the client is the rightmost untrusted hop, else the leftmost.
    @Test func rightmostUntrustedProperty() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let trusted = try TrustedProxies(parsing: ["loopback", "10.0.0.0/8", "2001:db8:1::/48"])
        let resolver = ForwardedResolver(trusted: trusted)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...8, using: &generator)
            let hops: [IPAddress] = (0..<count).map { _ in
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: IPAddress(ipv4: 0x0A00_0000 | UInt32.random(in: 0...0xFF_FFFF, using: &generator))
                case 1: IPAddress(ipv4: UInt32.random(in: 0xC000_0000...0xDFFF_FFFF, using: &generator))
                case 2:
                    IPAddress(
                        ipv6: UInt128(0x2001_0db8_0001) << 80
                            | UInt128(UInt64.random(in: 0...UInt64.max, using: &generator))
                    )
                default:
                    IPAddress(
                        ipv6: UInt128(0x2001_0db8_9999) << 80
                            | UInt128(UInt64.random(in: 0...UInt64.max, using: &generator))
                    )
                }
            }
            let text = hops.map { $0.family == .v6 && Bool.random(using: &generator) ? "[\($0)]" : $0.description }
            let result = resolver.resolve(peer: localPeer, headers: [xff(text.joined(separator: ", "))])
            let expected = hops.last { !trusted.trusts($0) } ?? hops[0]
            #expect(result.address == expected, "\(text)")
        }
    }
}
