extension ProxyProtocol {
    /// Parses a version 2 header (spec section 2.2): signature, version/command, family/transport,
    /// length, address block, TLVs.
    @usableFromInline
    static func parseV2(_ bytes: ArraySlice<UInt8>, maxLength: Int) throws(GreenroomError) -> ParseResult {
        try bytes.withUnsafeBufferPointer { (p) throws(GreenroomError) -> ParseResult in
            let count = p.count
            for index in 0..<min(count, 12) where p[index] != v2SignatureByte(index) {
                throw v2Error("byte \(index) of the signature is 0x\(hex(p[index])), expected 0x\(hex(v2SignatureByte(index)))")
            }
            if count > 12 {
                guard p[12] >> 4 == 2 else { throw v2Error("version \(p[12] >> 4) is not 2") }
                guard p[12] & 0xF <= 1 else { throw v2Error("command \(p[12] & 0xF) is neither LOCAL (0) nor PROXY (1)") }
            }
            if count > 13 {
                guard p[13] >> 4 <= 3 else {
                    throw v2Error("address family \(p[13] >> 4) is not UNSPEC (0), INET (1), INET6 (2) or UNIX (3)")
                }
                guard p[13] & 0xF <= 2 else {
                    throw v2Error("transport \(p[13] & 0xF) is not UNSPEC (0), STREAM (1) or DGRAM (2)")
                }
            }
            guard count >= v2FixedLength else { return .needMoreBytes(atLeast: v2FixedLength - count) }
            let length = Int(p[14]) << 8 | Int(p[15])
            let total = v2FixedLength + length
            guard total <= maxLength else {
                throw v2Error("declared length \(length) makes a \(total)-byte header, above the limit of \(maxLength)")
            }
            let family = p[13] >> 4
            let blockLength = family == 1 ? 12 : family == 2 ? 36 : family == 3 ? 216 : 0
            let isProxy = p[12] & 0xF == 1
            guard !isProxy || length >= blockLength else {
                throw v2Error("declared length \(length) is shorter than the \(familyName(family)) address block (\(blockLength) bytes)")
            }
            guard count >= total else { return .needMoreBytes(atLeast: total - count) }
            guard isProxy else {
                // LOCAL: the proxy's own connection; the block, family included, is ignored.
                let header = ProxyHeader(
                    version: .v2, command: .local, transport: .unspecified, addresses: .unspecified,
                    tlvBytes: ArraySlice())
                return .complete(header, consumed: total)
            }
            let base = bytes.startIndex
            var addresses = ProxyHeader.Addresses.unspecified
            var transport = ProxyHeader.Transport.unspecified
            if family != 0, p[13] & 0xF != 0 {
                transport = p[13] & 0xF == 1 ? .stream : .datagram
                switch family {
                case 1:
                    addresses = .inet(
                        source: IPAddress(ipv4: load32(p, 16)), sourcePort: load16(p, 24),
                        destination: IPAddress(ipv4: load32(p, 20)), destinationPort: load16(p, 26))
                case 2:
                    let source = UInt128(load64(p, 16)) << 64 | UInt128(load64(p, 24))
                    let destination = UInt128(load64(p, 32)) << 64 | UInt128(load64(p, 40))
                    addresses = .inet(
                        source: IPAddress(ipv6: source), sourcePort: load16(p, 48),
                        destination: IPAddress(ipv6: destination), destinationPort: load16(p, 50))
                default:
                    let source = unixPathLength(p, 16)
                    let destination = unixPathLength(p, 124)
                    addresses = .unix(
                        source: bytes[(base + 16)..<(base + 16 + source)],
                        destination: bytes[(base + 124)..<(base + 124 + destination)])
                }
            }
            let tlvStart = v2FixedLength + blockLength
            if tlvStart < total { try validateTLVs(p, from: tlvStart, to: total) }
            let header = ProxyHeader(
                version: .v2, command: .proxy, transport: transport, addresses: addresses,
                tlvBytes: bytes[(base + tlvStart)..<(base + total)])
            return .complete(header, consumed: total)
        }
    }

    /// Checks that the TLVs in `p[start..<end]` exactly fill it, that each known type is well
    /// formed, and verifies the CRC32C TLV if there is one.
    static func validateTLVs(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws(GreenroomError) {
        var position = start
        var checksumAt = -1
        while position < end {
            guard end - position >= 3 else {
                throw v2Error("\(end - position) stray byte(s) at byte \(position) where a TLV (3+ bytes) should start")
            }
            let type = p[position]
            let length = Int(p[position + 1]) << 8 | Int(p[position + 2])
            let valueStart = position + 3
            guard length <= end - valueStart else {
                throw v2Error(
                    "TLV \(ProxyHeader.TLVType(rawValue: type)) at byte \(position) declares \(length) bytes, only \(end - valueStart) remain")
            }
            if let problem = checkTLV(type: type, UnsafeBufferPointer(rebasing: p[valueStart..<(valueStart + length)])) {
                throw v2Error(problem)
            }
            if type == ProxyHeader.TLVType.crc32c.rawValue {
                guard checksumAt < 0 else { throw v2Error("more than one CRC32C TLV") }
                checksumAt = valueStart
            }
            position = valueStart + length
        }
        if checksumAt >= 0 {
            let received = load32(p, checksumAt)
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[0..<end])), zeroing: checksumAt)
            guard received == computed else {
                throw GreenroomError(
                    .proxyHeaderChecksumMismatch,
                    "PROXY v2: CRC32C TLV says 0x\(hex32(received)) but the header's checksum is 0x\(hex32(computed))")
            }
        }
    }

    /// Why a TLV value of this type is malformed, or `nil`. Unknown types are always fine.
    static func checkTLV(type: UInt8, _ value: UnsafeBufferPointer<UInt8>) -> String? {
        switch type {
        case ProxyHeader.TLVType.crc32c.rawValue:
            return value.count == 4 ? nil : "CRC32C TLV has \(value.count) bytes, expected 4"
        case ProxyHeader.TLVType.uniqueID.rawValue:
            return value.count <= 128 ? nil : "UNIQUE_ID TLV has \(value.count) bytes, at most 128 allowed"
        case ProxyHeader.TLVType.ssl.rawValue:
            guard value.count >= 5 else { return "SSL TLV has \(value.count) bytes, at least 5 (client, verify) needed" }
            var position = 5
            while position < value.count {
                guard value.count - position >= 3 else { return "SSL TLV ends with a truncated sub-TLV" }
                let length = Int(value[position + 1]) << 8 | Int(value[position + 2])
                guard length <= value.count - position - 3 else {
                    return "SSL sub-TLV \(ProxyHeader.TLVType(rawValue: value[position])) declares \(length) bytes, "
                        + "only \(value.count - position - 3) remain"
                }
                position += 3 + length
            }
            return nil
        default:
            return nil
        }
    }

    static func checkTLV(type: UInt8, value: ArraySlice<UInt8>) -> String? {
        value.withUnsafeBufferPointer { checkTLV(type: type, $0) }
    }

    /// The length of a NUL-padded 108-byte UNIX path: up to the first NUL, or, for a Linux
    /// abstract address (leading NUL), up to the last non-NUL byte.
    static func unixPathLength(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
        if p[offset] == 0 {
            var length = 108
            while length > 0, p[offset + length - 1] == 0 { length -= 1 }
            return length
        }
        var length = 0
        while length < 108, p[offset + length] != 0 { length += 1 }
        return length
    }

    @inline(__always)
    static func load16(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt16 {
        UInt16(p[offset]) << 8 | UInt16(p[offset + 1])
    }

    @inline(__always)
    static func load32(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        UnsafeRawPointer(p.baseAddress! + offset).loadUnaligned(as: UInt32.self).bigEndian
    }

    @inline(__always)
    static func load64(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt64 {
        UnsafeRawPointer(p.baseAddress! + offset).loadUnaligned(as: UInt64.self).bigEndian
    }

    static func familyName(_ family: UInt8) -> String {
        switch family {
        case 1: "INET"
        case 2: "INET6"
        case 3: "UNIX"
        default: "UNSPEC"
        }
    }

    static func hex32(_ value: UInt32) -> String {
        (0..<4).map { hex(UInt8(truncatingIfNeeded: value >> (24 - 8 * $0))) }.joined()
    }

    static func v2Error(_ reason: String) -> GreenroomError {
        GreenroomError(.invalidProxyHeader, "PROXY v2: " + reason)
    }
}
