/// An error raised by GreenroomCore's parsers and validators.
///
/// Modelled on swift-asn1's `ASN1Error`: one struct with an open set of ``Code``s, a human
/// ``reason`` and the place in Greenroom's source that raised it. Two errors are equal when their
/// codes are equal, so tests can match codes exactly while messages stay free to improve.
public struct GreenroomError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable, machine-comparable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `invalidIPAddress`.
        public let name: String

        /// Creates a code. Prefer the predefined static members.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// Text that is not an IPv4 or IPv6 address.
        public static let invalidIPAddress = Code("invalidIPAddress")
        /// An IPv6 address with a zone id (`fe80::1%eth0`): zones are meaningless across hosts.
        public static let zoneIDNotAllowed = Code("zoneIDNotAllowed")
        /// Text that is not a CIDR block, or a block with host bits set.
        public static let invalidCIDR = Code("invalidCIDR")
        /// A trust entry that is neither a CIDR, an address, `loopback` nor `unix`.
        public static let invalidTrustEntry = Code("invalidTrustEntry")
        /// A trust entry that matches every address (`*`, `0.0.0.0/0`, `::/0`) without opt-in.
        public static let trustAllRefused = Code("trustAllRefused")
        /// A port outside 0...65535 or with leading zeros.
        public static let invalidPort = Code("invalidPort")
        /// A malformed PROXY protocol header (either version).
        public static let invalidProxyHeader = Code("invalidProxyHeader")
        /// A PROXY protocol v2 header whose CRC32c TLV does not match its contents.
        public static let proxyHeaderChecksumMismatch = Code("proxyHeaderChecksumMismatch")
        /// A forwarding header whose value cannot be used.
        public static let invalidForwardedHeader = Code("invalidForwardedHeader")
        /// A header line that is not `Name: value`.
        public static let invalidHeaderLine = Code("invalidHeaderLine")
    }

    /// The stable code of this error.
    public let code: Code
    /// A one-line, human explanation that names the offending input.
    public let reason: String
    /// The Greenroom source file that raised the error.
    public let file: String
    /// The line in ``file`` that raised the error.
    public let line: UInt

    /// Creates an error.
    @inlinable
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: GreenroomError, rhs: GreenroomError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { reason }
}
