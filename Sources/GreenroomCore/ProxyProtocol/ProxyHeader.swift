/// A parsed (or to-be-sent) PROXY protocol header: who the proxy says the connection is from.
///
/// Values come from `ProxyProtocol.parse(_:maxV2Length:)` or from
/// ``init(version:command:transport:addresses:tlvs:checksum:)``, which refuses anything the
/// chosen version cannot carry, so every value can be sent with ``encoded()``. Byte fields
/// (TLV values, UNIX paths) are slices of the parsed input: parsing does not copy them.
///
/// What a server should use as the connection's peer is ``sourcePeer``.
public struct ProxyHeader: Sendable, Hashable {
    /// The version 2 command.
    public enum Command: UInt8, Sendable, Hashable, CaseIterable {
        /// The proxy opened the connection itself (a health check): use the socket's endpoints.
        case local = 0
        /// The connection is relayed on behalf of the client described by the header.
        case proxy = 1
    }

    /// The transport of the relayed connection.
    public enum Transport: UInt8, Sendable, Hashable, CaseIterable {
        /// Unknown or unsupported; the addresses are ignored.
        case unspecified = 0
        /// A stream socket: TCP or a UNIX stream socket.
        case stream = 1
        /// A datagram socket: UDP or a UNIX datagram socket.
        case datagram = 2
    }

    /// The relayed connection's endpoints.
    public enum Addresses: Sendable, Hashable {
        /// No addresses: version 1 `UNKNOWN`, version 2 `AF_UNSPEC`, `LOCAL`, or an unspecified
        /// transport. The server uses the socket's own endpoints.
        case unspecified
        /// An IPv4 or IPv6 connection; both addresses have the same family.
        case inet(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16)
        /// A UNIX-socket connection: the paths' bytes without the trailing NUL padding (at most
        /// 108 bytes each; empty for an unnamed socket; starting with NUL for a Linux abstract socket).
        ///
        /// (Boxed, so that the common IP case stays small and parsing it never allocates.)
        indirect case unix(source: ArraySlice<UInt8>, destination: ArraySlice<UInt8>)
    }

    // Stored largest first: the whole header (and `ProxyProtocol.ParseResult`) stays within the
    // size the compiler copies inline, which keeps parsing fast.

    /// The relayed connection's endpoints.
    public let addresses: Addresses
    /// The raw TLV area of a version 2 header (validated: whole TLVs, exactly filling it); empty
    /// for version 1. Iterate it through ``tlvs``.
    public let tlvBytes: ArraySlice<UInt8>
    /// The version the header was parsed from, or will be encoded as.
    public let version: ProxyProtocol.Version
    /// `LOCAL` or `PROXY`. Version 1 headers are always `PROXY`.
    public let command: Command
    /// The relayed connection's transport.
    public let transport: Transport

    /// Creates a header without checks; the parser and the validating initialiser call it.
    @usableFromInline
    init(
        version: ProxyProtocol.Version,
        command: Command,
        transport: Transport,
        addresses: Addresses,
        tlvBytes: ArraySlice<UInt8>
    ) {
        self.version = version
        self.command = command
        self.transport = transport
        self.addresses = addresses
        self.tlvBytes = tlvBytes
    }

    /// The peer a server should record for this connection: the source of a `PROXY` header with
    /// IP or UNIX addresses; `nil` for `LOCAL`, `UNKNOWN` and unspecified addresses, which mean
    /// "use the socket's peer".
    ///
    /// A UNIX path is decoded as UTF-8; an unnamed socket gives `.unix(path: nil)` and a Linux
    /// abstract socket's leading NUL prints as `@`.
    public var sourcePeer: Peer? {
        guard command == .proxy else { return nil }
        switch addresses {
        case .unspecified:
            return nil
        case .inet(let source, let sourcePort, _, _):
            return .ip(source, port: sourcePort)
        case .unix(let source, _):
            return ProxyHeader.unixPeer(source)
        }
    }

    /// The relayed connection's destination (the address the client connected to), when known.
    public var destinationPeer: Peer? {
        guard command == .proxy else { return nil }
        switch addresses {
        case .unspecified: return nil
        case .inet(_, _, let destination, let destinationPort): return .ip(destination, port: destinationPort)
        case .unix(_, let destination): return ProxyHeader.unixPeer(destination)
        }
    }

    static func unixPeer(_ path: ArraySlice<UInt8>) -> Peer {
        guard let first = path.first else { return .unix(path: nil) }
        if first == 0 { return .unix(path: "@" + String(decoding: path.dropFirst(), as: UTF8.self)) }
        return .unix(path: String(decoding: path, as: UTF8.self))
    }
}

extension ProxyHeader {
    /// Creates a header to send, refusing what its version cannot carry.
    ///
    /// - Version 1 carries only `PROXY` with TCP (`.stream`) over IPv4 or IPv6, or `UNKNOWN`
    ///   (`.unspecified` addresses and transport), and no TLVs.
    /// - Version 2 `LOCAL` carries nothing else (unspecified transport and addresses, no TLVs).
    /// - Both addresses of `.inet` must have the same family; UNIX paths are at most 108 bytes;
    ///   unspecified addresses go with an unspecified transport and vice versa.
    ///
    /// - Parameters:
    ///   - version: the wire format, 1 (text) or 2 (binary).
    ///   - command: `PROXY` (a relayed connection) or `LOCAL` (the proxy's own, version 2 only).
    ///   - transport: the transport protocol of the relayed connection.
    ///   - addresses: the source and destination of the relayed connection.
    ///   - tlvs: version 2 TLVs, in order. Put a ``TLVType/crc32c`` TLV here, or pass `checksum`.
    ///   - checksum: prepend a CRC32C TLV. Its value (like that of a CRC32C TLV in `tlvs`) is
    ///     computed here, and again by ``encoded()``.
    /// - Throws: ``GreenroomError/Code/invalidProxyHeader`` naming what cannot be carried.
    public init(
        version: ProxyProtocol.Version = .v2,
        command: Command = .proxy,
        transport: Transport = .stream,
        addresses: Addresses,
        tlvs: [TLV] = [],
        checksum: Bool = false
    ) throws(GreenroomError) {
        func refuse(_ reason: String) -> GreenroomError { GreenroomError(.invalidProxyHeader, reason) }
        switch addresses {
        case .unspecified:
            guard transport == .unspecified else {
                throw refuse("PROXY header: unspecified addresses need an unspecified transport")
            }
        case .inet(let source, _, let destination, _):
            guard source.family == destination.family else {
                throw refuse("PROXY header: source \(source) and destination \(destination) differ in family")
            }
            guard transport != .unspecified else {
                throw refuse("PROXY header: IP addresses need a stream or datagram transport")
            }
        case .unix(let source, let destination):
            guard source.count <= 108, destination.count <= 108 else {
                throw refuse("PROXY header: a UNIX path has at most 108 bytes")
            }
            guard transport != .unspecified else {
                throw refuse("PROXY header: UNIX addresses need a stream or datagram transport")
            }
        }
        let tlvs = checksum ? [TLV(type: .crc32c, value: [0, 0, 0, 0])] + tlvs : tlvs
        switch (version, command) {
        case (.v1, .local):
            throw refuse("PROXY v1 has no LOCAL command (send UNKNOWN instead)")
        case (.v1, .proxy):
            guard tlvs.isEmpty else { throw refuse("PROXY v1 cannot carry TLVs") }
            if case .unix = addresses { throw refuse("PROXY v1 cannot carry UNIX addresses (send UNKNOWN)") }
            guard transport != .datagram else { throw refuse("PROXY v1 carries TCP only, not datagrams") }
        case (.v2, .local):
            guard addresses == .unspecified, tlvs.isEmpty else {
                throw refuse("PROXY v2 LOCAL carries no addresses and no TLVs")
            }
        case (.v2, .proxy):
            break
        }
        var area: [UInt8] = []
        var checksums = 0
        for tlv in tlvs {
            if let reason = tlv.problem { throw refuse("PROXY v2: \(reason)") }
            if tlv.type == .crc32c { checksums += 1 }
            tlv.append(to: &area)
        }
        guard checksums <= 1 else { throw refuse("PROXY v2: more than one CRC32C TLV") }
        let limit = 65535 - ProxyHeader.addressBlockLength(addresses)
        guard area.count <= limit else {
            throw refuse("PROXY v2: TLVs take \(area.count) bytes; at most \(limit) fit with these addresses")
        }
        self.init(version: version, command: command, transport: transport, addresses: addresses, tlvBytes: area[...])
        if checksums == 1 {
            // Store the real checksum, so that the header equals what parsing its encoding gives.
            let encoded = self.encoded()
            self.init(
                version: version,
                command: command,
                transport: transport,
                addresses: addresses,
                tlvBytes: encoded[(encoded.count - area.count)...]
            )
        }
    }

    /// The length of the version 2 address block for these addresses: 0, 12, 36 or 216.
    @inlinable
    static func addressBlockLength(_ addresses: Addresses) -> Int {
        switch addresses {
        case .unspecified: 0
        case .inet(let source, _, _, _): source.family == .v4 ? 12 : 36
        case .unix: 216
        }
    }
}
