extension ProxyHeader {
    /// The type byte of a version 2 TLV; an open set, so unknown types are kept as they are.
    public struct TLVType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The type byte.
        public let rawValue: UInt8

        /// Creates a type from its byte.
        @inlinable
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// `PP2_TYPE_ALPN` (0x01): the negotiated application protocol, e.g. `h2`.
        public static let alpn = TLVType(rawValue: 0x01)
        /// `PP2_TYPE_AUTHORITY` (0x02): the host name the client asked for (TLS SNI), UTF-8.
        public static let authority = TLVType(rawValue: 0x02)
        /// `PP2_TYPE_CRC32C` (0x03): CRC32c of the whole header; verified when parsing.
        public static let crc32c = TLVType(rawValue: 0x03)
        /// `PP2_TYPE_NOOP` (0x04): padding, ignored.
        public static let noop = TLVType(rawValue: 0x04)
        /// `PP2_TYPE_UNIQUE_ID` (0x05): an opaque connection id of at most 128 bytes.
        public static let uniqueID = TLVType(rawValue: 0x05)
        /// `PP2_TYPE_SSL` (0x20): the client's TLS details; see ``ProxyHeader/SSLInfo``.
        public static let ssl = TLVType(rawValue: 0x20)
        /// `PP2_SUBTYPE_SSL_VERSION` (0x21), inside ``ssl``: e.g. `TLSv1.3`.
        public static let sslVersion = TLVType(rawValue: 0x21)
        /// `PP2_SUBTYPE_SSL_CN` (0x22), inside ``ssl``: the client certificate's Common Name.
        public static let sslCommonName = TLVType(rawValue: 0x22)
        /// `PP2_SUBTYPE_SSL_CIPHER` (0x23), inside ``ssl``: e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
        public static let sslCipher = TLVType(rawValue: 0x23)
        /// `PP2_SUBTYPE_SSL_SIG_ALG` (0x24), inside ``ssl``: the server certificate's signature algorithm.
        public static let sslSignatureAlgorithm = TLVType(rawValue: 0x24)
        /// `PP2_SUBTYPE_SSL_KEY_ALG` (0x25), inside ``ssl``: the server certificate's key algorithm.
        public static let sslKeyAlgorithm = TLVType(rawValue: 0x25)
        /// `PP2_TYPE_NETNS` (0x30): the network namespace's name.
        public static let netns = TLVType(rawValue: 0x30)

        /// The specification's name (`ALPN`, `SSL_CN`, ...) or `0xNN`.
        public var description: String {
            switch rawValue {
            case 0x01: "ALPN"
            case 0x02: "AUTHORITY"
            case 0x03: "CRC32C"
            case 0x04: "NOOP"
            case 0x05: "UNIQUE_ID"
            case 0x20: "SSL"
            case 0x21: "SSL_VERSION"
            case 0x22: "SSL_CN"
            case 0x23: "SSL_CIPHER"
            case 0x24: "SSL_SIG_ALG"
            case 0x25: "SSL_KEY_ALG"
            case 0x30: "NETNS"
            default: "0x" + ProxyProtocol.hex(rawValue)
            }
        }
    }

    /// One version 2 type-length-value record.
    public struct TLV: Sendable, Hashable {
        /// The record's type.
        public let type: TLVType
        /// The record's value (at most 65535 bytes).
        public let value: ArraySlice<UInt8>

        /// Creates a record.
        @inlinable
        public init(type: TLVType, value: ArraySlice<UInt8>) {
            self.type = type
            self.value = value
        }

        /// Creates a record.
        @inlinable
        public init(type: TLVType, value: [UInt8]) { self.init(type: type, value: value[...]) }

        /// Creates a record with a text value (ALPN, AUTHORITY, NETNS, SSL sub-TLVs).
        @inlinable
        public init(type: TLVType, text: String) { self.init(type: type, value: Array(text.utf8)) }

        /// Creates an SSL record from its client flags, verify result and sub-TLVs.
        public init(ssl client: SSLInfo.ClientFlags, verify: UInt32, subTLVs: [TLV]) {
            var value: [UInt8] = [client.rawValue]
            for shift in stride(from: 24, through: 0, by: -8) { value.append(UInt8(truncatingIfNeeded: verify >> shift)) }
            for tlv in subTLVs { tlv.append(to: &value) }
            self.init(type: .ssl, value: value)
        }

        /// Why this record cannot be sent, or `nil`.
        var problem: String? {
            if value.count > 65535 { return "\(type) TLV value of \(value.count) bytes exceeds 65535" }
            return ProxyProtocol.checkTLV(type: type.rawValue, value: value)
        }

        func append(to bytes: inout [UInt8]) {
            bytes.append(type.rawValue)
            bytes.append(UInt8(truncatingIfNeeded: value.count >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value.count))
            bytes.append(contentsOf: value)
        }
    }

    /// A lazily decoded run of TLVs over bytes already validated by the parser (or the
    /// initialiser). Iterating does not allocate.
    public struct TLVs: Sequence, Sendable, Hashable {
        /// The raw, validated records.
        public let bytes: ArraySlice<UInt8>

        @usableFromInline
        init(bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        /// Iterates the records in order.
        public struct Iterator: IteratorProtocol {
            @usableFromInline var remaining: ArraySlice<UInt8>

            @usableFromInline
            init(remaining: ArraySlice<UInt8>) { self.remaining = remaining }

            /// The next record, or `nil` at the end.
            @inlinable
            public mutating func next() -> TLV? {
                let start = remaining.startIndex
                guard remaining.count >= 3 else { return nil }
                let length = Int(remaining[start + 1]) << 8 | Int(remaining[start + 2])
                let end = Swift.min(start + 3 + length, remaining.endIndex)
                let tlv = TLV(type: TLVType(rawValue: remaining[start]), value: remaining[(start + 3)..<end])
                remaining = remaining[end...]
                return tlv
            }
        }

        /// An iterator over the records.
        @inlinable
        public func makeIterator() -> Iterator { Iterator(remaining: bytes) }

        /// The value of the first record of `type`, or `nil`.
        @inlinable
        public func first(_ type: TLVType) -> ArraySlice<UInt8>? {
            for tlv in self where tlv.type == type { return tlv.value }
            return nil
        }

        /// `true` when there are no records.
        @inlinable
        public var isEmpty: Bool { bytes.isEmpty }
    }

    /// The header's TLVs (version 2), in order, unknown types included.
    @inlinable
    public var tlvs: TLVs { TLVs(bytes: tlvBytes) }

    /// `PP2_TYPE_ALPN`: the application protocol negotiated with the client (e.g. `h2`).
    public var alpn: ArraySlice<UInt8>? { tlvs.first(.alpn) }

    /// `PP2_TYPE_AUTHORITY`: the host name the client asked for (TLS SNI), if valid UTF-8.
    public var authority: String? { tlvs.first(.authority).flatMap { String(validating: $0, as: UTF8.self) } }

    /// `PP2_TYPE_UNIQUE_ID`: the proxy's opaque id for the connection (at most 128 bytes).
    public var uniqueID: ArraySlice<UInt8>? { tlvs.first(.uniqueID) }

    /// `PP2_TYPE_NETNS`: the network namespace's name, if valid UTF-8.
    public var networkNamespace: String? { tlvs.first(.netns).flatMap { String(validating: $0, as: UTF8.self) } }

    /// `PP2_TYPE_CRC32C`: the checksum the header carried (already verified by the parser).
    public var crc32c: UInt32? {
        guard let value = tlvs.first(.crc32c), value.count == 4 else { return nil }
        return value.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// `PP2_TYPE_SSL`: the client's TLS details.
    public var ssl: SSLInfo? { tlvs.first(.ssl).map { SSLInfo(value: $0) } }
}
