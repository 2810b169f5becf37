import GreenroomCore
import Testing

/// One resolver scenario: a peer, trust, headers, and the expected decision.
struct ResolverCase: CustomTestStringConvertible, Sendable {
    var name: String
    var peer: Peer
    var trust: [String] = ["loopback", "10.0.0.0/8"]
    var policy: ForwardedResolver.HeaderPolicy = .xForwarded
    var mode: ForwardedResolver.Mode = .walk
    var authoritative: ForwardedResolver.HeaderFamily = .xForwarded
    var headers: [(name: String, value: String)]
    var client: String
    var port: UInt16? = nil
    var via: ClientAddress.Via
    var decision: ClientAddress.Decision

    var testDescription: String { name }

    func resolve() throws -> ClientAddress {
        let resolver = ForwardedResolver(
            trusted: try TrustedProxies(parsing: trust),
            policy: policy,
            mode: mode,
            authoritative: authoritative
        )
        return resolver.resolve(peer: peer, headers: headers)
    }
}

/// `127.0.0.1:40000`.
let localPeer = Peer.ip(IPAddress.loopbackV4, port: 40000)
/// An address no test trusts.
let strangerPeer = Peer.ip(IPAddress("198.51.100.1")!, port: 50000)
/// A proxy in 10.0.0.0/8.
let lanProxyPeer = Peer.ip(IPAddress("10.0.0.2")!, port: 41000)

func xff(_ value: String) -> (name: String, value: String) { ("X-Forwarded-For", value) }
func fwd(_ value: String) -> (name: String, value: String) { ("Forwarded", value) }
