import Testing

@testable import GreenroomCore

@Suite("TrustedProxies")
struct TrustedProxiesTests {
    /// Entry text → printed entry.
    static let entries: [(String, String)] = [
        ("loopback", "loopback"),
        ("LOOPBACK", "loopback"),
        ("localhost", "loopback"),
        ("unix", "unix"),
        ("Unix", "unix"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.1/32", "192.0.2.1"),
        ("2001:DB8::/32", "2001:db8::/32"),
        ("::1", "::1"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
    ]

    @Test("parses entries and prints them back", arguments: entries)
    func entry(text: String, printed: String) throws {
        let entry = try TrustedProxies.Entry(parsing: text)
        #expect(entry.description == printed)
        #expect(try TrustedProxies.Entry(parsing: entry.description) == entry)
    }

    static let everything: [String] = [
        "*", "all", "any", "ANY", "everyone", "everything", "0.0.0.0/0", "::/0", "::ffff:0:0/96", "::ffff:0.0.0.0/96",
    ]

    @Test("refuses entries that trust every address unless allowed", arguments: everything)
    func refusesEverything(text: String) throws {
        #expect(throws: GreenroomError(.trustAllRefused, "")) { try TrustedProxies.Entry(parsing: text) }
        #expect(throws: GreenroomError(.trustAllRefused, "")) { try TrustedProxies(parsing: [text]) }
        let allowed = try TrustedProxies(parsing: [text], allowingEverything: true)
        #expect(allowed.trustsEveryone)
    }

    @Test("'*' with opt-in trusts IPv4 and IPv6 peers alike")
    func starTrustsBothFamilies() throws {
        for word in ["*", "all", "any", "everyone", "everything"] {
            let all = try TrustedProxies(parsing: [word], allowingEverything: true)
            #expect(all.trusts(try IPAddress(parsing: "203.0.113.7")), "\(word) trusts IPv4")
            #expect(all.trusts(try IPAddress(parsing: "2001:db8::1")), "\(word) trusts IPv6")
            #expect(!all.trusts(Peer.unix(path: nil)), "\(word) does not imply unix")
        }
    }

    static let invalid: [String] = [
        "", "foo", "10.0.0.1/8", "10.0.0.0/33", "fe80::1%eth0", "loopback6", "unix:/run/x.sock", "10.0.0.0/8,",
        " 10.0.0.0/8",
    ]

    @Test("refuses entries that are not CIDRs, addresses or words", arguments: invalid)
    func refusesInvalid(text: String) {
        #expect(throws: GreenroomError(.invalidTrustEntry, "")) { try TrustedProxies.Entry(parsing: text) }
    }

    @Test("the list parser trims whitespace and refuses empty entries")
    func listParsing() throws {
        let set = try TrustedProxies(parsing: [" loopback ", "\t10.0.0.0/8"])
        #expect(set.entries == [.loopback, .cidr(try CIDR(parsing: "10.0.0.0/8"))])
        #expect(throws: GreenroomError(.invalidTrustEntry, "")) { try TrustedProxies(parsing: ["loopback", " "]) }
        #expect(throws: GreenroomError(.invalidTrustEntry, "")) { try TrustedProxies(parsing: ["10.0.0.1/8"]) }
    }

    @Test("duplicates are removed, order is kept")
    func duplicates() throws {
        let set = try TrustedProxies(parsing: ["10.0.0.0/8", "loopback", "10.0.0.0/8", "localhost", "::ffff:10.0.0.0/104"])
        #expect(set.description == "10.0.0.0/8, loopback")
        #expect(set == (try TrustedProxies(parsing: ["10.0.0.0/8", "loopback"])))
    }

    /// (trust list, peer, trusted, matching entry)
    static let membership: [([String], String, Bool, String?)] = [
        (["loopback"], "127.0.0.1", true, "loopback"),
        (["loopback"], "127.255.255.254", true, "loopback"),
        (["loopback"], "::1", true, "loopback"),
        (["loopback"], "::ffff:127.0.0.1", true, "loopback"),
        (["loopback"], "128.0.0.1", false, nil),
        (["loopback"], "::2", false, nil),
        (["loopback"], "10.0.0.1", false, nil),
        (["loopback"], "unix", false, nil),
        (["unix"], "unix", true, "unix"),
        (["unix"], "127.0.0.1", false, nil),
        (["loopback", "unix"], "unix", true, "unix"),
        (["10.0.0.0/8"], "10.255.255.255", true, "10.0.0.0/8"),
        (["10.0.0.0/8"], "::ffff:10.0.0.9", true, "10.0.0.0/8"),
        (["10.0.0.0/8"], "11.0.0.0", false, nil),
        (["10.0.0.0/8"], "127.0.0.1", false, nil),
        (["192.0.2.1"], "192.0.2.1", true, "192.0.2.1"),
        (["192.0.2.1"], "192.0.2.2", false, nil),
        (["2001:db8::/32"], "2001:db8:ffff::1", true, "2001:db8::/32"),
        (["2001:db8::/32"], "2001:db9::1", false, nil),
        (["2001:db8::/32"], "32.1.13.184", false, nil),
        // The first matching entry, in the order given, explains the decision.
        (["10.0.0.0/8", "10.1.0.0/16"], "10.1.2.3", true, "10.0.0.0/8"),
        (["10.1.0.0/16", "10.0.0.0/8"], "10.1.2.3", true, "10.1.0.0/16"),
        (["10.1.0.0/16", "10.0.0.0/8"], "10.2.2.3", true, "10.0.0.0/8"),
        (["loopback", "::/1"], "::1", true, "loopback"),
        ([], "127.0.0.1", false, nil),
        ([], "unix", false, nil),
    ]

    @Test("membership and the entry that explains it", arguments: membership)
    func trusts(list: [String], peerText: String, trusted: Bool, entry: String?) throws {
        let set = try TrustedProxies(parsing: list)
        let peer: Peer = peerText == "unix" ? .unix(path: "/run/app.sock") : .ip(try IPAddress(parsing: peerText), port: 1)
        #expect(set.trusts(peer) == trusted)
        #expect(set.matchingEntry(for: peer)?.description == entry)
        if let address = peer.address {
            #expect(set.trusts(address) == trusted)
            #expect(set.matchingEntry(for: address)?.description == entry)
        }
    }

    @Test("the predefined sets")
    func predefined() throws {
        #expect(TrustedProxies.none.isEmpty)
        #expect(TrustedProxies.none.description == "nobody")
        #expect(!TrustedProxies.none.trusts(IPAddress.loopbackV4))
        #expect(TrustedProxies.loopback.description == "loopback")
        #expect(TrustedProxies.loopback.trusts(IPAddress.loopbackV4))
        #expect(TrustedProxies.loopback.trusts(IPAddress.loopbackV6))
        #expect(!TrustedProxies.loopback.trustsEveryone)
        #expect(!TrustedProxies.loopback.trustsUnixPeers)
        #expect(try TrustedProxies(parsing: ["loopback", "unix"]).trustsUnixPeers)
        #expect(try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]).description == "loopback, 10.0.0.0/8")
    }
}
