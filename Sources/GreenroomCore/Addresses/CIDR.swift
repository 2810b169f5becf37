/// A block of addresses, `network/prefixLength`, such as `10.0.0.0/8` or `2001:db8::/32`.
///
/// A block in the IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is normalised to its IPv4 form
/// (`10.0.0.0/8`), so it matches IPv4 peers however the socket reports them.
public struct CIDR: Sendable, Hashable {
    /// The first address of the block; its host bits are zero.
    public let network: IPAddress
    /// The number of leading bits that every address in the block shares.
    public let prefixLength: Int

    /// Creates a block, refusing host bits beyond the prefix (`10.0.0.1/8` is a typo, not a network).
    ///
    /// - Throws: ``GreenroomError/Code/invalidCIDR``.
    public init(network: IPAddress, prefixLength: Int) throws(GreenroomError) {
        guard prefixLength >= 0, prefixLength <= network.bitWidth else {
            throw GreenroomError(
                .invalidCIDR,
                "prefix length \(prefixLength) is out of range 0...\(network.bitWidth) for \(network)"
            )
        }
        var network = network
        var prefixLength = prefixLength
        if network.isIPv4Mapped, prefixLength >= 96 {
            network = network.unmapped
            prefixLength -= 96
        }
        let mask = CIDR.mask(prefixLength, width: network.bitWidth)
        guard network.bits & ~mask == 0 else {
            let masked = CIDR.networkAddress(network, mask: mask)
            throw GreenroomError(
                .invalidCIDR,
                "\(network)/\(prefixLength) has host bits set; did you mean \(masked)/\(prefixLength) or \(network)/\(network.bitWidth)?"
            )
        }
        self.network = network
        self.prefixLength = prefixLength
    }

    /// A block holding exactly one address (`/32` or `/128`).
    public init(_ address: IPAddress) {
        let address = address.unmapped
        self.network = address
        self.prefixLength = address.bitWidth
    }

    /// Parses `address/prefix` or a bare address (a single-address block).
    ///
    /// - Throws: ``GreenroomError/Code/invalidCIDR`` naming the text.
    public init(parsing text: some StringProtocol) throws(GreenroomError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address: IPAddress
        do {
            address = try IPAddress(parsing: parts[0])
        } catch {
            throw GreenroomError(.invalidCIDR, "'\(text)' is not a CIDR block: \(error.reason)")
        }
        guard parts.count == 2 else {
            self.init(address)
            return
        }
        let digits = parts[1]
        guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            digits == "0" || digits.first != "0", let length = Int(digits)
        else {
            throw GreenroomError(.invalidCIDR, "'\(text)': prefix length '\(digits)' is not a number")
        }
        do {
            try self.init(network: address, prefixLength: length)
        } catch {
            throw GreenroomError(.invalidCIDR, "'\(text)': \(error.reason)")
        }
    }

    /// `true` when `address` (after unmapping) lies in this block.
    @inlinable
    public func contains(_ address: IPAddress) -> Bool {
        let address = address.unmapped
        guard address.family == network.family else { return false }
        return address.bits & CIDR.mask(prefixLength, width: network.bitWidth) == network.bits
    }

    /// `true` when every address of `other` lies in this block.
    public func contains(_ other: CIDR) -> Bool {
        other.network.family == network.family && other.prefixLength >= prefixLength && contains(other.network)
    }

    /// `true` for a block that matches every address of its family (`0.0.0.0/0`, `::/0`).
    public var matchesEverything: Bool { prefixLength == 0 }

    /// The number of addresses in the block, saturating at `UInt128.max`.
    public var addressCount: UInt128 {
        let hostBits = network.bitWidth - prefixLength
        return hostBits >= 128 ? .max : UInt128(1) << hostBits
    }

    @inlinable
    static func mask(_ prefixLength: Int, width: Int) -> UInt128 {
        if prefixLength == 0 { return 0 }
        let all: UInt128 = width == 32 ? 0xFFFF_FFFF : .max
        return all & ~((UInt128(1) << (width - prefixLength)) &- 1)
    }

    static func networkAddress(_ address: IPAddress, mask: UInt128) -> IPAddress {
        address.family == .v4
            ? IPAddress(ipv4: UInt32(truncatingIfNeeded: address.bits & mask))
            : IPAddress(ipv6: address.bits & mask)
    }
}

extension CIDR: CustomStringConvertible, LosslessStringConvertible {
    /// `network/prefixLength` in canonical form.
    public var description: String { "\(network)/\(prefixLength)" }

    /// Parses a block, returning `nil` instead of throwing.
    public init?(_ description: String) {
        guard let parsed = try? CIDR(parsing: description) else { return nil }
        self = parsed
    }
}
