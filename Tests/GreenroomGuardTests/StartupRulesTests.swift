import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

/// The rules `greenroom serve` runs before it binds.
@Suite struct StartupRulesTests {
    typealias P = ProcFixtures

    static func system(_ tcp: [String] = [], tcp6: [String] = []) -> FakeSystem {
        var system = FakeSystem()
        system.texts["/proc/net/tcp"] = P.tcpHeader + P.noise + tcp.joined()
        system.texts["/proc/net/tcp6"] = P.tcp6Header + tcp6.joined()
        system.interfaces = FakeSystem.interfaces
        system.process(901, "python3", uid: 1000, inodes: [6001])
        return system
    }

    static func settings(
        _ host: String,
        _ port: Int = 8000,
        trust: [String] = ["loopback"]
    ) throws -> DeploymentDescription {
        DeploymentDescription(
            bind: .tcp(host: host, port: port),
            trust: try TrustedProxies(parsing: trust, allowingEverything: true)
        )
    }

    @Test func aFreeLoopbackPortIsFine() throws {
        #expect(StartupRules.findings(for: try Self.settings("127.0.0.1"), system: Self.system()).isEmpty)
        // `serve --port 0` picks a free port: fine for flags, though a spec may not say 0.
        #expect(StartupRules.findings(for: try Self.settings("127.0.0.1", 0), system: Self.system()).isEmpty)
    }

    @Test(arguments: [
        ("127.0.0.1", "0100007F:1F40", true),
        ("127.0.0.1", "00000000:1F40", true),
        ("0.0.0.0", "0100007F:1F40", true),
        ("127.0.0.2", "0100007F:1F40", false),
        ("127.0.0.1", "0100007F:1F41", false),
    ])
    func somethingAlreadyListening(_ host: String, _ local: String, _ taken: Bool) throws {
        let system = Self.system([P.tcp(0, local, uid: 1000, inode: 6001)])
        let findings = StartupRules.findings(for: try Self.settings(host), system: system).filter {
            $0.rule.description == "GR090"
        }
        #expect(findings.count == (taken ? 1 : 0))
        if taken {
            #expect(findings[0].severity == .error)
            #expect(findings[0].message.contains("is taken: python3 (pid 901) already listens on"))
        }
    }

    @Test func ipv6ConflictsFollowTheKernel() throws {
        let wildcard6 = Self.system(tcp6: [P.tcp6(0, "00000000000000000000000000000000:1F40", uid: 1000, inode: 6001)])
        #expect(
            StartupRules.findings(for: try Self.settings("127.0.0.1"), system: wildcard6).map(\.rule.description) == [
                "GR090"
            ]
        )
        let loopback6 = Self.system(tcp6: [P.tcp6(0, "00000000000000000000000001000000:1F40", uid: 1000, inode: 6001)])
        #expect(StartupRules.findings(for: try Self.settings("127.0.0.1"), system: loopback6).isEmpty)
        #expect(
            StartupRules.findings(for: try Self.settings("::1"), system: loopback6).map(\.rule.description) == ["GR090"]
        )
    }

    @Test func anAddressThisHostDoesNotHave() throws {
        let findings = StartupRules.findings(
            for: try Self.settings("10.9.9.9", trust: ["10.9.9.1"]),
            system: Self.system()
        )
        #expect(findings.map(\.rule.description) == ["GR092"])
        #expect(findings[0].severity == .error)
        let own = StartupRules.findings(for: try Self.settings("fd00::2", trust: ["fd00::1"]), system: Self.system())
        #expect(own.isEmpty, "\(own)")
    }

    @Test func theSpecRulesJudgeTheFlags() throws {
        let halves = StartupRules.findings(
            for: try Self.settings("127.0.0.1", trust: ["0.0.0.0/1", "128.0.0.0/1"]),
            system: Self.system()
        )
        #expect(
            Set(halves.map(\.rule.description)) == ["GR003"]
                && halves.allSatisfy { $0.severity == .error && $0.location == nil }
        )
        #expect(halves.allSatisfy { $0.message.hasPrefix("--trust: ") }, "flags are named as flags: \(halves)")
        let network = StartupRules.findings(
            for: try Self.settings("127.0.0.1", trust: ["loopback", "10.0.0.0/8"]),
            system: Self.system()
        )
        #expect(network.map(\.rule.description) == ["GR004"] && network[0].severity == .warning)
        // A unix socket trusting loopback: the proxy will not be believed, a warning for flags.
        let unix = DeploymentDescription(bind: .unix(path: "/run/app.sock"), trust: .loopback)
        let mismatch = StartupRules.findings(for: unix, system: Self.system())
        #expect(mismatch.map(\.rule.description) == ["GR007"] && mismatch[0].severity == .warning)
    }

    /// What the server itself refuses is not reported twice.
    @Test func theServersOwnRulesAreLeftToIt() throws {
        let findings = StartupRules.findings(for: try Self.settings("0.0.0.0", 80), system: Self.system())
        #expect(findings.filter { DeploymentPolicy.rules.contains($0.rule) }.isEmpty)
        #expect(!StartupRules.ruleIDs.contains(.specWildcardBind) && !StartupRules.ruleIDs.contains(.liveAddressInUse))
    }

    @Test func aSpecIsCheckedWithItsLocations() throws {
        let spec = try DeploymentSpec.parse(yaml: "app:\n  hops: 3\n", file: "/etc/greenroom/greenroom.yml")
        let findings = StartupRules.findings(for: try Self.settings("127.0.0.1"), spec: spec, system: Self.system())
        #expect(findings.map(\.rule.description) == ["GR013"])
        #expect(findings[0].location?.description == "/etc/greenroom/greenroom.yml:2:9")
    }

    @Test func policyAndGuardRulesRunTogetherAndNoGuardNamesWhatItSkips() throws {
        let wildcard = DeploymentDescription(bind: .tcp(host: "0.0.0.0", port: 8000), effectiveUserID: 1000)
        let refused = StartupRules.evaluate(wildcard, system: Self.system())
        #expect(refused.findings.first?.rule == .specWildcardBind)
        #expect(refused.refusesToStart)
        #expect(StartupRules.line(refused.findings[0]).hasSuffix("[GR001]"))
        let skipped = StartupRules.evaluate(wildcard, skipping: true, system: Self.system())
        #expect(skipped.findings.isEmpty)
        #expect(skipped.skipped.map(\.description).prefix(3) == ["GR001", "GR002", "GR090"])
        var root = wildcard
        root.effectiveUserID = 0
        #expect(
            StartupRules.evaluate(root, skipping: true, system: Self.system()).findings.map(\.rule) == [.specRootUser]
        )
    }

    @Test func flagsBecomeASpec() throws {
        let spec = StartupRules.spec(
            for: DeploymentDescription(
                bind: .tcp(host: "[::1]", port: 9000),
                trust: .loopback,
                proxyProtocol: .required,
                hops: 1
            )
        )
        #expect(spec.app.listen == .tcp(host: .loopbackV6, port: 9000))
        #expect(spec.app.proxyProtocol == .v1 && spec.app.hops == 1 && spec.proxy.kind == .nginx)
        let direct = StartupRules.spec(
            for: DeploymentDescription(bind: .tcp(host: "*", port: 8080), trust: .none, allowPublic: true)
        )
        #expect(direct.app.listen == .tcp(host: .anyV4, port: 8080) && direct.proxy.kind == .none)
        #expect(SpecChecker(spec: direct, locate: { _ in nil }).check().isEmpty)
    }
}
