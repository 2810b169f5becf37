extension ProxyHeader {
    /// The header on the wire, in its ``version``: a version 1 line or a version 2 binary header.
    ///
    /// Version 1 prints addresses canonically (RFC 5952 for IPv6). Version 2 writes the TLV area
    /// as it is, except that a CRC32C TLV gets the checksum of the header it is in, so a parsed
    /// header re-encodes to bytes that parse to the same value. Every ``ProxyHeader`` value can be
    /// encoded: the initialiser refuses what its version cannot carry.
    public func encoded() -> [UInt8] {
        switch version {
        case .v1: encodedV1()
        case .v2: encodedV2()
        }
    }

    private func encodedV1() -> [UInt8] {
        guard command == .proxy, case .inet(let source, let sourcePort, let destination, let destinationPort) = addresses
        else { return Array("PROXY UNKNOWN\r\n".utf8) }
        let family = source.family == .v4 ? "TCP4" : "TCP6"
        return Array("PROXY \(family) \(source) \(destination) \(sourcePort) \(destinationPort)\r\n".utf8)
    }

    private func encodedV2() -> [UInt8] {
        let blockLength = command == .local ? 0 : ProxyHeader.addressBlockLength(addresses)
        let length = blockLength + (command == .local ? 0 : tlvBytes.count)
        var bytes = ProxyProtocol.v2Signature
        bytes.reserveCapacity(ProxyProtocol.v2FixedLength + length)
        bytes.append(0x20 | command.rawValue)
        let family: UInt8
        switch addresses {
        case .unspecified: family = 0
        case .inet(let source, _, _, _): family = source.family == .v4 ? 1 : 2
        case .unix: family = 3
        }
        bytes.append(command == .local ? 0 : family << 4 | transport.rawValue)
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        guard command == .proxy else { return bytes }
        switch addresses {
        case .unspecified:
            break
        case .inet(let source, let sourcePort, let destination, let destinationPort):
            bytes.append(contentsOf: source.bytes)
            bytes.append(contentsOf: destination.bytes)
            for port in [sourcePort, destinationPort] {
                bytes.append(UInt8(truncatingIfNeeded: port >> 8))
                bytes.append(UInt8(truncatingIfNeeded: port))
            }
        case .unix(let source, let destination):
            for path in [source, destination] {
                bytes.append(contentsOf: path.prefix(108))
                bytes.append(contentsOf: repeatElement(0, count: 108 - min(path.count, 108)))
            }
        }
        let tlvStart = bytes.count
        bytes.append(contentsOf: tlvBytes)
        // Fill in a CRC32C TLV, if any, over the finished header with its own field zeroed.
        var offset = tlvStart
        for tlv in tlvs {
            if tlv.type == .crc32c, tlv.value.count == 4 {
                let at = offset + 3
                let crc = bytes.withUnsafeBytes { CRC32C.checksum($0, zeroing: at) }
                for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
                break
            }
            offset += 3 + tlv.value.count
        }
        return bytes
    }
}

extension ProxyHeader: CustomStringConvertible {
    /// A one-line summary for logs and `greenroom explain`, e.g.
    /// `PROXY v2 TCP 203.0.113.7:4711 -> 192.0.2.1:443 (TLVs: ALPN, SSL)`.
    public var description: String {
        var text = "PROXY v\(version.rawValue)"
        if command == .local { return text + " LOCAL" }
        switch addresses {
        case .unspecified:
            text += version == .v1 ? " UNKNOWN" : " UNSPEC"
        case .inet:
            text += transport == .datagram ? " UDP " : " TCP "
            text += "\(sourcePeer.map(String.init(describing:)) ?? "?") -> "
            text += destinationPeer.map(String.init(describing:)) ?? "?"
        case .unix:
            text += transport == .datagram ? " UNIX-DGRAM " : " UNIX-STREAM "
            text += "\(sourcePeer.map(String.init(describing:)) ?? "?") -> "
            text += destinationPeer.map(String.init(describing:)) ?? "?"
        }
        if !tlvs.isEmpty { text += " (TLVs: " + tlvs.map(\.type.description).joined(separator: ", ") + ")" }
        return text
    }
}
