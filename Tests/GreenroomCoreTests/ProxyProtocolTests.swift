import Testing

@testable import GreenroomCore

@Suite("PROXY protocol: detection, incremental parsing, encoding")
struct ProxyProtocolTests {
    /// (first bytes, detection).
    static let detections: [(String, ProxyProtocol.Detection)] = [
        ("", .needMoreBytes),
        ("P", .needMoreBytes),
        ("PRO", .needMoreBytes),
        ("PROX", .needMoreBytes),
        ("PROXY", .v1),
        ("PROXY TCP4 1.2.3.4", .v1),
        ("PROXZ", .notProxy),
        ("\r", .needMoreBytes),
        ("\r\n\r\n\0\r\nQUIT", .needMoreBytes),
        ("\r\n\r\n\0\r\nQUIT\n", .v2),
        ("\r\n\r\n\0\r\nQUIT\n\u{21}\u{11}", .v2),
        ("\r\nGET / HTTP/1.1\r\n", .notProxy),
        ("\r\n\r\nGET", .notProxy),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}", .notProxy),
        ("PRI * HTTP/2.0\r\n", .notProxy),
        ("GET / HTTP/1.1\r\n", .notProxy),
        ("SSH-2.0-OpenSSH", .notProxy),
    ]

    @Test("detect", arguments: detections)
    func detect(bytes: String, expected: ProxyProtocol.Detection) {
        #expect(ProxyProtocol.detect(Array(bytes.utf8)) == expected)
        #expect(ProxyProtocol.detect(Array(bytes.utf8)[...]) == expected)
    }

    /// (HTTP method, the number of bytes after which it is known not to be PROXY).
    static let methods: [(String, Int)] = [
        ("GET", 1), ("HEAD", 1), ("DELETE", 1), ("OPTIONS", 1), ("CONNECT", 1), ("TRACE", 1),
        ("POST", 2), ("PUT", 2), ("PATCH", 2), ("PROPFIND", 4), ("PROPPATCH", 4),
    ]

    @Test("HTTP methods are told apart at their first differing byte", arguments: methods)
    func detectsHTTPEarly(method: String, decidedAfter: Int) {
        let bytes = Array("\(method) / HTTP/1.1\r\n".utf8)
        for length in 0..<decidedAfter {
            #expect(ProxyProtocol.detect(bytes.prefix(length)) == .needMoreBytes, "\(method) after \(length) bytes")
        }
        #expect(ProxyProtocol.detect(bytes.prefix(decidedAfter)) == .notProxy)
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(Array(bytes.prefix(decidedAfter))) }
    }

    @Test("bytes that start neither version are refused at the first byte")
    func refusesOtherProtocols() throws {
        for first: UInt8 in [0x00, 0x16, UInt8(ascii: "p"), UInt8(ascii: "G"), 0xFF] {
            do {
                _ = try ProxyProtocol.parse([first])
                Issue.record("accepted 0x\(String(first, radix: 16))")
            } catch {
                #expect(error.code == .invalidProxyHeader)
                #expect(error.reason.contains("does not start with a PROXY header"))
            }
        }
        #expect(try ProxyProtocol.parse([]) == .needMoreBytes(atLeast: 15))
    }

    /// Every valid header the other suites use.
    static var validHeaders: [[UInt8]] {
        ProxyProtocolV1Tests.valid.map { Array($0.0.utf8) }
            + [
                ProxyProtocolV2Tests.haproxyTCP4, ProxyProtocolV2Tests.haproxyTCP6, ProxyProtocolV2Tests.haproxyLocal,
                ProxyProtocolV2Tests.haproxyTLS, ProxyProtocolV2Tests.haproxyTLSClientCert,
            ]
            + ProxyProtocolV2Tests.valid.map(\.1)
    }

    @Test("every prefix of a valid header needs more bytes, and never more than the header has", arguments: validHeaders)
    func truncated(header: [UInt8]) throws {
        for length in 0..<header.count {
            let result = try ProxyProtocol.parse(Array(header.prefix(length)))
            guard case .needMoreBytes(let atLeast) = result else {
                Issue.record("prefix of \(length)/\(header.count) bytes gave \(result)")
                continue
            }
            #expect(atLeast >= 1)
            #expect(length + atLeast <= header.count, "asked for \(atLeast) more after \(length) of \(header.count)")
        }
        guard case .complete(_, let consumed) = try ProxyProtocol.parse(header) else {
            Issue.record("whole header incomplete")
            return
        }
        #expect(consumed == header.count)
    }

    @Test("reading exactly the bytes asked for reaches the header, and not beyond", arguments: validHeaders)
    func dripFeed(header: [UInt8]) throws {
        let stream = header + Array("GET / HTTP/1.1\r\n\r\n".utf8)
        var available = 0
        for _ in 0...stream.count {
            switch try ProxyProtocol.parse(stream.prefix(available)) {
            case .needMoreBytes(let atLeast):
                available += atLeast
                #expect(available <= header.count)
            case .complete(_, let consumed):
                #expect(consumed == header.count)
                #expect(available == header.count, "read \(available) bytes for a \(header.count)-byte header")
                return
            }
        }
        Issue.record("never completed")
    }

    @Test("HAProxy's headers re-encode byte for byte, CRC32C included")
    func reencodesHAProxy() throws {
        for bytes in [
            ProxyProtocolV2Tests.haproxyTCP4, ProxyProtocolV2Tests.haproxyTCP6, ProxyProtocolV2Tests.haproxyLocal,
            ProxyProtocolV2Tests.haproxyTLS, ProxyProtocolV2Tests.haproxyTLSClientCert,
            Array("PROXY TCP4 127.0.0.1 127.0.0.1 33214 18081\r\n".utf8),
            Array("PROXY TCP6 ::1 ::1 43478 18082\r\n".utf8), Array("PROXY UNKNOWN\r\n".utf8),
        ] {
            #expect(try complete(bytes).header.encoded() == bytes)
        }
    }

    @Test("version 1 prints canonical addresses")
    func encodesV1() throws {
        let header = try ProxyHeader(
            version: .v1,
            addresses: .inet(source: v6("2001:DB8:0:0::1"), sourcePort: 56324, destination: v6("::ffff:192.0.2.1"), destinationPort: 443))
        #expect(String(decoding: header.encoded(), as: UTF8.self) == "PROXY TCP6 2001:db8::1 ::ffff:192.0.2.1 56324 443\r\n")
        let unknown = try ProxyHeader(version: .v1, transport: .unspecified, addresses: .unspecified)
        #expect(String(decoding: unknown.encoded(), as: UTF8.self) == "PROXY UNKNOWN\r\n")
    }

    @Test("encodes version 2 with an SSL TLV and a checksum")
    func encodesV2() throws {
        let header = try ProxyHeader(
            addresses: .inet(source: v4("203.0.113.7"), sourcePort: 4711, destination: v4("192.0.2.1"), destinationPort: 443),
            tlvs: [
                .init(type: .alpn, text: "h2"),
                .init(
                    ssl: [.ssl, .certificateOnConnection], verify: 0,
                    subTLVs: [.init(type: .sslVersion, text: "TLSv1.3"), .init(type: .sslCommonName, text: "alice")]),
            ],
            checksum: true)
        let bytes = header.encoded()
        #expect(Array(bytes.prefix(16)) == ProxyProtocol.v2Signature + [0x21, 0x11, 0, UInt8(bytes.count - 16)])
        #expect(Array(bytes[16..<28]) == [203, 0, 113, 7, 192, 0, 2, 1, 0x12, 0x67, 0x01, 0xBB])
        let parsed = try complete(bytes).header
        #expect(parsed == header)
        #expect(parsed.tlvs.map(\.type) == [.crc32c, .alpn, .ssl])
        #expect(parsed.ssl?.commonName == "alice")
        #expect(parsed.ssl?.clientCertificateVerified == true)
        #expect(parsed.description == "PROXY v2 TCP 203.0.113.7:4711 -> 192.0.2.1:443 (TLVs: CRC32C, ALPN, SSL)")
    }

    /// Headers the initialiser refuses: (name, attempt).
    static let unencodable: [(String, @Sendable () throws(GreenroomError) -> ProxyHeader)] = [
        ("v1 with TLVs", { () throws(GreenroomError) in try ProxyHeader(version: .v1, addresses: inet, tlvs: [.init(type: .noop, value: [])]) }),
        ("v1 with a checksum", { () throws(GreenroomError) in try ProxyHeader(version: .v1, addresses: inet, checksum: true) }),
        ("v1 with UNIX", { () throws(GreenroomError) in try ProxyHeader(version: .v1, addresses: .unix(source: [], destination: [])) }),
        ("v1 LOCAL", { () throws(GreenroomError) in try ProxyHeader(version: .v1, command: .local, transport: .unspecified, addresses: .unspecified) }),
        ("v1 UDP", { () throws(GreenroomError) in try ProxyHeader(version: .v1, transport: .datagram, addresses: inet) }),
        ("mixed families", { () throws(GreenroomError) in
            try ProxyHeader(addresses: .inet(source: v4("192.0.2.1"), sourcePort: 1, destination: v6("::1"), destinationPort: 2))
        }),
        ("IP with an unspecified transport", { () throws(GreenroomError) in try ProxyHeader(transport: .unspecified, addresses: inet) }),
        ("unspecified addresses over TCP", { () throws(GreenroomError) in try ProxyHeader(transport: .stream, addresses: .unspecified) }),
        ("a 109-byte UNIX path", { () throws(GreenroomError) in
            try ProxyHeader(addresses: .unix(source: [UInt8](repeating: 0x61, count: 109)[...], destination: []))
        }),
        ("LOCAL with addresses", { () throws(GreenroomError) in try ProxyHeader(command: .local, addresses: inet) }),
        ("LOCAL with TLVs", { () throws(GreenroomError) in
            try ProxyHeader(command: .local, transport: .unspecified, addresses: .unspecified, tlvs: [.init(type: .noop, value: [])])
        }),
        ("a 3-byte CRC32C", { () throws(GreenroomError) in try ProxyHeader(addresses: inet, tlvs: [.init(type: .crc32c, value: [1, 2, 3])]) }),
        ("two CRC32Cs", { () throws(GreenroomError) in
            try ProxyHeader(addresses: inet, tlvs: [.init(type: .crc32c, value: [0, 0, 0, 0])], checksum: true)
        }),
        ("a 129-byte UNIQUE_ID", { () throws(GreenroomError) in
            try ProxyHeader(addresses: inet, tlvs: [.init(type: .uniqueID, value: [UInt8](repeating: 1, count: 129))])
        }),
        ("a 4-byte SSL TLV", { () throws(GreenroomError) in try ProxyHeader(addresses: inet, tlvs: [.init(type: .ssl, value: [1, 0, 0, 0])]) }),
        ("a 65536-byte TLV", { () throws(GreenroomError) in
            try ProxyHeader(addresses: inet, tlvs: [.init(type: .noop, value: [UInt8](repeating: 0, count: 65536))])
        }),
        ("TLVs past 65535 bytes in all", { () throws(GreenroomError) in
            try ProxyHeader(addresses: inet, tlvs: [.init(type: .noop, value: [UInt8](repeating: 0, count: 65535 - 12 - 2))])
        }),
    ]

    @Test("refuses to build what the version cannot carry", arguments: unencodable)
    func refusesUnencodable(name: String, attempt: @Sendable () throws(GreenroomError) -> ProxyHeader) {
        #expect(throws: GreenroomError(.invalidProxyHeader, ""), "\(name)") { try attempt() }
    }

    @Test("the largest TLV area that fits is accepted and round-trips")
    func largestHeader() throws {
        let header = try ProxyHeader(addresses: inet, tlvs: [.init(type: .noop, value: [UInt8](repeating: 0, count: 65535 - 12 - 3))])
        let bytes = header.encoded()
        #expect(bytes.count == 16 + 65535)
        #expect(try complete(bytes, maxV2Length: 16 + 65535).header == header)
    }

    @Test("round-trips random headers (seeded)")
    func roundTrip() throws {
        var random = SplitMix64(seed: 0x6772_6565_6E72_6F6F)
        let trailer = Array("GET / HTTP/1.1\r\n".utf8)
        for _ in 0..<2000 {
            let header = try randomHeader(&random)
            let bytes = header.encoded()
            let parsed = try complete(bytes + trailer, maxV2Length: 16 + 65535)
            #expect(parsed.consumed == bytes.count)
            #expect(parsed.header == header, "\(header) re-parsed as \(parsed.header)")
            #expect(parsed.header.encoded() == bytes)
        }
    }
}

// MARK: - Random headers

let inet = ProxyHeader.Addresses.inet(source: v4("192.0.2.1"), sourcePort: 1, destination: v4("192.0.2.2"), destinationPort: 2)

/// A small, seedable generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomBytes(_ count: Int, _ random: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
}

func randomAddresses(_ random: inout SplitMix64, unix: Bool) -> ProxyHeader.Addresses {
    switch Int.random(in: 0..<(unix ? 4 : 3), using: &random) {
    case 0:
        return .unspecified
    case 1:
        return .inet(
            source: IPAddress(ipv4: .random(in: 0...UInt32.max, using: &random)), sourcePort: .random(in: 0...65535, using: &random),
            destination: IPAddress(ipv4: .random(in: 0...UInt32.max, using: &random)), destinationPort: .random(in: 0...65535, using: &random))
    case 2:
        // Bias towards zero runs and mapped addresses so RFC 5952 printing gets exercised.
        func address() -> IPAddress {
            var bits = UInt128(random.next()) << 64 | UInt128(random.next())
            for group in 0..<8 where Bool.random(using: &random) { bits &= ~(UInt128(0xFFFF) << (16 * group)) }
            if Int.random(in: 0..<8, using: &random) == 0 { bits = 0xFFFF_0000_0000 | bits & 0xFFFF_FFFF }
            return IPAddress(ipv6: bits)
        }
        return .inet(
            source: address(), sourcePort: .random(in: 0...65535, using: &random),
            destination: address(), destinationPort: .random(in: 0...65535, using: &random))
    default:
        func path() -> ArraySlice<UInt8> {
            let count = Int.random(in: 0...108, using: &random)
            var bytes = randomBytes(count, &random).map { $0 == 0 ? 0x2F : $0 }
            if count > 1, Bool.random(using: &random) { bytes[0] = 0 }  // Linux abstract address
            if let last = bytes.indices.last, bytes[0] == 0 { bytes[last] = 0x61 }
            return bytes[...]
        }
        return .unix(source: path(), destination: path())
    }
}

func randomTLVs(_ random: inout SplitMix64) -> [ProxyHeader.TLV] {
    (0..<Int.random(in: 0...5, using: &random)).map { _ in
        switch Int.random(in: 0..<8, using: &random) {
        case 0: .init(type: .alpn, text: ["h2", "http/1.1", ""].randomElement(using: &random)!)
        case 1: .init(type: .authority, text: "host\(random.next() % 1000).example")
        case 2: .init(type: .noop, value: [UInt8](repeating: 0, count: .random(in: 0...9, using: &random)))
        case 3: .init(type: .uniqueID, value: randomBytes(.random(in: 0...128, using: &random), &random))
        case 4: .init(type: .netns, text: "ns\(random.next() % 10)")
        case 5:
            .init(
                ssl: .init(rawValue: .random(in: 0...7, using: &random)), verify: .random(in: 0...3, using: &random),
                subTLVs: (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    .init(type: .init(rawValue: .random(in: 0x21...0x25, using: &random)), value: randomBytes(.random(in: 0...40, using: &random), &random))
                })
        default: .init(type: .init(rawValue: .random(in: 0xE0...0xF7, using: &random)), value: randomBytes(.random(in: 0...300, using: &random), &random))
        }
    }
}

func randomHeader(_ random: inout SplitMix64) throws(GreenroomError) -> ProxyHeader {
    if Int.random(in: 0..<3, using: &random) == 0 {
        let addresses = randomAddresses(&random, unix: false)
        return try ProxyHeader(version: .v1, transport: addresses == .unspecified ? .unspecified : .stream, addresses: addresses)
    }
    if Int.random(in: 0..<10, using: &random) == 0 {
        return try ProxyHeader(command: .local, transport: .unspecified, addresses: .unspecified)
    }
    let addresses = randomAddresses(&random, unix: true)
    let transport: ProxyHeader.Transport = addresses == .unspecified ? .unspecified : Bool.random(using: &random) ? .stream : .datagram
    return try ProxyHeader(transport: transport, addresses: addresses, tlvs: randomTLVs(&random), checksum: Bool.random(using: &random))
}
