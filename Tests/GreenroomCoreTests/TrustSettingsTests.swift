import Testing

@testable import GreenroomCore

@Suite("TrustSettings: the trust flags of serve and explain")
struct TrustSettingsTests {
    @Test("nothing given: every value stays unset and the resolver has the defaults")
    func defaults() throws {
        let settings = try TrustSettings()
        #expect(settings.trustedProxies == nil)
        #expect(settings.forwardedHeaders == nil)
        #expect(settings.authoritativeHeaders == nil)
        #expect(settings.hops == nil)
        #expect(settings.resolver == ForwardedResolver())
    }

    @Test("every flag reaches the resolver")
    func everyFlag() throws {
        let settings = try TrustSettings(
            trust: ["10.0.0.0/8", "unix"],
            forwardedHeaders: .both,
            authoritativeHeaders: .forwarded,
            hops: 3
        )
        let expected = try TrustedProxies(parsing: ["10.0.0.0/8", "unix"])
        #expect(settings.trustedProxies == expected)
        #expect(
            settings.resolver
                == ForwardedResolver(trusted: expected, policy: .both, mode: .hops(3), authoritative: .forwarded)
        )
    }

    @Test("--trust none trusts nobody; 'none' among other entries is an error")
    func none() throws {
        #expect(try TrustSettings(trust: ["none"]).trustedProxies == TrustedProxies.none)
        #expect(try TrustSettings(trust: ["none"]).resolver.trusted.isEmpty)
        #expect(throws: FlagError.self) { try TrustSettings(trust: ["none", "loopback"]) }
    }

    @Test("--trust-all-i-know lets entries that match everyone through, and only then")
    func trustEverything() throws {
        let error = #expect(throws: FlagError.self) { try TrustSettings(trust: ["0.0.0.0/0"]) }
        #expect(error?.flag == "--trust")
        #expect(error?.message.hasPrefix("--trust: trust entry '0.0.0.0/0' trusts every address") == true)
        #expect(error?.message.hasSuffix("(or pass --trust-all-i-know if you really mean it)") == true)
        let star = try TrustSettings(trust: ["*"], trustEverything: true)
        #expect(star.trustedProxies?.trustsEveryone == true)
        #expect(star.resolver.trusted.trusts(IPAddress("2001:db8::1")!))
    }

    static let badTrust: [(String, String)] = [
        (
            "10.0.0.0/33",
            "--trust: trust entry '10.0.0.0/33' is not a CIDR block, an address, 'loopback' or 'unix' "
        ),
        (
            "proxy.example",
            "--trust: trust entry 'proxy.example' is not a CIDR block, an address, 'loopback' or 'unix' "
        ),
        ("", "--trust: empty trust entry"),
    ]

    @Test("a bad --trust entry names the flag and the entry", arguments: badTrust)
    func badTrustEntry(entry: String, messageStart: String) {
        let error = #expect(throws: FlagError.self) { try TrustSettings(trust: ["loopback", entry]) }
        #expect(error?.flag == "--trust")
        #expect(error?.message.hasPrefix(messageStart) == true, "\(String(describing: error))")
    }

    @Test("--hops takes 1...64, the most hops the resolver reads", arguments: [1, 2, 64])
    func hopsInRange(hops: Int) throws {
        #expect(try TrustSettings(hops: hops).resolver.mode == .hops(hops))
    }

    @Test("--hops outside 1...64 names the flag", arguments: [0, -1, 65, Int.max])
    func hopsOutOfRange(hops: Int) {
        let error = #expect(throws: FlagError.self) { try TrustSettings(hops: hops) }
        #expect(error == FlagError("--hops", "\(hops) is out of range 1...64"))
    }
}
