import Testing

@testable import GreenroomCore

@Suite("CIDR")
struct CIDRTests {
    /// Text → canonical text.
    static let valid: [(String, String)] = [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("192.0.2.1", "192.0.2.1/32"),
        ("192.0.2.1/32", "192.0.2.1/32"),
        ("192.0.2.0/24", "192.0.2.0/24"),
        ("10.0.0.0/7", "10.0.0.0/7"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("128.0.0.0/1", "128.0.0.0/1"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("2001:DB8::/32", "2001:db8::/32"),
        ("2001:0db8:0000::/48", "2001:db8::/48"),
        ("fe80::/10", "fe80::/10"),
        ("::/0", "::/0"),
        ("::1", "::1/128"),
        ("::1/128", "::1/128"),
        ("8000::/1", "8000::/1"),
        // IPv4-mapped blocks become IPv4 blocks.
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::ffff:192.0.2.1", "192.0.2.1/32"),
        ("::ffff:192.0.2.1/128", "192.0.2.1/32"),
        ("::ffff:0:0/96", "0.0.0.0/0"),
    ]

    @Test("parses and prints canonically", arguments: valid)
    func parses(text: String, expected: String) throws {
        let cidr = try CIDR(parsing: text)
        #expect(cidr.description == expected)
        #expect(try CIDR(parsing: cidr.description) == cidr, "printed form re-parses to the same block")
        #expect(CIDR(expected) == cidr)
    }

    static let invalid: [String] = [
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
        "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.0/1000", "10.0.0.0/8 ", "10.0.0.0/x", "::/129", "::/0128",
        "fe80::%eth0/64", "fe80::1%eth0", "[::1]/128", "010.0.0.0/8", "10.0.0/8",
        // Host bits set: a typo, not a network.
        "10.0.0.1/8", "192.0.2.1/24", "11.0.0.0/7", "2001:db8::1/32", "::1/127", "::ffff:0:0/95",
        "::ffff:10.0.0.1/104", "128.0.0.0/0",
    ]

    @Test("refuses malformed blocks and host bits", arguments: invalid)
    func refuses(text: String) {
        #expect(throws: GreenroomError(.invalidCIDR, "")) { try CIDR(parsing: text) }
        #expect(CIDR(text) == nil)
    }

    @Test("a host-bits error suggests the network")
    func hostBitsSuggestion() {
        do {
            _ = try CIDR(parsing: "10.1.2.3/8")
            Issue.record("parsed")
        } catch {
            #expect(error.reason.contains("10.0.0.0/8"))
            #expect(error.reason.contains("10.1.2.3/32"))
        }
    }

    /// (block, address, contained). Edge cases after swift-certificates' IPAddressTests: every
    /// byte boundary, odd prefix lengths, /0, /32, /128, cross-family and mapped addresses.
    static let membership: [(String, String, Bool)] = [
        ("17.0.0.0/8", "17.250.78.1", true),
        ("17.250.0.0/16", "17.250.78.1", true),
        ("17.250.78.0/24", "17.250.78.1", true),
        ("17.250.78.1/32", "17.250.78.1", true),
        ("17.0.0.0/8", "18.250.78.1", false),
        ("17.250.78.2/32", "17.250.78.1", false),
        ("0.0.0.0/1", "17.250.78.1", true),
        ("128.0.0.0/1", "17.250.78.1", false),
        ("17.254.0.0/15", "17.255.78.1", true),
        ("17.254.0.0/16", "17.255.78.1", false),
        ("10.0.0.0/7", "11.255.255.255", true),
        ("10.0.0.0/7", "12.0.0.0", false),
        ("10.0.0.0/7", "9.255.255.255", false),
        ("0.0.0.0/0", "17.250.78.1", true),
        ("0.0.0.0/0", "255.255.255.255", true),
        ("0.0.0.0/0", "::ffff:1.2.3.4", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("8000::/1", "17.250.78.1", false),
        ("254.128.0.0/9", "fe80::", false),
        ("fe80::/64", "fe80::8d:f7d:79c5:5719", true),
        ("fe80::8d:0:0:0/80", "fe80::8d:f7d:79c5:5719", true),
        ("fe80::8d:f7d:0:0/96", "fe80::8d:f7d:79c5:5719", true),
        ("fe80::8d:f7d:79c5:0/112", "fe80::8d:f7d:79c5:5719", true),
        ("fe80::8d:f7d:79c5:5719/128", "fe80::8d:f7d:79c5:5719", true),
        ("fe81::/64", "fe80::8d:f7d:79c5:5719", false),
        ("fe80::8d:f7d:79c5:5719/128", "fe80::8d:f7d:79d5:5719", false),
        ("fe80::/15", "fe81::1", true),
        ("fe80::/16", "fe81::1", false),
        ("::/0", "fe80::8d:f7d:79c5:5719", true),
        ("::/0", "17.250.78.1", false),
        ("::/0", "::ffff:17.250.78.1", false),
        ("10.0.0.0/8", "::ffff:10.1.2.3", true),
        ("::ffff:10.0.0.0/104", "10.1.2.3", true),
        ("::ffff:10.0.0.0/104", "::ffff:10.1.2.3", true),
        ("::ffff:10.0.0.0/104", "11.1.2.3", false),
        ("::1/128", "::1", true),
        ("::1/128", "127.0.0.1", false),
    ]

    @Test("membership", arguments: membership)
    func contains(block: String, address: String, expected: Bool) throws {
        #expect(try CIDR(parsing: block).contains(try IPAddress(parsing: address)) == expected)
    }

    @Test("block containment")
    func containsBlock() throws {
        let ten = try CIDR(parsing: "10.0.0.0/8")
        #expect(ten.contains(try CIDR(parsing: "10.1.0.0/16")))
        #expect(ten.contains(ten))
        #expect(!(try CIDR(parsing: "10.1.0.0/16")).contains(ten))
        #expect(!ten.contains(try CIDR(parsing: "11.0.0.0/16")))
        #expect(!(try CIDR(parsing: "::/0")).contains(ten))
        #expect(try CIDR(parsing: "0.0.0.0/0").contains(ten))
    }

    @Test("size and everything-blocks")
    func sizes() throws {
        #expect(try CIDR(parsing: "10.0.0.0/8").addressCount == 1 << 24)
        #expect(try CIDR(parsing: "192.0.2.1").addressCount == 1)
        #expect(try CIDR(parsing: "0.0.0.0/0").addressCount == 1 << 32)
        #expect(try CIDR(parsing: "2001:db8::/64").addressCount == UInt128(1) << 64)
        #expect(try CIDR(parsing: "::/0").addressCount == .max)
        #expect(try CIDR(parsing: "0.0.0.0/0").matchesEverything)
        #expect(try CIDR(parsing: "::/0").matchesEverything)
        #expect(try CIDR(parsing: "::ffff:0:0/96").matchesEverything)
        #expect(!(try CIDR(parsing: "0.0.0.0/1")).matchesEverything)
    }

    @Test("the programmatic initialiser checks the prefix length")
    func programmatic() throws {
        let address = try IPAddress(parsing: "10.0.0.0")
        #expect(try CIDR(network: address, prefixLength: 8).description == "10.0.0.0/8")
        for length in [-1, 33] {
            #expect(throws: GreenroomError(.invalidCIDR, "")) { try CIDR(network: address, prefixLength: length) }
        }
        #expect(throws: GreenroomError(.invalidCIDR, "")) { try CIDR(network: .anyV6, prefixLength: 129) }
        #expect(CIDR(try IPAddress(parsing: "::ffff:1.2.3.4")).description == "1.2.3.4/32")
    }
}
