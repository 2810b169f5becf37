import GreenroomCore
import Testing

@Suite("ForwardedResolver: RFC 7239 Forwarded")
struct ForwardedHeaderTests {
    static let cases: [ResolverCase] = [
        .init(
            name: "RFC 7239 example",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=192.0.2.60;proto=http;by=203.0.113.43")],
            client: "192.0.2.60",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "quoted IPv6 with port",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("For=\"[2001:db8:cafe::17]:4711\"")],
            client: "2001:db8:cafe::17",
            port: 4711,
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "rightmost untrusted element",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=192.0.2.43, for=198.51.100.17")],
            client: "198.51.100.17",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "walks over trusted elements",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=1.2.3.4, for=203.0.113.7;proto=https, for=10.0.0.3")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "unknown stops",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=unknown")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("for=unknown")
        ),
        .init(
            name: "obfuscated node stops",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=203.0.113.1, for=_hidden, for=10.0.0.3")],
            client: "10.0.0.3",
            via: .forwarded,
            decision: .unparseableHop("for=_hidden")
        ),
        .init(
            name: "obfuscated port: address kept, port unknown",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=\"192.0.2.43:_abc\"")],
            client: "192.0.2.43",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "comma inside quotes is not a separator",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=\"1.2.3.4, 5.6.7.8\"")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("for=\"1.2.3.4, 5.6.7.8\"")
        ),
        .init(
            name: "unterminated quote poisons the rest of its line",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=\"x, for=203.0.113.7")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("for=\"x, for=203.0.113.7")
        ),
        .init(
            name: "malformed element does not hide elements to its right",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=1.2.3.4;bad@, for=203.0.113.7")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "repeated parameter invalidates the element",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=1.2.3.4;for=5.6.7.8")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("for=1.2.3.4;for=5.6.7.8")
        ),
        .init(
            name: "element without for",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("proto=https")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("proto=https")
        ),
        .init(
            name: "IPv6 must be bracketed",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=\"2001:db8::1\"")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .unparseableHop("for=\"2001:db8::1\"")
        ),
        .init(
            name: "empty pairs and whitespace allowed",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd(" ;for=203.0.113.7 ; ;proto=https ,")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "lines joined in order",
            peer: localPeer,
            policy: .forwarded,
            headers: [fwd("for=203.0.113.7"), fwd("for=10.0.0.3")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "untrusted peer ignores Forwarded",
            peer: strangerPeer,
            policy: .forwarded,
            headers: [fwd("for=203.0.113.7")],
            client: "198.51.100.1",
            port: 50000,
            via: .peer,
            decision: .peerUntrusted
        ),
        .init(
            name: "x-forwarded policy ignores Forwarded",
            peer: localPeer,
            policy: .xForwarded,
            headers: [fwd("for=203.0.113.7")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .noForwardingHeaders
        ),
        .init(
            name: "forwarded policy ignores XFF",
            peer: localPeer,
            policy: .forwarded,
            headers: [xff("203.0.113.7")],
            client: "127.0.0.1",
            port: 40000,
            via: .peer,
            decision: .noForwardingHeaders
        ),
        .init(
            name: "both: agreeing families, X-Forwarded-For (authoritative) answers",
            peer: localPeer,
            policy: .both,
            headers: [xff("203.0.113.7"), fwd("for=203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "both: only XFF present",
            peer: localPeer,
            policy: .both,
            headers: [xff("203.0.113.7")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .untrustedHop
        ),
        .init(
            name: "both: only Forwarded present",
            peer: localPeer,
            policy: .both,
            headers: [fwd("for=203.0.113.7")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        // A forged family must never turn the client into the trusted proxy itself: the family the
        // proxy writes authoritatively (X-Forwarded-For unless told otherwise) decides.
        .init(
            name: "both: a forged Forwarded is overruled by X-Forwarded-For, never the peer",
            peer: localPeer,
            policy: .both,
            headers: [xff("203.0.113.7"), fwd("for=1.2.3.4")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .headersDisagree
        ),
        .init(
            name: "both: a forged extra X-Forwarded-For hop is still X-Forwarded-For's answer",
            peer: localPeer,
            policy: .both,
            headers: [xff("203.0.113.7, 10.0.0.3"), fwd("for=1.2.3.4, for=10.0.0.3")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .headersDisagree
        ),
        .init(
            name: "both: a trusted-looking forged Forwarded hop cannot pick the proxy",
            peer: localPeer,
            policy: .both,
            headers: [xff("203.0.113.7"), fwd("for=203.0.113.7, for=127.0.0.1")],
            client: "203.0.113.7",
            via: .xForwardedFor,
            decision: .headersDisagree
        ),
        .init(
            name: "both: a forged X-Forwarded-For loses when Forwarded is authoritative",
            peer: localPeer,
            policy: .both,
            authoritative: .forwarded,
            headers: [xff("1.2.3.4"), fwd("for=203.0.113.7;proto=https")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .headersDisagree
        ),
        .init(
            name: "both: X-Forwarded-For absent, Forwarded authoritative or not, Forwarded answers",
            peer: localPeer,
            policy: .both,
            headers: [fwd("for=203.0.113.7")],
            client: "203.0.113.7",
            via: .forwarded,
            decision: .untrustedHop
        ),
        .init(
            name: "both: X-Forwarded-For's answer stands even when it is a trusted address",
            peer: localPeer,
            policy: .both,
            headers: [xff("127.0.0.1"), fwd("for=1.2.3.4")],
            client: "127.0.0.1",
            via: .xForwardedFor,
            decision: .headersDisagree
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

    @Test func disagreementSaysWhichFamilyDecidedAndWhatTheOtherSaid() {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .both)
        let result = resolver.resolve(
            peer: localPeer,
            headers: [
                xff("198.51.100.7"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "app.example"),
                fwd("for=203.0.113.66;proto=http;host=evil.example"),
            ]
        )
        #expect(result.address == IPAddress("198.51.100.7"))
        #expect(result.scheme == "https")
        #expect(result.host == "app.example")
        #expect(
            result.disagreement
                == ClientAddress.Disagreement(
                    decidedBy: .xForwardedFor,
                    overruled: .forwarded,
                    overruledClient: IPAddress("203.0.113.66"),
                    walkDecision: .untrustedHop
                )
        )
        #expect(
            result.json.hasSuffix(
                #""decision":"headers-disagree","disagreement":{"decided_by":"x-forwarded-for","overruled":"forwarded","overruled_client":"203.0.113.66","walk_decision":"untrusted-hop"}}"#
            )
        )
        let agreeing = resolver.resolve(peer: localPeer, headers: [xff("198.51.100.7"), fwd("for=198.51.100.7")])
        #expect(agreeing.disagreement == nil)
        #expect(!agreeing.json.contains("disagreement"))
    }

    /// A client whose own `Forwarded` element names its real address agrees with the proxy's
    /// `X-Forwarded-For`; its `proto=` and `host=` must still not be believed.
    @Test func agreeingFamiliesTakeSchemeAndHostFromTheAuthoritativeOne() {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .both)
        let result = resolver.resolve(
            peer: localPeer,
            headers: [
                ("Host", "app.example"), xff("198.51.100.7"), ("X-Forwarded-Proto", "http"),
                fwd("for=198.51.100.7;proto=https;host=evil.example"),
            ]
        )
        #expect(result.address == IPAddress("198.51.100.7"))
        #expect(result.disagreement == nil)
        #expect(result.scheme == "http")
        #expect(result.host == "app.example")
        #expect(result.via == .xForwardedFor)
    }

    @Test func forwardedDecidesWhenItIsAuthoritative() {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .both, authoritative: .forwarded)
        let result = resolver.resolve(
            peer: localPeer,
            headers: [xff("203.0.113.66"), ("X-Forwarded-Proto", "http"), fwd("for=198.51.100.7;proto=https")]
        )
        #expect(result.address == IPAddress("198.51.100.7"))
        #expect(result.scheme == "https")
        #expect(result.disagreement?.decidedBy == .forwarded)
        #expect(result.disagreement?.overruledClient == IPAddress("203.0.113.66"))
    }

    @Test func schemeAndHostComeFromTheClientsElement() throws {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .forwarded)
        let result = resolver.resolve(
            peer: localPeer,
            headers: [
                ("Host", "internal:8000"),
                fwd("for=203.0.113.7;proto=HTTPS;host=\"Example.com:8443\", for=127.0.0.2;proto=http;host=internal"),
            ]
        )
        #expect(result.address == IPAddress("203.0.113.7"))
        #expect(result.scheme == "https")
        #expect(result.host == "example.com:8443")
    }

    @Test func escapedValuesAreNotBelieved() throws {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .forwarded)
        let result = resolver.resolve(
            peer: localPeer,
            headers: [fwd("for=203.0.113.7;host=\"ev\\\"il\";proto=\"ht\\tp\"")]
        )
        #expect(result.address == IPAddress("203.0.113.7"))
        #expect(result.host == nil)
        #expect(result.scheme == "http")
    }
}
