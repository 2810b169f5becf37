import GreenroomCore

/// How much of the address space trusted blocks cover: the judgements behind GR003, GR004 and
/// GR010.
enum AddressCoverage {
    /// Wider than a /8 of IPv4 or a /16 of IPv6: no proxy set is ever that large.
    static func isHuge(_ block: CIDR) -> Bool {
        block.prefixLength < (block.network.family == .v4 ? 8 : 16)
    }

    /// More than one publicly routable address.
    static func isPublicRange(_ block: CIDR) -> Bool {
        block.network.isPubliclyRoutable && block.prefixLength < block.network.bitWidth
    }

    /// A large public block: wider than a /12 of IPv4 or a /29 of IPv6 (bigger than any CDN's
    /// published range).
    static func isLargePublic(_ block: CIDR) -> Bool {
        block.network.isPubliclyRoutable && block.prefixLength < (block.network.family == .v4 ? 12 : 29)
    }

    /// The private networks (RFC 1918, IPv6 unique-local) in full.
    static let privateNetworks: [CIDR] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map {
        CIDR($0)!
    }

    /// `true` when `block` contains a whole private network (`10.0.0.0/8` or wider, ...).
    static func containsWholePrivateNetwork(_ block: CIDR) -> Bool {
        privateNetworks.contains { block.contains($0) }
    }

    /// The families whose every address the blocks cover together (`0.0.0.0/1` + `128.0.0.0/1`).
    static func familiesCovered(by blocks: [CIDR]) -> [IPAddress.Family] {
        var covered: [IPAddress.Family] = []
        for (family, width) in [(IPAddress.Family.v4, 32), (.v6, 128)] {
            let ranges = blocks.filter { $0.network.family == family }.map { block -> (UInt128, UInt128) in
                let hostBits = width - block.prefixLength
                let span: UInt128 = hostBits >= 128 ? .max : (UInt128(1) << hostBits) - 1
                return (block.network.bits, block.network.bits + span)
            }.sorted { $0.0 < $1.0 }
            let last: UInt128 = width == 32 ? UInt128(UInt32.max) : .max
            var next: UInt128 = 0  // the first address not yet covered
            var complete = false
            for (start, end) in ranges {
                if start > next { break }
                if end == last {
                    complete = true
                    break
                }
                next = max(next, end + 1)
            }
            if complete { covered.append(family) }
        }
        return covered
    }
}
