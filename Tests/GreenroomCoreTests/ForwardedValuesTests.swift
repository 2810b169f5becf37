import GreenroomCore
import Testing

@Suite("ForwardedResolver: scheme, host, port and prefix")
struct ForwardedValuesTests {
    let resolver = ForwardedResolver(trusted: try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]))

    @Test func trustedPeerSetsEverything() {
        let result = resolver.resolve(
            peer: localPeer,
            headers: [
                ("Host", "127.0.0.1:8000"), xff("203.0.113.7"), ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "Example.COM"), ("X-Forwarded-Port", "443"), ("X-Forwarded-Prefix", "/api/"),
            ]
        )
        #expect(result.scheme == "https")
        #expect(result.host == "example.com")
        #expect(result.forwardedPort == 443)
        #expect(result.prefix == "/api")
    }

    @Test func untrustedPeerCannotSetAnything() {
        let result = resolver.resolve(
            peer: strangerPeer,
            headers: [
                ("Host", "app.example"), xff("203.0.113.7"), ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Port", "443"), ("X-Forwarded-Prefix", "/admin"),
            ]
        )
        #expect(result.scheme == "http")
        #expect(result.host == "app.example")
        #expect(result.forwardedPort == nil)
        #expect(result.prefix == nil)
    }

    @Test func listsAlignedWithTheClientsPosition() {
        // Proxy 10.0.0.3 got https from the client and spoke http to the next proxy.
        let result = resolver.resolve(
            peer: localPeer,
            headers: [
                xff("203.0.113.7, 10.0.0.3"), ("X-Forwarded-Proto", "https, http"),
                ("X-Forwarded-Host", "a.example, b.internal"),
            ]
        )
        #expect(result.address == IPAddress("203.0.113.7"))
        #expect(result.scheme == "https")
        #expect(result.host == "a.example")
    }

    @Test func listsOfOtherLengthsUseTheNearestProxysValue() {
        let result = resolver.resolve(
            peer: localPeer,
            headers: [xff("1.1.1.1, 203.0.113.7, 10.0.0.3"), ("X-Forwarded-Proto", "http, https")]
        )
        #expect(result.scheme == "https")
    }

    @Test(arguments: [
        ("X-Forwarded-Proto", "ht tp"), ("X-Forwarded-Proto", "javascript:alert(1)"), ("X-Forwarded-Proto", "1http"),
        ("X-Forwarded-Host", "evil.example/path"), ("X-Forwarded-Host", "a b"), ("X-Forwarded-Host", "x\"><script>"),
        ("X-Forwarded-Host", "[not-v6]"), ("X-Forwarded-Port", "0"), ("X-Forwarded-Port", "65536"),
        ("X-Forwarded-Port", "08"), ("X-Forwarded-Prefix", "//evil.example"), ("X-Forwarded-Prefix", "api"),
        ("X-Forwarded-Prefix", "/a?b"), ("X-Forwarded-Prefix", "/"),
    ])
    func malformedValuesAreIgnored(_ header: (String, String)) {
        let result = resolver.resolve(peer: localPeer, headers: [("Host", "app.example"), xff("203.0.113.7"), header])
        #expect(result.scheme == "http")
        #expect(result.host == "app.example")
        #expect(result.forwardedPort == nil)
        #expect(result.prefix == nil)
    }

    @Test func socketSchemeIsTheDefault() {
        let result = resolver.resolve(peer: strangerPeer, headers: [("Host", "app.example")], socketScheme: "https")
        #expect(result.scheme == "https")
    }

    @Test func hostWithIPv6LiteralAndPort() {
        let result = resolver.resolve(peer: localPeer, headers: [("X-Forwarded-Host", "[2001:db8::1]:8443")])
        #expect(result.host == "[2001:db8::1]:8443")
    }
}
