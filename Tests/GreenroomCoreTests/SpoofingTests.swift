import GreenroomCore
import Testing

/// Every way a client might claim another address, from an untrusted peer and through a trusted
/// proxy that appends correctly. None may change the answer.
@Suite("Spoofing attempts")
struct SpoofingTests {
    static let forgeries: [[(name: String, value: String)]] = [
        [xff("1.2.3.4")],
        [xff("127.0.0.1")],
        [xff("10.0.0.1, 127.0.0.1")],
        [("X-Forwarded-For", "1.2.3.4"), ("x-forwarded-for", "5.6.7.8")],
        [fwd("for=1.2.3.4;proto=https;host=evil.example")],
        [fwd("for=127.0.0.1")],
        [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Port", "443")],
        [("X-Real-IP", "1.2.3.4"), ("True-Client-IP", "1.2.3.4"), ("CF-Connecting-IP", "1.2.3.4")],
        [xff("[::1]:80"), fwd("for=\"[::1]\"")],
        [xff("::ffff:127.0.0.1")],
    ]

    @Test(arguments: forgeries, ForwardedResolver.HeaderPolicy.allCases)
    func untrustedPeerCannotSpoof(headers: [(name: String, value: String)], policy: ForwardedResolver.HeaderPolicy) {
        let resolver = ForwardedResolver(trusted: .loopback, policy: policy)
        let result = resolver.resolve(peer: strangerPeer, headers: [("Host", "app.example")] + headers)
        #expect(result.address == IPAddress("198.51.100.1"))
        #expect(result.via == .peer)
        #expect(result.scheme == "http")
        #expect(result.host == "app.example")
    }

    /// A correctly configured edge proxy appends the real client; what the client sent before
    /// it is to the left and must not win.
    @Test(arguments: forgeries)
    func forgedLeftHopsLoseBehindAnAppendingProxy(headers: [(name: String, value: String)]) {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .xForwarded)
        let appended = headers + [xff("203.0.113.50")]
        let result = resolver.resolve(peer: localPeer, headers: appended)
        #expect(result.address == IPAddress("203.0.113.50"))
    }

    @Test(arguments: forgeries)
    func forgedElementsLoseBehindAnAppendingForwardedProxy(headers: [(name: String, value: String)]) {
        let resolver = ForwardedResolver(trusted: .loopback, policy: .forwarded)
        let result = resolver.resolve(peer: localPeer, headers: headers + [fwd("for=203.0.113.50")])
        #expect(result.address == IPAddress("203.0.113.50"))
    }

    @Test func proxyThatPassesOneFamilyThroughCannotBeAbusedWithBoth() {
        // The proxy sets X-Forwarded-For but passes the client's Forwarded header untouched.
        let resolver = ForwardedResolver(trusted: .loopback, policy: .both)
        let result = resolver.resolve(peer: localPeer, headers: [fwd("for=1.2.3.4"), xff("203.0.113.50")])
        #expect(result.address != IPAddress("1.2.3.4"))
        #expect(result.decision == .headersDisagree)
    }
}
