import GreenroomCore
import Testing

/// The three topologies are allowed; every other bind is refused with a fix and a rule id.
@Suite struct DeploymentPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var host: String
        var trust: [String]
        var allowPublic = false
        /// The refusal's id, or `nil` when allowed.
        var refusal: RuleID?
        var topology: DeploymentPolicy.Topology?

        var testDescription: String { "\(host) trust=\(trust) public=\(allowPublic)" }

        func configuration() throws -> DeploymentDescription {
            DeploymentDescription(
                bind: .tcp(host: host, port: 8000),
                trust: try TrustedProxies(parsing: trust, allowingEverything: true),
                allowPublic: allowPublic
            )
        }
    }

    static let cases: [Case] = [
        // 1. Local proxy.
        Case(host: "127.0.0.1", trust: ["loopback"], topology: .localProxy),
        Case(host: "::1", trust: ["loopback"], topology: .localProxy),
        Case(host: "127.0.0.2", trust: [], topology: .localProxy),
        Case(host: "localhost", trust: ["loopback", "unix"], topology: .localProxy),
        Case(host: "127.0.0.1", trust: ["loopback"], allowPublic: true, topology: .localProxy),
        // 2. Remote proxy: one private address, the balancer's addresses trusted.
        Case(host: "10.0.0.5", trust: ["10.0.0.2"], topology: .remoteProxy),
        Case(host: "192.168.1.10", trust: ["192.168.1.2", "192.168.1.3"], topology: .remoteProxy),
        Case(host: "fd00::5", trust: ["fd00::2"], topology: .remoteProxy),
        // Not reachable from the internet either: shared address space (a VPC's 100.64/10) and link-local.
        Case(host: "100.64.0.5", trust: ["100.64.0.2"], topology: .remoteProxy),
        Case(host: "169.254.10.5", trust: ["169.254.10.2"], topology: .remoteProxy),
        // 3. Direct.
        Case(host: "0.0.0.0", trust: [], allowPublic: true, topology: .direct),
        Case(host: "::", trust: [], allowPublic: true, topology: .direct),
        Case(host: "203.0.113.5", trust: [], allowPublic: true, topology: .direct),
        // Wildcards while a proxy is trusted.
        Case(host: "0.0.0.0", trust: ["loopback"], refusal: .specWildcardBind),
        Case(host: "::", trust: ["10.0.0.2"], refusal: .specWildcardBind),
        Case(host: "", trust: ["loopback"], refusal: .specWildcardBind),
        Case(host: "*", trust: ["loopback"], refusal: .specWildcardBind),
        Case(host: "::ffff:0.0.0.0", trust: ["loopback"], refusal: .specWildcardBind),
        Case(host: "0.0.0.0", trust: ["loopback"], allowPublic: true, refusal: .specWildcardBind),
        // Non-loopback without --allow-public and without a proxy.
        Case(host: "0.0.0.0", trust: [], refusal: .specPublicBind),
        Case(host: "10.0.0.5", trust: [], refusal: .specPublicBind),
        Case(host: "203.0.113.5", trust: [], refusal: .specPublicBind),
        // A public address behind a proxy.
        Case(host: "203.0.113.5", trust: ["203.0.113.1"], refusal: .specPublicBind),
        Case(host: "2001:db8::5", trust: ["2001:db8::1"], refusal: .specPublicBind),
        // A multicast group is no host's address.
        Case(host: "224.0.0.5", trust: ["10.0.0.2"], refusal: .specPublicBind),
        // A private address trusting a local proxy, or everyone.
        Case(host: "10.0.0.5", trust: ["loopback"], refusal: .specPublicBind),
        Case(host: "10.0.0.5", trust: ["unix"], refusal: .specPublicBind),
        Case(host: "10.0.0.5", trust: ["10.0.0.2", "127.0.0.1"], refusal: .specPublicBind),
        Case(host: "10.0.0.5", trust: ["0.0.0.0/0"], refusal: .specPublicBind),
        // --allow-public and a trusted proxy contradict each other.
        Case(host: "10.0.0.5", trust: ["10.0.0.2"], allowPublic: true, refusal: .specPublicBind),
    ]

    @Test(arguments: cases)
    func bindIsAllowedOrRefused(_ test: Case) throws {
        let configuration = try test.configuration()
        let findings = DeploymentPolicy().violations(of: configuration)
        #expect(findings.map(\.rule) == (test.refusal.map { [$0] } ?? []))
        #expect(DeploymentPolicy.refuses(findings) == (test.refusal != nil))
        if let topology = test.topology { #expect(DeploymentPolicy.topology(of: configuration) == topology) }
    }

    @Test func unixSocketIsAlwaysTheLocalProxyTopology() {
        let configuration = DeploymentDescription(bind: .unix(path: "/run/app.sock"), trust: .loopback)
        #expect(DeploymentPolicy().violations(of: configuration).isEmpty)
        #expect(DeploymentPolicy.topology(of: configuration) == .localProxy)
    }

    @Test func refusalNamesTheAddressAndTheFix() throws {
        let configuration = DeploymentDescription(bind: .tcp(host: "0.0.0.0", port: 8000))
        let finding = try #require(DeploymentPolicy().violations(of: configuration).first)
        #expect(finding.description.contains("0.0.0.0:8000"))
        #expect(finding.description.contains("greenroom generate nginx"))
        #expect(!finding.description.contains("\n"))
    }
}

/// Each bind refusal that has an opt-in names it, and with it becomes a warning; no other
/// refusal is silenced by it.
@Suite struct DeploymentPolicyOptInTests {
    @Test(arguments: [
        ("0.0.0.0", ["loopback"], false, StartupOptIn.wildcardBind, RuleID.specWildcardBind),
        ("::", ["10.0.0.2"], false, .wildcardBind, .specWildcardBind),
        ("198.51.100.5", ["198.51.100.2"], false, .publicBehindProxy, .specPublicBind),
        ("198.51.100.5", ["198.51.100.2"], true, .publicBehindProxy, .specPublicBind),
        ("10.0.0.5", ["0.0.0.0/0"], false, .trustEveryone, .specPublicBind),
    ])
    func optInTurnsTheRefusalIntoAWarning(
        _ host: String,
        _ trust: [String],
        _ allowPublic: Bool,
        _ optIn: StartupOptIn,
        _ id: RuleID
    ) throws {
        var configuration = DeploymentDescription(
            bind: .tcp(host: host, port: 8000),
            trust: try TrustedProxies(parsing: trust, allowingEverything: true),
            allowPublic: allowPublic
        )
        let refused = DeploymentPolicy().violations(of: configuration)
        #expect(refused.map(\.rule) == [id])
        #expect(refused.map(\.optIn) == [optIn])
        #expect(refused.allSatisfy { $0.severity == .error && $0.fix.contains(optIn.flag) })
        #expect(refused.allSatisfy { $0.fix.contains(optIn.specKey) })

        for other in StartupOptIn.allCases where other != optIn { configuration.optIns.insert(other) }
        #expect(
            DeploymentPolicy().violations(of: configuration).map(\.severity) == [.error],
            "another opt-in silenced it"
        )

        configuration.optIns = [optIn]
        let allowed = DeploymentPolicy().violations(of: configuration)
        #expect(allowed.map(\.severity) == [.warning])
        #expect(allowed.allSatisfy { $0.message.hasPrefix("\(optIn.flag) given: ") })
        #expect(!DeploymentPolicy.refuses(allowed), "still refused")
    }

    @Test func localTrustOnAPrivateBindHasNoOptIn() throws {
        var configuration = DeploymentDescription(
            bind: .tcp(host: "10.0.0.5", port: 8000),
            trust: try TrustedProxies(parsing: ["loopback"])
        )
        configuration.optIns = Set(StartupOptIn.allCases)
        #expect(DeploymentPolicy().violations(of: configuration).map(\.severity) == [.error])
    }
}

/// Root, privileged ports and unix socket paths, from facts passed in as values.
@Suite struct DeploymentPolicyHostFactsTests {
    @Test func defaultDeploymentStartsForAnOrdinaryUser() {
        #expect(DeploymentPolicy().violations(of: DeploymentDescription(effectiveUserID: 1000)).isEmpty)
    }

    @Test func rootIsRefusedAndUnknownUserIsNotJudged() {
        let root = DeploymentPolicy().violations(of: DeploymentDescription(effectiveUserID: 0))
        #expect(root.map(\.rule) == [.specRootUser])
        #expect(DeploymentPolicy.refuses(root))
        #expect(DeploymentPolicy().violations(of: DeploymentDescription(effectiveUserID: nil)).isEmpty)
    }

    @Test(arguments: [1, 80, 443, 1023])
    func privilegedPortIsRefused(_ port: Int) {
        let violations = DeploymentPolicy().violations(
            of: DeploymentDescription(bind: .tcp(host: "127.0.0.1", port: port))
        )
        #expect(violations.map(\.rule) == [.specPrivilegedPort])
        #expect(violations.first?.message.contains("\(port)") == true)
    }

    @Test(arguments: [0, 1024, 8000, 65535])
    func unprivilegedPortIsAllowed(_ port: Int) {
        #expect(
            DeploymentPolicy().violations(of: DeploymentDescription(bind: .tcp(host: "127.0.0.1", port: port))).isEmpty
        )
    }

    @Test func everyRefusalIsReportedAtOnceInRuleOrder() {
        let description = DeploymentDescription(bind: .tcp(host: "0.0.0.0", port: 80), effectiveUserID: 0)
        #expect(
            DeploymentPolicy().violations(of: description).map(\.rule) == [
                .specRootUser, .specPrivilegedPort, .specWildcardBind,
            ]
        )
    }

    @Test func exemptionsLeaveOutExactlyTheirRules() {
        let description = DeploymentDescription(bind: .tcp(host: "0.0.0.0", port: 80), effectiveUserID: 0)
        let policy = DeploymentPolicy(exempting: [.specWildcardBind, .specRootUser])
        #expect(policy.violations(of: description).map(\.rule) == [.specPrivilegedPort])
    }

    @Test(arguments: [
        (DeploymentDescription.UnixSocketState.absent, false),
        (.staleSocket, false),
        (.inUse(owner: "owned by pid 42 (nginx)"), true),
        (.pathTooLong(maximum: 107), true),
        (.notASocket, true),
    ])
    func unixSocketPathThatIsTakenIsRefused(_ state: DeploymentDescription.UnixSocketState, _ refused: Bool) {
        let description = DeploymentDescription(
            bind: .unix(path: "/run/app/app.sock"),
            trust: .loopback,
            unixSocket: state
        )
        let violations = DeploymentPolicy().violations(of: description)
        #expect(violations.map(\.rule) == (refused ? [.liveAddressInUse] : []))
    }

    @Test func violationPrintsMessageFixAndRuleOnOneLine() {
        let violation = PolicyViolation(rule: .specWildcardBind, message: "refusing x", fix: "do y")
        #expect(violation.description == "greenroom: refusing x; do y [GR001]")
    }
}
