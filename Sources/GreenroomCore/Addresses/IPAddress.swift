/// An IPv4 or IPv6 address, as a value.
///
/// Parsing is strict (no leading zeros in IPv4 octets, no zone ids, no brackets) and printing is
/// canonical per RFC 5952, so the same address always prints the same way in logs and reports.
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) keeps its family until it is ``unmapped``;
/// every trust decision in Greenroom compares unmapped addresses.
public struct IPAddress: Sendable, Hashable {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// IPv4, 32 bits.
        case v4
        /// IPv6, 128 bits.
        case v6
    }

    // `bits` is stored first so the value is 17 bytes, not 32 (the family would otherwise be
    // padded to the 16-byte alignment of UInt128); headers and peers holding two addresses stay
    // small enough to be copied inline.

    /// The address bits: the low 32 bits for IPv4, all 128 bits for IPv6, in network order
    /// (the first octet is the most significant byte).
    public let bits: UInt128
    /// The address family.
    public let family: Family

    /// Creates an IPv4 address from its 32 bits (`0xC0000201` is `192.0.2.1`).
    @inlinable
    public init(ipv4 bits: UInt32) {
        self.family = .v4
        self.bits = UInt128(bits)
    }

    /// Creates an IPv6 address from its 128 bits.
    @inlinable
    public init(ipv6 bits: UInt128) {
        self.family = .v6
        self.bits = bits
    }

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes in network order.
    ///
    /// - Throws: ``GreenroomError/Code/invalidIPAddress`` for any other length.
    @inlinable
    public init(bytes: some Collection<UInt8>) throws(GreenroomError) {
        var value: UInt128 = 0
        for byte in bytes { value = value << 8 | UInt128(byte) }
        switch bytes.count {
        case 4: self.init(ipv4: UInt32(truncatingIfNeeded: value))
        case 16: self.init(ipv6: value)
        default: throw GreenroomError(.invalidIPAddress, "an address has 4 or 16 bytes, not \(bytes.count)")
        }
    }

    /// The address's bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        let count = family == .v4 ? 4 : 16
        return (0..<count).map { UInt8(truncatingIfNeeded: bits >> (8 * (count - 1 - $0))) }
    }

    /// The IPv4 address as 32 bits, or `nil` for IPv6.
    @inlinable
    public var ipv4Bits: UInt32? { family == .v4 ? UInt32(truncatingIfNeeded: bits) : nil }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), otherwise `self`.
    ///
    /// Dual-stack sockets report IPv4 peers this way; Greenroom unmaps before every trust
    /// decision so that `127.0.0.1` and `::ffff:127.0.0.1` are the same peer.
    @inlinable
    public var unmapped: IPAddress {
        if family == .v6, bits >> 32 == 0xFFFF { return IPAddress(ipv4: UInt32(truncatingIfNeeded: bits)) }
        return self
    }

    /// `true` for an IPv4-mapped IPv6 address.
    @inlinable
    public var isIPv4Mapped: Bool { family == .v6 && bits >> 32 == 0xFFFF }

    /// The number of bits in an address of this family: 32 or 128.
    @inlinable
    public var bitWidth: Int { family == .v4 ? 32 : 128 }
}

extension IPAddress {
    /// `127.0.0.1`.
    public static let loopbackV4 = IPAddress(ipv4: 0x7F00_0001)
    /// `::1`.
    public static let loopbackV6 = IPAddress(ipv6: 1)
    /// `0.0.0.0`, the IPv4 wildcard.
    public static let anyV4 = IPAddress(ipv4: 0)
    /// `::`, the IPv6 wildcard.
    public static let anyV6 = IPAddress(ipv6: 0)
}
