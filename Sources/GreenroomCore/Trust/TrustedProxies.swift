/// The set of peers whose forwarding information Greenroom believes.
///
/// Built from CIDR blocks and addresses plus two words: `loopback` (`127.0.0.0/8` and `::1`) and
/// `unix` (peers on a unix-domain socket, e.g. nginx proxying to `unix:/run/app.sock`). The
/// default is `loopback`: a proxy on the same host. Entries that match every address (`*`,
/// `0.0.0.0/0`, `::/0`, `all`, `any`) are refused unless the caller opts in explicitly, because
/// trusting everyone means every client can choose its own address.
public struct TrustedProxies: Sendable, Hashable {
    /// One entry of the set, as written.
    public enum Entry: Sendable, Hashable, CustomStringConvertible {
        /// `loopback`: `127.0.0.0/8` and `::1`.
        case loopback
        /// `unix`: every unix-domain-socket peer.
        case unix
        /// A CIDR block (a bare address is a `/32` or `/128` block).
        case cidr(CIDR)

        /// The entry as the user would write it.
        public var description: String {
            switch self {
            case .loopback: "loopback"
            case .unix: "unix"
            case .cidr(let cidr):
                cidr.prefixLength == cidr.network.bitWidth ? cidr.network.description : cidr.description
            }
        }

        /// Parses `loopback`, `unix`, a CIDR block or an address.
        ///
        /// - Parameters:
        ///   - text: the entry as the user wrote it.
        ///   - allowingEverything: accept entries that match every address.
        /// - Throws: ``GreenroomError/Code/invalidTrustEntry`` or ``GreenroomError/Code/trustAllRefused``.
        public init(parsing text: some StringProtocol, allowingEverything: Bool = false) throws(GreenroomError) {
            let lowered = text.lowercased()
            switch lowered {
            case "loopback", "localhost":
                self = .loopback
                return
            case "unix":
                self = .unix
                return
            case "*", "all", "any", "everyone", "everything":
                // One entry holds one block: this is IPv4's half; `TrustedProxies(parsing:)` adds `::/0`.
                guard allowingEverything else { throw TrustedProxies.refuseAll(text) }
                self = .cidr(try! CIDR(parsing: "0.0.0.0/0"))
                return
            default:
                break
            }
            let cidr: CIDR
            do {
                cidr = try CIDR(parsing: text)
            } catch {
                throw GreenroomError(
                    .invalidTrustEntry,
                    "trust entry '\(text)' is not a CIDR block, an address, 'loopback' or 'unix' (\(error.reason))"
                )
            }
            if cidr.matchesEverything && !allowingEverything { throw TrustedProxies.refuseAll(text) }
            self = .cidr(cidr)
        }
    }

    /// The entries, in the order given (duplicates removed).
    public let entries: [Entry]
    /// `true` when unix-socket peers are trusted.
    public let trustsUnixPeers: Bool
    @usableFromInline let v4: [(network: UInt32, mask: UInt32, entry: Int)]
    @usableFromInline let v6: [(high: UInt64, low: UInt64, maskHigh: UInt64, maskLow: UInt64, entry: Int)]

    /// Trusts nobody: every forwarding header is ignored.
    public static let none = TrustedProxies(entries: [])
    /// Trusts a proxy on this host: `loopback`. The default.
    public static let loopback = TrustedProxies(entries: [.loopback])

    /// Creates a set from parsed entries.
    public init(entries: [Entry]) {
        var unique: [Entry] = []
        for entry in entries where !unique.contains(entry) { unique.append(entry) }
        self.entries = unique
        self.trustsUnixPeers = unique.contains(.unix)
        var v4: [(UInt32, UInt32, Int)] = []
        var v6: [(UInt64, UInt64, UInt64, UInt64, Int)] = []
        for (index, entry) in unique.enumerated() {
            let blocks: [CIDR]
            switch entry {
            case .unix: blocks = []
            case .loopback: blocks = [CIDR.loopbackV4, CIDR.loopbackV6]
            case .cidr(let cidr): blocks = [cidr]
            }
            for block in blocks {
                let mask = CIDR.mask(block.prefixLength, width: block.network.bitWidth)
                if block.network.family == .v4 {
                    v4.append((UInt32(truncatingIfNeeded: block.network.bits), UInt32(truncatingIfNeeded: mask), index))
                } else {
                    v6.append(
                        (
                            UInt64(truncatingIfNeeded: block.network.bits >> 64),
                            UInt64(truncatingIfNeeded: block.network.bits),
                            UInt64(truncatingIfNeeded: mask >> 64), UInt64(truncatingIfNeeded: mask), index
                        )
                    )
                }
            }
        }
        self.v4 = v4
        self.v6 = v6
    }

    /// Parses entries such as `["loopback", "10.0.0.0/8", "unix"]`.
    ///
    /// - Parameters:
    ///   - texts: the entries as the user wrote them, in order.
    ///   - allowingEverything: accept entries that match every address; Greenroom's CLI
    ///     only passes `true` after an explicit, loudly named opt-in.
    /// - Throws: the first entry's ``GreenroomError``, naming it.
    public init(
        parsing texts: some Sequence<some StringProtocol>,
        allowingEverything: Bool = false
    )
        throws(GreenroomError)
    {
        var entries: [Entry] = []
        for text in texts {
            let trimmed = text.trimmingASCIIWhitespace()
            if trimmed.isEmpty { throw GreenroomError(.invalidTrustEntry, "empty trust entry") }
            entries.append(try Entry(parsing: trimmed, allowingEverything: allowingEverything))
            // `*` means every peer, IPv6 ones included.
            if TrustedProxies.isEveryoneWord(trimmed.lowercased()) { entries.append(.cidr(try! CIDR(parsing: "::/0"))) }
        }
        self.init(entries: entries)
    }

    /// `true` when nothing is trusted.
    public var isEmpty: Bool { entries.isEmpty }

    /// `true` when some entry matches every IPv4 or every IPv6 address.
    public var trustsEveryone: Bool {
        entries.contains { if case .cidr(let cidr) = $0 { cidr.matchesEverything } else { false } }
    }

    /// `true` when `address` (after unmapping) is trusted. Cost: one mask-and-compare per entry.
    @inlinable
    public func trusts(_ address: IPAddress) -> Bool { entryIndex(for: address) != nil }

    /// `true` when `peer` is trusted: an IP peer in the set, or a unix peer with `unix` listed.
    @inlinable
    public func trusts(_ peer: Peer) -> Bool {
        switch peer {
        case .ip(let address, _): trusts(address)
        case .unix: trustsUnixPeers
        }
    }

    /// The entry that makes `address` trusted, for explanations ("trusted (10.0.0.0/8)").
    public func matchingEntry(for address: IPAddress) -> Entry? { entryIndex(for: address).map { entries[$0] } }

    /// The entry that makes `peer` trusted.
    public func matchingEntry(for peer: Peer) -> Entry? {
        switch peer {
        case .ip(let address, _): matchingEntry(for: address)
        case .unix: trustsUnixPeers ? .unix : nil
        }
    }

    @inlinable
    func entryIndex(for address: IPAddress) -> Int? {
        let address = address.unmapped
        if address.family == .v4 {
            let bits = UInt32(truncatingIfNeeded: address.low)
            for block in v4 where bits & block.mask == block.network { return block.entry }
        } else {
            for block in v6
            where address.high & block.maskHigh == block.high && address.low & block.maskLow == block.low {
                return block.entry
            }
        }
        return nil
    }

    /// `*`, `all`, `any`, `everyone`, `everything` (lower-cased).
    static func isEveryoneWord(_ lowered: String) -> Bool {
        ["*", "all", "any", "everyone", "everything"].contains(lowered)
    }

    static func refuseAll(_ text: some StringProtocol) -> GreenroomError {
        GreenroomError(
            .trustAllRefused,
            "trust entry '\(text)' trusts every address, so any client could choose its own address; "
                + "list your proxy's addresses instead (or pass \(StartupOptIn.trustEveryone.flag) if you really mean it)"
        )
    }

    public static func == (lhs: TrustedProxies, rhs: TrustedProxies) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }
}

extension TrustedProxies: CustomStringConvertible {
    /// The entries, comma-separated (`loopback, 10.0.0.0/8`), or `nobody`.
    public var description: String { entries.isEmpty ? "nobody" : entries.map(\.description).joined(separator: ", ") }
}

extension CIDR {
    /// `127.0.0.0/8`.
    public static let loopbackV4 = try! CIDR(network: .init(ipv4: 0x7F00_0000), prefixLength: 8)
    /// `::1/128`.
    public static let loopbackV6 = CIDR(IPAddress.loopbackV6)
}
