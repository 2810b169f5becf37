#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

@testable import GreenroomCore

@Suite("IPAddress")
struct IPAddressTests {
    /// Text → canonical text. IPv6 rows are RFC 5952's examples (sections 4 and 5) and its rules:
    /// lower case, no leading zeros, the longest run of 2+ zero groups as `::` (the first on a
    /// tie), a single zero group kept, mapped addresses in dotted form.
    static let canonical: [(String, String)] = [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("10.0.0.1", "10.0.0.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"),
        ("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("1::", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("fe80::1", "fe80::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:201", "::ffff:192.0.2.1"),
        ("0:0:0:0:0:ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::1.2.3.4", "::102:304"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ]

    @Test("parses and prints canonically", arguments: canonical)
    func canonicalForm(text: String, expected: String) throws {
        let address = try IPAddress(parsing: text)
        #expect(address.description == expected)
        #expect(try IPAddress(parsing: address.description) == address, "printed form re-parses to the same address")
    }

    /// Text that must be refused, with the code.
    static let invalid: [(String, GreenroomError.Code)] = [
        ("", .invalidIPAddress),
        (" 192.0.2.1", .invalidIPAddress),
        ("192.0.2.1 ", .invalidIPAddress),
        ("192.0.2", .invalidIPAddress),
        ("192.0.2.1.5", .invalidIPAddress),
        ("256.0.0.1", .invalidIPAddress),
        ("1.2.3.256", .invalidIPAddress),
        ("010.0.0.1", .invalidIPAddress),
        ("1.2.3.04", .invalidIPAddress),
        ("00.0.0.0", .invalidIPAddress),
        ("0x7f.0.0.1", .invalidIPAddress),
        ("1..2.3", .invalidIPAddress),
        ("1.2.3.", .invalidIPAddress),
        (".1.2.3", .invalidIPAddress),
        ("1234.1.1.1", .invalidIPAddress),
        ("+1.2.3.4", .invalidIPAddress),
        ("1.2.3.-4", .invalidIPAddress),
        ("127.1", .invalidIPAddress),
        ("2130706433", .invalidIPAddress),
        ("１.2.3.4", .invalidIPAddress),
        ("[::1]", .invalidIPAddress),
        ("::1::", .invalidIPAddress),
        (":::", .invalidIPAddress),
        (":", .invalidIPAddress),
        ("1:2:3:4:5:6:7:8:9", .invalidIPAddress),
        ("1:2:3:4:5:6:7", .invalidIPAddress),
        ("12345::", .invalidIPAddress),
        ("g::", .invalidIPAddress),
        ("1:", .invalidIPAddress),
        (":1", .invalidIPAddress),
        (":1::", .invalidIPAddress),
        ("1::2::3", .invalidIPAddress),
        ("::ffff:1.2.3", .invalidIPAddress),
        ("::ffff:01.2.3.4", .invalidIPAddress),
        ("::ffff:256.2.3.4", .invalidIPAddress),
        ("1:2:3:4:5:6:7:1.2.3.4", .invalidIPAddress),
        ("1:2:3:4:5:6::1.2.3.4", .invalidIPAddress),
        ("1.2.3.4::", .invalidIPAddress),
        ("::1.2.3.4:5", .invalidIPAddress),
        ("1:2:3:4:5:6:7:8::", .invalidIPAddress),
        ("::1:2:3:4:5:6:7:8", .invalidIPAddress),
        ("1:2:3:4::5:6:7:8", .invalidIPAddress),
        (" ::1", .invalidIPAddress),
        ("::1 ", .invalidIPAddress),
        ("fe80::1%eth0", .zoneIDNotAllowed),
        ("fe80::1%1", .zoneIDNotAllowed),
        ("::1%", .zoneIDNotAllowed),
    ]

    @Test("refuses malformed, non-canonical-octal, bracketed and zoned text", arguments: invalid)
    func refuses(text: String, code: GreenroomError.Code) {
        #expect(throws: GreenroomError(code, "")) { try IPAddress(parsing: text) }
        #expect(IPAddress(text) == nil)
    }

    @Test("error reasons quote the text")
    func reasonNamesInput() {
        do {
            _ = try IPAddress(parsing: "10.0.0.300")
            Issue.record("parsed")
        } catch {
            #expect(error.reason.contains("'10.0.0.300'"))
        }
    }

    /// Greenroom's parser and the C library's `inet_pton` agree on every row of both tables
    /// (glibc also refuses leading zeros in IPv4 octets).
    @Test("agrees with inet_pton", arguments: canonical.map(\.0) + invalid.map(\.0))
    func agreesWithInetPton(text: String) {
        var buffer = [UInt8](repeating: 0, count: 16)
        let v4 = inet_pton(AF_INET, text, &buffer) == 1
        let v4Bytes = Array(buffer[0..<4])
        let v6 = inet_pton(AF_INET6, text, &buffer) == 1
        let parsed = IPAddress(text)
        #expect((parsed != nil) == (v4 || v6), "acceptance differs from inet_pton for '\(text)'")
        if let parsed {
            #expect(parsed.bytes == (v4 ? v4Bytes : buffer))
        }
    }

    @Test("IPv4-mapped addresses unmap to IPv4 for trust decisions")
    func mapped() throws {
        let mapped = try IPAddress(parsing: "::ffff:10.1.2.3")
        #expect(mapped.family == .v6)
        #expect(mapped.isIPv4Mapped)
        #expect(mapped.unmapped == (try IPAddress(parsing: "10.1.2.3")))
        #expect(mapped != (try IPAddress(parsing: "10.1.2.3")), "the value keeps its family until unmapped")
        #expect(try IPAddress(parsing: "10.1.2.3").unmapped == (try IPAddress(parsing: "10.1.2.3")))
        #expect(try IPAddress(parsing: "::1").unmapped == .loopbackV6)
        #expect(!(try IPAddress(parsing: "::fffe:10.1.2.3")).isIPv4Mapped)
        #expect(!(try IPAddress(parsing: "1::ffff:10.1.2.3")).isIPv4Mapped)
    }

    @Test("bytes round-trip in network order")
    func bytes() throws {
        let v4 = try IPAddress(parsing: "192.0.2.1")
        #expect(v4.bytes == [192, 0, 2, 1])
        #expect(try IPAddress(bytes: [192, 0, 2, 1]) == v4)
        #expect(v4.ipv4Bits == 0xC000_0201)
        let v6 = try IPAddress(parsing: "2001:db8::ff")
        #expect(v6.bytes == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0xff])
        #expect(try IPAddress(bytes: v6.bytes) == v6)
        #expect(v6.ipv4Bits == nil)
        for count in [0, 3, 5, 15, 17] {
            #expect(throws: GreenroomError(.invalidIPAddress, "")) {
                try IPAddress(bytes: [UInt8](repeating: 1, count: count))
            }
        }
    }

    /// (address, loopback, unspecified, private, link-local, shared, multicast, publicly routable)
    static let classes: [(String, [Bool])] = [
        ("127.0.0.1", [true, false, false, false, false, false, false]),
        ("127.255.255.254", [true, false, false, false, false, false, false]),
        ("::1", [true, false, false, false, false, false, false]),
        ("::ffff:127.0.0.1", [true, false, false, false, false, false, false]),
        ("0.0.0.0", [false, true, false, false, false, false, false]),
        ("::", [false, true, false, false, false, false, false]),
        ("::ffff:0.0.0.0", [false, true, false, false, false, false, false]),
        ("10.0.0.1", [false, false, true, false, false, false, false]),
        ("172.16.0.1", [false, false, true, false, false, false, false]),
        ("172.31.255.255", [false, false, true, false, false, false, false]),
        ("172.32.0.1", [false, false, false, false, false, false, true]),
        ("192.168.1.1", [false, false, true, false, false, false, false]),
        ("fd00::1", [false, false, true, false, false, false, false]),
        ("fc00::1", [false, false, true, false, false, false, false]),
        ("169.254.1.1", [false, false, false, true, false, false, false]),
        ("fe80::1", [false, false, false, true, false, false, false]),
        ("febf::1", [false, false, false, true, false, false, false]),
        ("100.64.0.1", [false, false, false, false, true, false, false]),
        ("100.127.255.255", [false, false, false, false, true, false, false]),
        ("100.128.0.1", [false, false, false, false, false, false, true]),
        ("224.0.0.1", [false, false, false, false, false, true, false]),
        ("ff02::1", [false, false, false, false, false, true, false]),
        ("203.0.113.7", [false, false, false, false, false, false, true]),
        ("2001:db8::1", [false, false, false, false, false, false, true]),
        ("::2", [false, false, false, false, false, false, true]),
    ]

    @Test("classifies addresses", arguments: classes)
    func classification(text: String, expected: [Bool]) throws {
        let address = try IPAddress(parsing: text)
        let actual = [
            address.isLoopback, address.isUnspecified, address.isPrivate, address.isLinkLocal,
            address.isSharedAddressSpace, address.isMulticast, address.isPubliclyRoutable,
        ]
        #expect(actual == expected)
    }

    @Test("Peer prints and unmaps")
    func peer() throws {
        #expect(Peer.ip(try IPAddress(parsing: "192.0.2.1"), port: 4711).description == "192.0.2.1:4711")
        #expect(Peer.ip(try IPAddress(parsing: "2001:db8::1"), port: 443).description == "[2001:db8::1]:443")
        let mapped = Peer.ip(try IPAddress(parsing: "::ffff:192.0.2.1"), port: 80)
        #expect(mapped.description == "192.0.2.1:80")
        #expect(mapped.address == (try IPAddress(parsing: "192.0.2.1")))
        #expect(mapped.port == 80)
        #expect(Peer.unix(path: "/run/app.sock").description == "unix:/run/app.sock")
        #expect(Peer.unix(path: nil).description == "unix")
        #expect(Peer.unix(path: nil).address == nil)
        #expect(Peer.unix(path: nil).port == nil)
    }
}
