import GreenroomCore

/// An address block as proxies write it: `10.0.0.0/8`, `10.0.0.1/8` (host bits allowed, as nginx
/// and httpd mask them), a bare address, `10.0.0.` or `10.0` (httpd's partial form).
struct CIDRText: Sendable, Hashable {
    /// The block, host bits cleared.
    var block: CIDR

    init?(_ text: String) {
        var address = Substring(text)
        var prefix: Int? = nil
        if let slash = text.firstIndex(of: "/") {
            guard let bits = Int(text[text.index(after: slash)...]) else { return nil }
            prefix = bits
            address = text[..<slash]
        }
        if IPAddress(address) == nil, !address.contains(":"), prefix == nil {
            // httpd's partial IPv4 ("10.0" = 10.0.0.0/16).
            let octets = address.split(separator: ".", omittingEmptySubsequences: true)
            guard (1...3).contains(octets.count), octets.allSatisfy({ UInt8($0) != nil }) else { return nil }
            address = Substring((octets + Array(repeating: "0", count: 4 - octets.count)).joined(separator: "."))
            prefix = octets.count * 8
        }
        guard let ip = IPAddress(address) else { return nil }
        let length = prefix ?? ip.bitWidth
        guard (0...ip.bitWidth).contains(length) else { return nil }
        let width = ip.bitWidth
        let all: UInt128 = width == 32 ? UInt128(UInt32.max) : UInt128.max
        let mask: UInt128 = length == 0 ? 0 : (all << UInt128(width - length)) & all
        let network =
            ip.family == .v4
            ? IPAddress(ipv4: UInt32(truncatingIfNeeded: ip.bits & mask)) : IPAddress(ipv6: ip.bits & mask)
        guard let block = try? CIDR(network: network, prefixLength: length) else { return nil }
        self.block = block
    }

    /// How broad a trusted block is.
    enum Breadth: Sendable, Hashable {
        /// Fine.
        case narrow
        /// A large public block (more than a /12 of IPv4 or a /29 of IPv6).
        case largePublic
        /// Far too broad: everything, or more than a /8 of IPv4 or a /16 of IPv6.
        case huge
    }

    /// Judges the block's size.
    var breadth: Breadth {
        let network = block.network.unmapped
        let v4 = network.family == .v4
        if block.prefixLength < (v4 ? 8 : 16) { return .huge }
        let local = network.isLoopback || network.isPrivate || network.isLinkLocal || network.isSharedAddressSpace
        if !local && block.prefixLength < (v4 ? 12 : 29) { return .largePublic }
        return .narrow
    }
}
