import Testing

@testable import GreenroomCore

@Suite("PROXY protocol v2")
struct ProxyProtocolV2Tests {
    // Headers captured from HAProxy 2.6.12 (`send-proxy-v2`, `proxy-v2-options
    // ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id`) on loopback.

    /// TCP over IPv4, no TLVs: 127.0.0.1:48974 -> 127.0.0.1:18083.
    static let haproxyTCP4 = hexBytes("0d0a0d0a000d0a515549540a2111000c7f0000017f000001bf4e46a3")
    /// TCP over IPv6, no TLVs: [::1]:55172 -> [::1]:18084.
    static let haproxyTCP6 = hexBytes(
        "0d0a0d0a000d0a515549540a21210024000000000000000000000000000000010000000000000000000000000000"
            + "0001d78446a4")
    /// LOCAL (a health check, or a UNIX-socket client): no addresses.
    static let haproxyLocal = hexBytes("0d0a0d0a000d0a515549540a20000000")
    /// TLS client without a certificate: CRC32C, ALPN, AUTHORITY, UNIQUE_ID, SSL.
    static let haproxyTLS = hexBytes(
        "0d0a0d0a000d0a515549540a211100847f0000017f00000195c4480b030004a8573fc2010008687474702f312e31"
            + "02000e677265656e726f6f6d2e746573740500106162633132332d20374630303030303120003f0100000000"
            + "210007544c5376312e332500075253413230343824000a5253412d534841323536230016544c535f4145535f"
            + "3235365f47434d5f534841333834")
    /// TLS client with a verified certificate (CN client.example).
    static let haproxyTLSClientCert = hexBytes(
        "0d0a0d0a000d0a515549540a211100957f0000017f00000195c8480b030004cd94b3c2010008687474702f312e31"
            + "02000e677265656e726f6f6d2e746573740500106162633132332d20374630303030303120005007000000002100"
            + "07544c5376312e3322000e636c69656e742e6578616d706c652500075253413230343824000a5253412d53484132"
            + "3536230016544c535f4145535f3235365f47434d5f534841333834")

    @Test("HAProxy's TCP4, TCP6 and LOCAL headers")
    func haproxyAddresses() throws {
        let four = try complete(Self.haproxyTCP4)
        #expect(four.consumed == 28)
        #expect(four.header.version == .v2)
        #expect(four.header.command == .proxy)
        #expect(four.header.transport == .stream)
        #expect(four.header.sourcePeer == .ip(v4("127.0.0.1"), port: 48974))
        #expect(four.header.destinationPeer == .ip(v4("127.0.0.1"), port: 18083))
        #expect(four.header.tlvs.isEmpty)

        let six = try complete(Self.haproxyTCP6)
        #expect(six.consumed == 52)
        #expect(six.header.sourcePeer == .ip(v6("::1"), port: 55172))
        #expect(six.header.destinationPeer == .ip(v6("::1"), port: 18084))

        let local = try complete(Self.haproxyLocal)
        #expect(local.consumed == 16)
        #expect(local.header.command == .local)
        #expect(local.header.sourcePeer == nil)
        #expect(local.header.addresses == .unspecified)
    }

    @Test("HAProxy's TLS headers: CRC32C verified, every TLV read")
    func haproxyTLVs() throws {
        let plain = try complete(Self.haproxyTLS)
        #expect(plain.consumed == Self.haproxyTLS.count)
        let header = plain.header
        #expect(header.sourcePeer == .ip(v4("127.0.0.1"), port: 0x95C4))
        #expect(header.crc32c == 0xA857_3FC2)
        #expect(header.alpn.map(Array.init) == Array("http/1.1".utf8))
        #expect(header.authority == "greenroom.test")
        #expect(header.uniqueID.map(Array.init) == Array("abc123- 7F000001".utf8))
        #expect(header.tlvs.map(\.type) == [.crc32c, .alpn, .authority, .uniqueID, .ssl])
        let ssl = try #require(header.ssl)
        #expect(ssl.client == .ssl)
        #expect(ssl.verify == 0)
        #expect(!ssl.clientCertificateVerified, "no certificate was presented")
        #expect(ssl.version == "TLSv1.3")
        #expect(ssl.commonName == nil)
        #expect(ssl.cipher == "TLS_AES_256_GCM_SHA384")
        #expect(ssl.signatureAlgorithm == "RSA-SHA256")
        #expect(ssl.keyAlgorithm == "RSA2048")
        #expect(ssl.subTLVs.map(\.type) == [.sslVersion, .sslKeyAlgorithm, .sslSignatureAlgorithm, .sslCipher])

        let withCertificate = try complete(Self.haproxyTLSClientCert).header
        let clientSSL = try #require(withCertificate.ssl)
        #expect(clientSSL.client == [.ssl, .certificateOnConnection, .certificateInSession])
        #expect(clientSSL.clientCertificateVerified)
        #expect(clientSSL.commonName == "client.example")
    }

    @Test("a flipped bit anywhere in a checksummed header is caught")
    func checksumCatchesCorruption() throws {
        let original = Self.haproxyTLS
        // Bytes 16... are addresses and TLVs: a flipped bit there must never yield a header.
        // The exception is the CRC32C TLV's own type byte (28): a header without a checksum
        // TLV is valid, which is why the checksum guards against accidents, not attackers.
        for index in 16..<original.count where index != 28 {
            var corrupted = original
            corrupted[index] ^= 0x01
            #expect(throws: GreenroomError.self) { try ProxyProtocol.parse(corrupted) }
        }
        var wrongChecksum = original
        wrongChecksum[31] ^= 0xFF
        #expect(throws: GreenroomError(.proxyHeaderChecksumMismatch, "")) { try ProxyProtocol.parse(wrongChecksum) }
        var wrongPort = original
        wrongPort[27] ^= 0x01
        #expect(throws: GreenroomError(.proxyHeaderChecksumMismatch, "")) { try ProxyProtocol.parse(wrongPort) }
    }

    @Test("CRC32C matches RFC 4960's reference values")
    func crc32cVectors() {
        func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { CRC32C.checksum($0) } }
        #expect(crc(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crc([]) == 0)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(crc([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(crc((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        // Zeroing a field equals checksumming a copy with that field zeroed, at every offset.
        let data = (0..<41).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for offset in 0...(data.count - 4) {
            var zeroed = data
            zeroed.replaceSubrange(offset..<(offset + 4), with: [0, 0, 0, 0])
            #expect(data.withUnsafeBytes { CRC32C.checksum($0, zeroing: offset) } == crc(zeroed))
        }
    }

    /// Special but valid headers: (name, bytes, expected header description).
    static let valid: [(String, [UInt8], String)] = [
        ("LOCAL ignores an INET block", v2(0x20, 0x11, inet4Block), "PROXY v2 LOCAL"),
        ("LOCAL with INET family and no block", v2(0x20, 0x11, []), "PROXY v2 LOCAL"),
        ("LOCAL ignores malformed TLVs", v2(0x20, 0x00, [0x03, 0x00]), "PROXY v2 LOCAL"),
        ("PROXY over AF_UNSPEC", v2(0x21, 0x00, []), "PROXY v2 UNSPEC"),
        ("AF_UNSPEC keeps its TLVs", v2(0x21, 0x01, [0x02, 0x00, 0x01, 0x61]), "PROXY v2 UNSPEC (TLVs: AUTHORITY)"),
        ("INET with unspecified transport", v2(0x21, 0x10, inet4Block), "PROXY v2 UNSPEC"),
        ("UDP over IPv4", v2(0x21, 0x12, inet4Block), "PROXY v2 UDP 192.0.2.1:4711 -> 198.51.100.2:443"),
        ("TCP over IPv4", v2(0x21, 0x11, inet4Block), "PROXY v2 TCP 192.0.2.1:4711 -> 198.51.100.2:443"),
        ("UDP over IPv6", v2(0x21, 0x22, inet6Block), "PROXY v2 UDP [2001:db8::1]:4711 -> [2001:db8::2]:443"),
        ("UNIX stream", v2(0x21, 0x31, unixBlock("/tmp/a.sock", "/run/app.sock")),
            "PROXY v2 UNIX-STREAM unix:/tmp/a.sock -> unix:/run/app.sock"),
        ("UNIX datagram, unnamed source", v2(0x21, 0x32, unixBlock("", "/run/app.sock")),
            "PROXY v2 UNIX-DGRAM unix -> unix:/run/app.sock"),
        ("UNIX abstract source", v2(0x21, 0x31, unixBlock("\0greenroom", "/run/app.sock")),
            "PROXY v2 UNIX-STREAM unix:@greenroom -> unix:/run/app.sock"),
        ("UNIX path filling 108 bytes", v2(0x21, 0x31, unixBlock(String(repeating: "p", count: 108), "/x")),
            "PROXY v2 UNIX-STREAM unix:\(String(repeating: "p", count: 108)) -> unix:/x"),
        ("NOOP, empty and unknown TLVs kept", v2(0x21, 0x11, inet4Block + [0x04, 0, 0, 0xE0, 0, 2, 9, 9, 0x30, 0, 2, 0x6E, 0x73]),
            "PROXY v2 TCP 192.0.2.1:4711 -> 198.51.100.2:443 (TLVs: NOOP, 0xe0, NETNS)"),
        ("SSL with no sub-TLVs", v2(0x21, 0x11, inet4Block + [0x20, 0, 5, 1, 0, 0, 0, 0]),
            "PROXY v2 TCP 192.0.2.1:4711 -> 198.51.100.2:443 (TLVs: SSL)"),
        ("UNIQUE_ID of 128 bytes", v2(0x21, 0x11, inet4Block + [0x05, 0, 128] + [UInt8](repeating: 7, count: 128)),
            "PROXY v2 TCP 192.0.2.1:4711 -> 198.51.100.2:443 (TLVs: UNIQUE_ID)"),
    ]

    @Test("special but valid headers", arguments: valid)
    func parsesSpecial(name: String, bytes: [UInt8], expected: String) throws {
        let result = try complete(bytes + Array("GET / HTTP/1.1\r\n".utf8))
        #expect(result.consumed == bytes.count, "\(name)")
        #expect(result.header.description == expected, "\(name)")
    }

    @Test("typed accessors for NETNS and unknown TLVs")
    func accessors() throws {
        let bytes = v2(0x21, 0x11, inet4Block + [0x30, 0, 2, 0x6E, 0x73, 0xE0, 0, 2, 9, 9])
        let header = try complete(bytes).header
        #expect(header.networkNamespace == "ns")
        #expect(header.tlvs.first(ProxyHeader.TLVType(rawValue: 0xE0)).map(Array.init) == [9, 9])
        #expect(header.crc32c == nil)
        #expect(header.ssl == nil)
        #expect(header.tlvBytes.count == 10)
    }

    /// One row per rule: (bytes, expected code, words the reason must contain).
    static let invalid: [([UInt8], GreenroomError.Code, String)] = [
        (replacing(v2(0x21, 0x11, inet4Block), at: 7, with: 0x52), .invalidProxyHeader, "byte 7 of the signature"),
        (replacing(v2(0x21, 0x11, inet4Block), at: 4, with: 0x20), .invalidProxyHeader, "byte 4 of the signature"),
        (v2(0x11, 0x11, inet4Block), .invalidProxyHeader, "version 1 is not 2"),
        (v2(0x31, 0x11, inet4Block), .invalidProxyHeader, "version 3 is not 2"),
        (v2(0x01, 0x11, inet4Block), .invalidProxyHeader, "version 0 is not 2"),
        (v2(0x22, 0x11, inet4Block), .invalidProxyHeader, "command 2 is neither LOCAL (0) nor PROXY (1)"),
        (v2(0x2F, 0x11, inet4Block), .invalidProxyHeader, "command 15"),
        (v2(0x21, 0x41, inet4Block), .invalidProxyHeader, "address family 4"),
        (v2(0x21, 0xF1, inet4Block), .invalidProxyHeader, "address family 15"),
        (v2(0x21, 0x13, inet4Block), .invalidProxyHeader, "transport 3"),
        (v2(0x20, 0x1F, []), .invalidProxyHeader, "transport 15"),
        (v2(0x21, 0x11, Array(inet4Block.prefix(11))), .invalidProxyHeader, "shorter than the INET address block (12 bytes)"),
        (v2(0x21, 0x11, []), .invalidProxyHeader, "declared length 0 is shorter than the INET"),
        (v2(0x21, 0x21, Array(inet6Block.prefix(35))), .invalidProxyHeader, "INET6 address block (36 bytes)"),
        (v2(0x21, 0x31, [UInt8](repeating: 0, count: 215)), .invalidProxyHeader, "UNIX address block (216 bytes)"),
        (v2(0x21, 0x11, inet4Block + [0x04]), .invalidProxyHeader, "1 stray byte(s) at byte 28"),
        (v2(0x21, 0x11, inet4Block + [0x04, 0x00]), .invalidProxyHeader, "2 stray byte(s)"),
        (v2(0x21, 0x11, inet4Block + [0x02, 0x00, 0x05, 0x61, 0x62]), .invalidProxyHeader, "TLV AUTHORITY at byte 28 declares 5 bytes, only 2 remain"),
        (v2(0x21, 0x11, inet4Block + [0x04, 0x00, 0x00, 0xE0, 0xFF, 0xFF]), .invalidProxyHeader, "TLV 0xe0 at byte 31 declares 65535"),
        (v2(0x21, 0x11, inet4Block + [0x03, 0x00, 0x03, 0, 0, 0]), .invalidProxyHeader, "CRC32C TLV has 3 bytes, expected 4"),
        (v2(0x21, 0x11, inet4Block + [0x03, 0x00, 0x05, 0, 0, 0, 0, 0]), .invalidProxyHeader, "CRC32C TLV has 5 bytes"),
        (v2(0x21, 0x11, inet4Block + [0x03, 0, 4, 0, 0, 0, 0, 0x03, 0, 4, 0, 0, 0, 0]), .invalidProxyHeader, "more than one CRC32C TLV"),
        (v2(0x21, 0x11, inet4Block + [0x05, 0, 129] + [UInt8](repeating: 7, count: 129)), .invalidProxyHeader, "UNIQUE_ID TLV has 129 bytes, at most 128"),
        (v2(0x21, 0x11, inet4Block + [0x20, 0, 4, 1, 0, 0, 0]), .invalidProxyHeader, "SSL TLV has 4 bytes, at least 5"),
        (v2(0x21, 0x11, inet4Block + [0x20, 0, 7, 1, 0, 0, 0, 0, 0x21, 0]), .invalidProxyHeader, "SSL TLV ends with a truncated sub-TLV"),
        (v2(0x21, 0x11, inet4Block + [0x20, 0, 9, 1, 0, 0, 0, 0, 0x21, 0, 2, 0x41]), .invalidProxyHeader, "SSL sub-TLV SSL_VERSION declares 2 bytes, only 1 remain"),
        (withChecksum(v2(0x21, 0x11, inet4Block + [0x03, 0, 4, 0, 0, 0, 0]), adding: 1), .proxyHeaderChecksumMismatch, "CRC32C TLV says"),
    ]

    @Test("refuses every malformed field, naming it", arguments: invalid)
    func refuses(bytes: [UInt8], code: GreenroomError.Code, reason: String) {
        do {
            let result = try ProxyProtocol.parse(bytes)
            Issue.record("accepted: \(result)")
        } catch {
            #expect(error.code == code)
            #expect(error.reason.hasPrefix("PROXY v2: "))
            #expect(error.reason.contains(reason), "reason was: \(error.reason)")
        }
    }

    @Test("the length bound is checked before the bytes arrive")
    func lengthBound() throws {
        let header = v2(0x21, 0x11, inet4Block + [0x04, 0x00, 0x10] + [UInt8](repeating: 0, count: 16))
        #expect(header.count == 47)
        #expect(try complete(header, maxV2Length: 47).consumed == 47)
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(header, maxV2Length: 46) }
        // Only the fixed part: already enough to refuse a declared length over the bound.
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) {
            try ProxyProtocol.parse(Array(header.prefix(16)), maxV2Length: 46)
        }
        let huge = ProxyProtocol.v2Signature + [0x21, 0x11, 0xFF, 0xFF]
        #expect(throws: GreenroomError(.invalidProxyHeader, "")) { try ProxyProtocol.parse(huge) }
        #expect(try ProxyProtocol.parse(huge, maxV2Length: 16 + 65535) == .needMoreBytes(atLeast: 65535))
    }

    @Test("the CRC32C is verified over the header only, not the bytes after it")
    func checksumCoversHeaderOnly() throws {
        let header = try ProxyHeader(
            addresses: .inet(source: v4("192.0.2.1"), sourcePort: 1, destination: v4("192.0.2.2"), destinationPort: 2),
            tlvs: [.init(type: .authority, text: "example.com")], checksum: true)
        let bytes = header.encoded()
        let parsed = try complete(bytes + [1, 2, 3])
        #expect(parsed.consumed == bytes.count)
        #expect(parsed.header == header)
        #expect(parsed.header.crc32c != nil)
    }
}

// MARK: - Builders

let inet4Block: [UInt8] = [192, 0, 2, 1, 198, 51, 100, 2, 0x12, 0x67, 0x01, 0xBB]
let inet6Block: [UInt8] =
    [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
    + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2] + [0x12, 0x67, 0x01, 0xBB]

/// A version 2 header: signature, the two command/family bytes, the body's length, the body.
func v2(_ versionCommand: UInt8, _ familyTransport: UInt8, _ body: [UInt8]) -> [UInt8] {
    ProxyProtocol.v2Signature + [versionCommand, familyTransport, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
}

/// Two NUL-padded 108-byte UNIX paths.
func unixBlock(_ source: String, _ destination: String) -> [UInt8] {
    [source, destination].flatMap { path in
        let bytes = Array(path.utf8)
        return bytes + [UInt8](repeating: 0, count: 108 - bytes.count)
    }
}

func replacing(_ bytes: [UInt8], at index: Int, with byte: UInt8) -> [UInt8] {
    var bytes = bytes
    bytes[index] = byte
    return bytes
}

/// Fills the first CRC32C TLV (which must directly follow an INET block) with the right checksum
/// plus `adding`.
func withChecksum(_ bytes: [UInt8], adding: UInt32 = 0) -> [UInt8] {
    let at = 16 + 12 + 3
    let crc = bytes.withUnsafeBytes { CRC32C.checksum($0, zeroing: at) } &+ adding
    var bytes = bytes
    for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
    return bytes
}

func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
}

/// Parses bytes that must hold a complete header.
func complete(_ bytes: [UInt8], maxV2Length: Int = ProxyProtocol.defaultMaxV2Length) throws -> (header: ProxyHeader, consumed: Int) {
    let result = try ProxyProtocol.parse(bytes, maxV2Length: maxV2Length)
    guard case .complete(let header, let consumed) = result else {
        throw GreenroomError(.invalidProxyHeader, "expected a complete header, got \(result)")
    }
    return (header, consumed)
}
