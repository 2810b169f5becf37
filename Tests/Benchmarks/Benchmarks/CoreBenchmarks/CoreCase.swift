import Benchmark
import GreenroomCore
import GreenroomServer
import NIOCore
import NIOHTTP1

/// One measured operation of GreenroomCore and the peer it is compared with in the same run.
struct CoreCase {
    /// What is measured: `PROXY v1 parse (TCP4)`, ...
    let name: String
    /// How a typical implementation does the same work.
    let peerName: String
    /// One operation of Greenroom's.
    let body: () -> Void
    /// One operation of the peer's.
    let peer: () -> Void

    /// The cases, with their inputs built once.
    static func all() -> [CoreCase] {
        let trusted = try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8"])
        let resolver = ForwardedResolver(trusted: trusted)
        let forwardedResolver = ForwardedResolver(trusted: trusted, policy: .forwarded)
        let peer = Peer.ip(.loopbackV4, port: 40000)
        let xffHeaders: [(name: String, value: String)] = [
            ("Host", "example.com"), ("User-Agent", "curl/8.0"), ("Accept", "*/*"),
            ("X-Forwarded-For", "203.0.113.7, 10.0.0.3, 10.0.0.2"), ("X-Forwarded-Proto", "https"),
        ]
        let nioHeaders = HTTPHeaders(xffHeaders)
        let forwardedHeaders: [(name: String, value: String)] = [
            ("Host", "example.com"), ("User-Agent", "curl/8.0"), ("Accept", "*/*"),
            ("Forwarded", "for=203.0.113.7;proto=https, for=10.0.0.3, for=\"10.0.0.2:4711\""),
        ]
        let v1Bytes = Array("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n".utf8)[...]
        let v2Header = try! ProxyHeader(
            addresses: .inet(
                source: IPAddress("203.0.113.7")!,
                sourcePort: 56324,
                destination: IPAddress("10.0.0.2")!,
                destinationPort: 443
            ),
            tlvs: [.init(type: .alpn, text: "h2"), .init(type: .authority, text: "example.com")]
        )
        let v2Bytes = (v2Header.encoded() + Array("GET / HTTP/1.1\r\n".utf8))[...]
        let whoami = resolver.resolve(peer: peer, headers: xffHeaders)
        var whoamiBuffer = ByteBufferAllocator().buffer(capacity: 1024)
        let v4Text = "203.0.113.7"
        let v6Text = "2001:db8:85a3::8a2e:370:7334"
        return [
            CoreCase(
                name: "PROXY v1 parse (TCP4)",
                peerName: "naive split+String v1 parser",
                body: { blackHole(try! ProxyProtocol.parse(v1Bytes)) },
                peer: { blackHole(NaivePeers.v1(v1Bytes)) }
            ),
            CoreCase(
                name: "PROXY v2 parse (2 TLVs)",
                peerName: "naive Array-copying v2 parser",
                body: { blackHole(try! ProxyProtocol.parse(v2Bytes)) },
                peer: { blackHole(NaivePeers.v2(v2Bytes)) }
            ),
            CoreCase(
                name: "IPv4 parse",
                peerName: "inet_pton(AF_INET)",
                body: { blackHole(IPAddress(v4Text)) },
                peer: { blackHole(NaivePeers.ptonV4(v4Text)) }
            ),
            CoreCase(
                name: "IPv6 parse",
                peerName: "inet_pton(AF_INET6)",
                body: { blackHole(IPAddress(v6Text)) },
                peer: { blackHole(NaivePeers.ptonV6(v6Text)) }
            ),
            CoreCase(
                name: "XFF resolve, 3 hops",
                peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: xffHeaders)) },
                peer: { blackHole(NaivePeers.resolve(xffHeaders, trusted: trusted)) }
            ),
            CoreCase(
                name: "XFF resolve, 3 hops, HTTPHeaders",
                peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: nioHeaders)) },
                peer: { blackHole(NaivePeers.resolve(xffHeaders, trusted: trusted)) }
            ),
            CoreCase(
                name: "whoami JSON, 3-hop chain",
                peerName: "ClientAddress.json (String)",
                body: {
                    whoamiBuffer.clear()
                    whoami.writeJSON(into: &whoamiBuffer)
                    blackHole(whoamiBuffer.readableBytes)
                },
                peer: { blackHole(whoami.json) }
            ),
            CoreCase(
                name: "Forwarded resolve, 3 hops",
                peerName: "naive split+String walk",
                body: { blackHole(forwardedResolver.resolve(peer: peer, headers: forwardedHeaders)) },
                peer: { blackHole(NaivePeers.forwarded(forwardedHeaders, trusted: trusted)) }
            ),
        ]
    }
}
