extension ProxyProtocol {
    /// Parses a version 1 line: `PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n` or
    /// `PROXY UNKNOWN[ anything]\r\n`, at most ``v1MaxLength`` bytes (spec section 2.1).
    @usableFromInline
    static func parseV1(_ bytes: ArraySlice<UInt8>) throws(GreenroomError) -> ParseResult {
        try bytes.withUnsafeBufferPointer { (buffer) throws(GreenroomError) -> ParseResult in try parseV1(buffer) }
    }

    static func parseV1(_ p: UnsafeBufferPointer<UInt8>) throws(GreenroomError) -> ParseResult {
        let count = p.count
        for index in 0..<min(count, 6) where p[index] != v1Prefix(index) {
            throw v1Error("the line does not start with 'PROXY ' (\(quoted(p, 0..<min(count, 6))))")
        }
        let end = try v1LineEnd(p)
        let word = try v1Protocol(p, lineEnd: end < 0 ? count : end)
        guard end >= 0 else {
            if count >= v1MaxLength { throw v1Error("no CRLF within the first \(v1MaxLength) bytes") }
            let minimum = word == .tcp4 ? 32 : word == .tcp6 ? 22 : 15
            return .needMoreBytes(atLeast: max(minimum - count, p[count - 1] == cr ? 1 : 2))
        }
        if word == .unknown {
            let header = ProxyHeader(
                version: .v1, command: .proxy, transport: .unspecified, addresses: .unspecified, tlvBytes: [])
            return .complete(header, consumed: end + 2)
        }
        // "TCP4 " or "TCP6 " then four fields separated by single spaces.
        var position = 11
        let source = try v1Address(p, &position, lineEnd: end, word: word, name: "source address")
        let destination = try v1Address(p, &position, lineEnd: end, word: word, name: "destination address")
        let sourcePort = try v1Port(p, &position, lineEnd: end, last: false, name: "source port")
        let destinationPort = try v1Port(p, &position, lineEnd: end, last: true, name: "destination port")
        let header = ProxyHeader(
            version: .v1, command: .proxy, transport: .stream,
            addresses: .inet(
                source: source, sourcePort: sourcePort, destination: destination, destinationPort: destinationPort),
            tlvBytes: [])
        return .complete(header, consumed: end + 2)
    }

    /// The index of the line's CR, or -1 when the CRLF has not arrived yet. Throws on a bare CR or
    /// LF and on a line longer than ``v1MaxLength``. Scans eight bytes at a time.
    @inline(__always)
    static func v1LineEnd(_ p: UnsafeBufferPointer<UInt8>) throws(GreenroomError) -> Int {
        let limit = min(p.count, v1MaxLength)
        var index = 6
        var found = -1
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= limit {
            let word = UnsafeRawPointer(p.baseAddress! + index).loadUnaligned(as: UInt64.self).littleEndian
            let crs = word ^ (ones &* UInt64(cr))
            let lfs = word ^ (ones &* UInt64(lf))
            let hits = ((crs &- ones) & ~crs | (lfs &- ones) & ~lfs) & highs
            if hits != 0 {
                found = index + hits.trailingZeroBitCount / 8
                break
            }
            index += 8
        }
        if found < 0 {
            while index < limit, p[index] != cr, p[index] != lf { index += 1 }
            guard index < limit else { return -1 }
            found = index
        }
        if p[found] == lf { throw v1Error("bare LF at byte \(found); the line must end with CRLF") }
        guard found + 2 <= v1MaxLength else { throw v1Error("no CRLF within the first \(v1MaxLength) bytes") }
        guard found + 1 < p.count else { return -1 }
        guard p[found + 1] == lf else { throw v1Error("CR not followed by LF at byte \(found)") }
        return found
    }

    /// Reads an address field and the single space after it.
    @inline(__always)
    static func v1Address(
        _ p: UnsafeBufferPointer<UInt8>, _ position: inout Int, lineEnd: Int, word: V1Protocol, name: StaticString
    ) throws(GreenroomError) -> IPAddress {
        let start = position
        if word == .tcp4, let (bits, next) = v1IPv4(p, from: start, to: lineEnd), next < lineEnd, p[next] == space {
            position = next + 1
            return IPAddress(ipv4: bits)
        }
        let range = try v1Field(p, &position, lineEnd: lineEnd, last: false, name: name)
        if word == .tcp6, let bits = IPAddress.parseIPv6(UnsafeBufferPointer(rebasing: p[range])) {
            return IPAddress(ipv6: bits)
        }
        let family = word == .tcp4 ? "IPv4" : "IPv6"
        if IPAddress.parse(UnsafeBufferPointer(rebasing: p[range])) != nil {
            throw v1Error("\(name) \(quoted(p, range)) is not an \(family) address as \(word) requires")
        }
        throw v1Error("\(name) \(quoted(p, range)) is not a valid \(family) address")
    }

    /// Reads a port field and the space after it (or, for the destination port, the line's end).
    @inline(__always)
    static func v1Port(
        _ p: UnsafeBufferPointer<UInt8>, _ position: inout Int, lineEnd: Int, last: Bool, name: StaticString
    ) throws(GreenroomError) -> UInt16 {
        let range = try v1Field(p, &position, lineEnd: lineEnd, last: last, name: name)
        let digits = UnsafeBufferPointer(rebasing: p[range])
        if let port = ASCII.parsePort(digits) { return port }
        guard digits.allSatisfy({ ASCII.isDigit($0) }) else {
            throw v1Error("\(name) \(quoted(p, range)) is not a decimal number")
        }
        if digits.count > 1, digits[0] == UInt8(ascii: "0") {
            throw v1Error("\(name) \(quoted(p, range)) has a leading zero")
        }
        throw v1Error("\(name) \(quoted(p, range)) is out of range 0-65535")
    }

    /// The range of the field at `position`, moving past it and the single space after it; the
    /// last field must end the line.
    @inline(__always)
    static func v1Field(
        _ p: UnsafeBufferPointer<UInt8>, _ position: inout Int, lineEnd: Int, last: Bool, name: StaticString
    ) throws(GreenroomError) -> Range<Int> {
        let start = position
        while position < lineEnd, p[position] != space { position += 1 }
        if position == start {
            throw v1Error(position == lineEnd ? "the line ends before the \(name)" : "two spaces before the \(name)")
        }
        let range = start..<position
        if last {
            if position != lineEnd { throw v1Error("unexpected text after the \(name)") }
        } else {
            if position == lineEnd { throw v1Error("the line ends after the \(name); expected 4 fields") }
            position += 1
        }
        return range
    }

    /// A strict dotted quad starting at `start` (decimal octets 0-255, no leading zeros), and the
    /// index just past it; `nil` when the text there is not one.
    @inline(__always)
    static func v1IPv4(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (UInt32, Int)? {
        var index = start
        var result: UInt32 = 0
        for octet in 0..<4 {
            if octet > 0 {
                guard index < end, p[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
            guard index < end, ASCII.isDigit(p[index]) else { return nil }
            var value = UInt32(p[index] &- 48)
            index += 1
            if value != 0 {
                for _ in 0..<2 {
                    guard index < end, ASCII.isDigit(p[index]) else { break }
                    value = value &* 10 &+ UInt32(p[index] &- 48)
                    index += 1
                }
                if value > 255 { return nil }
            }
            result = result << 8 | value
        }
        return (result, index)
    }

    enum V1Protocol: CustomStringConvertible {
        case tcp4, tcp6, unknown, undecided

        var description: String {
            switch self {
            case .tcp4: "TCP4"
            case .tcp6: "TCP6"
            case .unknown: "UNKNOWN"
            case .undecided: "?"
            }
        }
    }

    /// Reads the protocol word from the bytes seen so far (`lineEnd` is the CR or the input's end),
    /// refusing as soon as it can no longer be `TCP4 `, `TCP6 ` or `UNKNOWN` + space or CR.
    static func v1Protocol(_ p: UnsafeBufferPointer<UInt8>, lineEnd: Int) throws(GreenroomError) -> V1Protocol {
        let count = p.count
        guard count > 6 else { return .undecided }
        func matches(_ word: StaticString) -> Bool {
            let available = min(count - 6, word.utf8CodeUnitCount)
            for index in 0..<available where p[6 + index] != word.utf8Start[index] { return false }
            return true
        }
        if matches("TCP4 ") { return count >= 11 ? .tcp4 : .undecided }
        if matches("TCP6 ") { return count >= 11 ? .tcp6 : .undecided }
        if matches("UNKNOWN") {
            if count <= 13 { return .undecided }
            if p[13] == space || p[13] == cr { return .unknown }
        }
        var wordEnd = 6
        while wordEnd < lineEnd, p[wordEnd] != space { wordEnd += 1 }
        if wordEnd == 6 { throw v1Error("expected one space between PROXY and the protocol") }
        if wordEnd == 10, matches("TCP4") || matches("TCP6") {
            throw v1Error("the line ends after \(quoted(p, 6..<10)); expected addresses and ports")
        }
        throw v1Error("protocol \(quoted(p, 6..<wordEnd)) is not TCP4, TCP6 or UNKNOWN")
    }

    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20

    static func v1Error(_ reason: String) -> GreenroomError {
        GreenroomError(.invalidProxyHeader, "PROXY v1: " + reason)
    }

    /// The bytes in single quotes, printable ASCII as is, others as `\xNN`, at most 60 bytes.
    static func quoted(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var text = "'"
        for byte in p[range].prefix(60) {
            if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + hex(byte)
            }
        }
        return text + (range.count > 60 ? "...'" : "'")
    }
}
