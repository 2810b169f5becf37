import GreenroomCore
import GreenroomServer
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Peer(SocketAddress)`, the public bridge from a NIO channel's `remoteAddress` to the trust layer.
@Suite struct PeerSocketAddressTests {
    @Test(arguments: [
        ("192.0.2.1", 4711, "192.0.2.1:4711"),
        ("127.0.0.1", 0, "127.0.0.1:0"),
        ("2001:db8::1", 443, "[2001:db8::1]:443"),
        ("::1", 65535, "[::1]:65535"),
    ])
    func ipAddressesKeepAddressAndPort(_ address: String, _ port: Int, _ expected: String) throws {
        let peer = Peer(try SocketAddress(ipAddress: address, port: port))
        #expect(peer.description == expected)
        #expect(peer == .ip(IPAddress(address)!, port: UInt16(port)))
    }

    @Test func ipv4MappedAddressIsTrustedAsIPv4() throws {
        let peer = Peer(try SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 80))
        #expect(TrustedProxies.loopback.trusts(peer))
        #expect(!TrustedProxies.none.trusts(peer))
    }

    @Test func unixSocketKeepsItsPath() throws {
        let peer = Peer(try SocketAddress(unixDomainSocketPath: "/run/app.sock"))
        #expect(peer == .unix(path: "/run/app.sock"))
        #expect(try TrustedProxies(parsing: ["unix"]).trusts(peer))
    }

    @Test func unnamedUnixSocketHasNoPath() throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let peer = Peer(SocketAddress(address))
        #expect(peer == .unix(path: nil))
    }
}
