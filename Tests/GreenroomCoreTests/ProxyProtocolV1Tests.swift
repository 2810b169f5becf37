import Testing

@testable import GreenroomCore

@Suite("PROXY protocol v1")
struct ProxyProtocolV1Tests {
    /// (line, source, destination): the specification's examples and maximal lines, and lines
    /// captured from HAProxy 2.6 `send-proxy`.
    static let valid: [(String, Peer?, Peer?)] = [
        ("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", .ip(v4("192.168.0.1"), port: 56324), .ip(v4("192.168.0.11"), port: 443)),
        ("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", .ip(v4("255.255.255.255"), port: 65535), .ip(v4("255.255.255.255"), port: 65535)),
        ("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n", .ip(v4("0.0.0.0"), port: 0), .ip(v4("0.0.0.0"), port: 0)),
        ("PROXY TCP4 127.0.0.1 127.0.0.1 33214 18081\r\n", .ip(v4("127.0.0.1"), port: 33214), .ip(v4("127.0.0.1"), port: 18081)),
        ("PROXY TCP6 ::1 ::1 43478 18082\r\n", .ip(v6("::1"), port: 43478), .ip(v6("::1"), port: 18082)),
        ("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n", .ip(v6("2001:db8::1"), port: 56324), .ip(v6("2001:db8::2"), port: 443)),
        ("PROXY TCP6 2001:DB8::1 2001:0db8:0:0:0:0:0:2 1 2\r\n", .ip(v6("2001:db8::1"), port: 1), .ip(v6("2001:db8::2"), port: 2)),
        ("PROXY TCP6 :: :: 0 0\r\n", .ip(v6("::"), port: 0), .ip(v6("::"), port: 0)),
        ("PROXY TCP6 ::ffff:192.0.2.1 ::ffff:192.0.2.2 80 81\r\n", .ip(v6("::ffff:192.0.2.1"), port: 80), .ip(v6("::ffff:192.0.2.2"), port: 81)),
        ("PROXY TCP6 \(ffff) \(ffff) 65535 65535\r\n", .ip(v6(ffff), port: 65535), .ip(v6(ffff), port: 65535)),
        ("PROXY UNKNOWN\r\n", nil, nil),
        ("PROXY UNKNOWN 192.0.2.1 192.0.2.2 1 2\r\n", nil, nil),
        ("PROXY UNKNOWN anything at all, even\tTABS and \0\u{7F}\r\n", nil, nil),
        ("PROXY UNKNOWN \(ffff) \(ffff) 65535 65535\r\n", nil, nil),
    ]

    static let ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

    @Test("parses valid lines", arguments: valid)
    func parses(line: String, source: Peer?, destination: Peer?) throws {
        let bytes = Array(line.utf8)
        guard case .complete(let header, let consumed) = try ProxyProtocol.parse(bytes) else {
            Issue.record("incomplete")
            return
        }
        #expect(consumed == bytes.count)
        #expect(header.version == .v1)
        #expect(header.command == .proxy)
        #expect(header.sourcePeer == source)
        #expect(header.destinationPeer == destination)
        #expect(header.transport == (source == nil ? .unspecified : .stream))
        #expect(header.tlvs.isEmpty)
    }

    @Test("the longest lines the specification allows")
    func lengths() throws {
        #expect(Array("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n".utf8).count == 56)
        #expect(Array("PROXY TCP6 \(Self.ffff) \(Self.ffff) 65535 65535\r\n".utf8).count == 104)
        let worst = Array("PROXY UNKNOWN \(Self.ffff) \(Self.ffff) 65535 65535\r\n".utf8)
        #expect(worst.count == 107)
        guard case .complete(_, 107) = try ProxyProtocol.parse(worst) else {
            Issue.record("107 bytes refused")
            return
        }
        let tooLong = Array("PROXY UNKNOWN \(Self.ffff) \(Self.ffff) 65535 655355\r\n".utf8)
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(tooLong) }
        // Without any CRLF, 107 bytes are enough to refuse.
        let noEnd = Array(("PROXY UNKNOWN " + String(repeating: "x", count: 93)).utf8)
        #expect(noEnd.count == 107)
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(noEnd) }
        #expect(try ProxyProtocol.parse(Array(noEnd.dropLast())) == .needMoreBytes(atLeast: 2))
    }

    @Test("leaves the bytes after the line for the HTTP parser")
    func leavesHTTPBytes() throws {
        let line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
        let request = "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"
        let bytes = Array((line + request).utf8)
        guard case .complete(_, let consumed) = try ProxyProtocol.parse(bytes) else {
            Issue.record("incomplete")
            return
        }
        #expect(String(decoding: bytes[consumed...], as: UTF8.self) == request)
        // The same from a slice that does not start at index 0.
        let padded = [0, 0, 0] + bytes
        guard case .complete(let header, let consumedFromSlice) = try ProxyProtocol.parse(padded[3...]) else {
            Issue.record("incomplete")
            return
        }
        #expect(consumedFromSlice == consumed)
        #expect(header.sourcePeer == .ip(v4("192.168.0.1"), port: 56324))
    }

    /// One row per rule: (line, words the reason must contain).
    static let invalid: [(String, String)] = [
        ("PRoXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "start with 'PROXY '"),
        ("PROXY\tTCP4 1.2.3.4 5.6.7.8 1 2\r\n", "start with 'PROXY '"),
        ("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "one space"),
        ("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "'TCP5' is not TCP4, TCP6 or UNKNOWN"),
        ("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", "'tcp4' is not TCP4"),
        ("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", "'UDP4'"),
        ("PROXY UNKNOWNX\r\n", "'UNKNOWNX'"),
        ("PROXY TCP4\r\n", "ends after 'TCP4'"),
        ("PROXY \r\n", "one space"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "bare LF"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\n", "CR not followed by LF"),
        ("PROXY UNKNOWN\n", "bare LF"),
        ("PROXY UNKNOWN a\nb\r\n", "bare LF"),
        ("PROXY UNKNOWN a\rb\r\n", "CR not followed by LF"),
        ("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "two spaces before the source address"),
        ("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "two spaces before the destination address"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8  1 2\r\n", "two spaces before the source port"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1  2\r\n", "two spaces before the destination port"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", "after the destination port"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "after the destination port"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "ends after the source port"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8\r\n", "ends after the destination address"),
        ("PROXY TCP4 1.2.3.4\r\n", "ends after the source address"),
        ("PROXY TCP4 \r\n", "ends before the source address"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n", "ends before the destination port"),
        ("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", "source address '1.2.3' is not a valid IPv4"),
        ("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", "source address '01.2.3.4' is not a valid IPv4"),
        ("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "'1.2.3.256' is not a valid IPv4"),
        ("PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n", "destination address '5.6.7.08'"),
        ("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n", "'1.2.3.4.5' is not a valid IPv4"),
        ("PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "source address '::1' is not an IPv4 address as TCP4 requires"),
        ("PROXY TCP4 1.2.3.4 ::1 1 2\r\n", "destination address '::1' is not an IPv4 address"),
        ("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "source address '1.2.3.4' is not an IPv6 address as TCP6 requires"),
        ("PROXY TCP6 ::1 5.6.7.8 1 2\r\n", "destination address '5.6.7.8' is not an IPv6"),
        ("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "'fe80::1%eth0' is not a valid IPv6"),
        ("PROXY TCP6 [::1] ::1 1 2\r\n", "'[::1]' is not a valid IPv6"),
        ("PROXY TCP6 ::1::2 ::1 1 2\r\n", "'::1::2' is not a valid IPv6"),
        ("PROXY TCP6 12345::1 ::1 1 2\r\n", "is not a valid IPv6"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 080 443\r\n", "source port '080' has a leading zero"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 80 0443\r\n", "destination port '0443' has a leading zero"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 00 1\r\n", "source port '00' has a leading zero"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 65536 1\r\n", "source port '65536' is out of range"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n", "destination port '99999' is out of range"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 100000\r\n", "'100000' is out of range"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "source port '-1' is not a decimal number"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", "'+1' is not a decimal number"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 0x50 2\r\n", "'0x50' is not a decimal number"),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\t\r\n", "'2\\x09' is not a decimal number"),
    ]

    @Test("refuses every malformed field, naming it", arguments: invalid)
    func refuses(line: String, reason: String) {
        do {
            let result = try ProxyProtocol.parse(Array(line.utf8))
            Issue.record("accepted: \(result)")
        } catch {
            #expect(error.code == .invalidProxyHeader)
            #expect(error.reason.hasPrefix("PROXY v1: "))
            #expect(error.reason.contains(reason), "reason was: \(error.reason)")
        }
    }

    /// Prefixes that can already be refused before the CRLF arrives.
    static let earlyRefusals: [String] = [
        "PROXX", "PROXY_", "PROXY X", "PROXY TCP5", "PROXY TCP4\t", "PROXY UNKNOWNX", "PROXY UNKNOWN\n",
        "PROXY TCP4 1.2.3.4\n", "PROXY TCP4 1.2.3.4\rX",
    ]

    @Test("refuses as soon as the bytes cannot become a valid line", arguments: earlyRefusals)
    func refusesEarly(prefix: String) {
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(Array(prefix.utf8)) }
    }
}

func v4(_ text: String) -> IPAddress { IPAddress(text)! }
func v6(_ text: String) -> IPAddress { IPAddress(text)! }
