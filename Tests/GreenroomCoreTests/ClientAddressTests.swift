import GreenroomCore
import Testing

@Suite("ClientAddress and TrustChain")
struct ClientAddressTests {
    @Test func jsonHasTheContractFieldsInOrder() {
        let result = ForwardedResolver().resolve(
            peer: localPeer,
            headers: [("Host", "example.com"), xff("[2001:db8::7]:4711"), ("X-Forwarded-Proto", "https")]
        )
        #expect(
            result.json
                == #"{"client":"2001:db8::7","client_port":4711,"peer":"127.0.0.1","scheme":"https","host":"example.com","port":null,"prefix":null,"via":"x-forwarded-for","chain":["127.0.0.1"],"decision":"untrusted-hop"}"#
        )
    }

    @Test func jsonEscapesStrings() {
        #expect(JSON.string("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }

    @Test func descriptionBracketsIPv6() {
        let result = ForwardedResolver().resolve(peer: .ip(.loopbackV6, port: 9), headers: [])
        #expect(result.description == "[::1]:9")
    }

    @Test func chainKeepsTheNearestHopsAndCountsAll() {
        var chain = TrustChain()
        for index in 0..<7 { chain.append(.init(address: IPAddress(ipv4: UInt32(index)), port: UInt16(index))) }
        #expect(chain.count == TrustChain.storageCapacity)
        #expect(chain.totalCount == 7)
        #expect(chain.omittedCount == 3)
        #expect(chain.map { $0.port } == [0, 1, 2, 3])
        chain.truncate(to: 5)
        #expect(chain.totalCount == 5)
        #expect(chain.map { $0.port } == [0, 1, 2, 3])
        chain.truncate(to: 2)
        #expect(chain.count == 2)
        #expect(chain.totalCount == 2)
        #expect(
            chain
                == TrustChain([
                    .init(address: IPAddress(ipv4: 0), port: 0), .init(address: IPAddress(ipv4: 1), port: 1),
                ])
        )
    }

    @Test(
        arguments: [
            ("127.0.0.1", "127.0.0.1", nil), ("127.0.0.1:80", "127.0.0.1", 80), ("[::1]:443", "::1", 443),
            ("::1", "::1", nil), ("::ffff:10.0.0.1", "10.0.0.1", nil),
        ] as [(String, String, UInt16?)]
    )
    func peerParsing(_ text: String, _ address: String, _ port: UInt16?) throws {
        let peer = try Peer(parsing: text)
        #expect(peer.address == IPAddress(address))
        #expect(peer.port == port)
    }

    @Test(arguments: ["", "nope", "1.2.3.4:99999", "[::1", "fe80::1%eth0", "1.2.3"])
    func badPeers(_ text: String) {
        #expect(throws: GreenroomError.self) { try Peer(parsing: text) }
    }
}
