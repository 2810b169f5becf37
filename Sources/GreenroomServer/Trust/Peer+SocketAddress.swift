public import GreenroomCore
public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Peer {
    /// The peer of a NIO socket address: `ip(_:port:)` for IPv4 and IPv6
    /// (an IPv4-mapped IPv6 address is kept as it is; `TrustedProxies` unmaps it),
    /// `unix(path:)` for a unix-domain socket (`nil` path when unnamed, as an
    /// accepted unix connection's peer usually is).
    ///
    /// Reads the `sockaddr` bytes directly, allocating only for a unix socket's path.
    public init(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self = withUnsafeBytes(of: v4.address) { Peer(socketAddressBytes: $0) }
        case .v6(let v6):
            self = withUnsafeBytes(of: v6.address) { Peer(socketAddressBytes: $0) }
        case .unixDomainSocket(let unix):
            let path = unix.address.sun_path
            let text = withUnsafeBytes(of: path) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            self = .unix(path: text.isEmpty ? nil : text)
        }
    }

    /// The peer of a channel's `remoteAddress`; `nil` when the channel has none.
    init?(_ address: SocketAddress?) {
        guard let address else { return nil }
        self.init(address)
    }
}

extension Peer {
    /// Reads a `sockaddr_in` (16 bytes) or `sockaddr_in6` (28 bytes) by its fixed layout: the
    /// port at offset 2, the IPv4 address at 4, the IPv6 address at 8, all in network order.
    init(socketAddressBytes bytes: UnsafeRawBufferPointer) {
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        if bytes.count >= 24 {
            let address = bytes[8..<24].reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            self = .ip(IPAddress(ipv6: address), port: port)
        } else {
            let address = bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            self = .ip(IPAddress(ipv4: address), port: port)
        }
    }
}

extension IPAddress {
    /// The NIO socket address for this address and `port`.
    func socketAddress(port: Int) -> SocketAddress {
        // The textual form is canonical and always parses.
        try! SocketAddress(ipAddress: description, port: port)
    }
}
