import Testing

@testable import GreenroomCore

@Suite("ConnectionOrigin: what a PROXY header changes")
struct ConnectionOriginTests {
    static let socket = Peer.ip(.loopbackV4, port: 50000)

    @Test("without a header the socket's peer is judged, over plain HTTP")
    func noHeader() {
        let origin = ConnectionOrigin(socketPeer: Self.socket)
        #expect(origin == ConnectionOrigin(socketPeer: Self.socket))
        #expect(origin.peer == Self.socket)
        #expect(origin.via == .peer)
        #expect(origin.scheme == "http")
    }

    @Test("a header from an untrusted peer is refused")
    func untrusted() throws {
        let header = try complete(Array(proxyV1Line.utf8)).header
        #expect(ConnectionOrigin(socketPeer: Self.socket, header: header, trusted: .none) == nil)
        let stranger = Peer.ip(IPAddress("198.51.100.7")!, port: 1)
        #expect(ConnectionOrigin(socketPeer: stranger, header: header, trusted: .loopback) == nil)
    }

    @Test("a trusted header's source is the peer; its SSL TLV makes the scheme https")
    func source() throws {
        let plain = try complete(Array(proxyV1Line.utf8)).header
        let origin = try #require(ConnectionOrigin(socketPeer: Self.socket, header: plain, trusted: .loopback))
        #expect(origin.peer == .ip(IPAddress("203.0.113.7")!, port: 4711))
        #expect(origin.via == .proxyProtocol)
        #expect(origin.scheme == "http")
        let tls = try complete(proxyV2TLS).header
        #expect(ConnectionOrigin(socketPeer: Self.socket, header: tls, trusted: .loopback)?.scheme == "https")
    }

    @Test("LOCAL or no addresses: the socket's peer and scheme stay, whatever the TLVs say")
    func noSource() throws {
        for bytes in [ProxyProtocolV2Tests.haproxyLocal, proxyV2UnspecifiedTLS] {
            let header = try complete(bytes).header
            #expect(
                ConnectionOrigin(socketPeer: Self.socket, header: header, trusted: .loopback)
                    == ConnectionOrigin(socketPeer: Self.socket)
            )
        }
    }
}
