extension IPAddress {
    /// `127.0.0.0/8` or `::1` (after unmapping).
    public var isLoopback: Bool {
        let address = unmapped
        return address.family == .v4 ? address.bits >> 24 == 127 : address.bits == 1
    }

    /// The wildcard address: `0.0.0.0` or `::`. Binding to it listens on every interface.
    public var isUnspecified: Bool { bits == 0 || (isIPv4Mapped && unmapped.bits == 0) }

    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) or IPv6 unique-local (`fc00::/7`).
    public var isPrivate: Bool {
        let address = unmapped
        if address.family == .v4 {
            let value = UInt32(truncatingIfNeeded: address.bits)
            return value >> 24 == 10 || value >> 20 == 0xAC1 || value >> 16 == 0xC0A8
        }
        return address.bits >> 121 == 0x7E
    }

    /// Link-local: `169.254/16` or `fe80::/10`.
    public var isLinkLocal: Bool {
        let address = unmapped
        if address.family == .v4 { return address.bits >> 16 == 0xA9FE }
        return address.bits >> 118 == 0x3FA
    }

    /// Carrier-grade NAT shared space, `100.64.0.0/10` (RFC 6598).
    public var isSharedAddressSpace: Bool {
        let address = unmapped
        return address.family == .v4 && address.bits >> 22 == (100 << 2 | 1)
    }

    /// Multicast: `224/4` or `ff00::/8`.
    public var isMulticast: Bool {
        let address = unmapped
        if address.family == .v4 { return address.bits >> 28 == 0xE }
        return address.bits >> 120 == 0xFF
    }

    /// An address that may be reachable from the public internet: none of loopback, wildcard,
    /// private, link-local, shared (CGNAT) or multicast.
    public var isPubliclyRoutable: Bool {
        !(isLoopback || isUnspecified || isPrivate || isLinkLocal || isSharedAddressSpace || isMulticast)
    }
}
