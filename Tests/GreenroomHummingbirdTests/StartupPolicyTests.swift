#if Hummingbird
import GreenroomHummingbird
import GreenroomServer
import Hummingbird
import Testing

/// `greenroom serve`'s start-up policy, applied to a Hummingbird app's address before it listens.
@Suite struct StartupPolicyTests {
    static let user: UInt32 = 1000

    @Test func wildcardBindWhileTrustingAProxyIsRefusedWithItsRule() throws {
        let violations = try GreenroomOptions().startupViolations(
            address: .hostname("0.0.0.0", port: 8000),
            effectiveUserID: Self.user
        )
        #expect(violations.map(\.rule) == [.specWildcardBind])
        #expect(throws: DeploymentPolicyRefusal.self) {
            try GreenroomOptions().checkStartup(address: .hostname("0.0.0.0", port: 8000), effectiveUserID: Self.user)
        }
    }

    @Test func applicationInitRefusesBeforeTheAppExists() {
        do {
            _ = try Application(
                router: testRouter(),
                greenroom: GreenroomOptions(),
                configuration: .init(address: .hostname("::", port: 8000))
            )
            Issue.record("a wildcard bind was accepted")
        } catch let refusal as DeploymentPolicyRefusal {
            #expect(refusal.violations.map(\.rule).contains(.specWildcardBind))
            #expect(refusal.description.contains("[GR001]"), "\(refusal)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func loopbackBindByAnUnprivilegedUserStarts() throws {
        #expect(try GreenroomOptions().checkStartup(address: .hostname(), effectiveUserID: Self.user).isEmpty)
    }

    @Test func rootAndPrivilegedPortsAreRefused() throws {
        let rules = try GreenroomOptions().startupViolations(
            address: .hostname("127.0.0.1", port: 80),
            effectiveUserID: 0
        )
        .map(\.rule)
        #expect(rules == [.specRootUser, .specPrivilegedPort])
    }

    @Test func optInTurnsTheRefusalIntoAWarning() throws {
        let options = GreenroomOptions(optIns: [.wildcardBind])
        let warnings = try options.checkStartup(address: .hostname("0.0.0.0", port: 8000), effectiveUserID: Self.user)
        #expect(warnings.map(\.rule) == [.specWildcardBind])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func directServingWithNobodyTrustedMayBindTheWildcard() throws {
        let options = GreenroomOptions(trustedProxies: .none, allowPublic: true)
        #expect(try options.checkStartup(address: .hostname("0.0.0.0", port: 8000), effectiveUserID: Self.user).isEmpty)
    }

    /// Hummingbird resolves a host name (`0` is 0.0.0.0, a DNS name is anything) after the check:
    /// the policy judges addresses, so a name is refused before it can bind every interface.
    @Test(arguments: ["0", "example.com", "localhost.", "0x0"])
    func aHostThatIsNotAnIPAddressIsRefused(host: String) {
        #expect {
            try GreenroomOptions().checkStartup(address: .hostname(host, port: 8000), effectiveUserID: Self.user)
        } throws: { error in
            error is ConfigurationError && "\(error)".contains("'\(host)' is not an IP address")
        }
        #expect(throws: ConfigurationError.self) {
            _ = try Application(
                router: testRouter(),
                greenroom: GreenroomOptions(),
                configuration: .init(address: .hostname(host, port: 8000))
            )
        }
    }

    @Test func hummingbirdsAddressIsRead() {
        #expect(BindTarget(.hostname("10.0.0.5", port: 9000)) == .tcp(host: "10.0.0.5", port: 9000))
        #expect(BindTarget(.hostname()) == .tcp(host: "127.0.0.1", port: 8080))
        #expect(BindTarget(.unixDomainSocket(path: "/run/app.sock")) == .unix(path: "/run/app.sock"))
    }

    @Test func badFlagsNameTheFlag() {
        for (arguments, flag) in [
            ((["10.0.0.0/33"], "off", "x-forwarded"), "--trust:"),
            ((["loopback"], "maybe", "x-forwarded"), "--proxy-protocol:"),
            ((["loopback"], "off", "x-real-ip"), "--forwarded-headers:"),
        ] {
            #expect {
                try GreenroomOptions(trust: arguments.0, proxyProtocol: arguments.1, forwardedHeaders: arguments.2)
            } throws: { error in
                "\(error)".hasPrefix(flag)
            }
        }
    }
}
#endif
