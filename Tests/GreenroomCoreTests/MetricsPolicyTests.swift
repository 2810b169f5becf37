import GreenroomCore
import Testing

/// GR093: the metrics endpoint listens on loopback only, in every topology, with no opt-in.
@Suite struct MetricsPolicyTests {
    static func violations(
        app: BindTarget,
        metrics: BindTarget?,
        trust: [String] = [],
        allowPublic: Bool = false
    )
        throws -> [PolicyViolation]
    {
        var description = DeploymentDescription(
            bind: app,
            trust: try TrustedProxies(parsing: trust),
            allowPublic: allowPublic,
            optIns: Set(StartupOptIn.allCases)
        )
        description.metricsBind = metrics
        return DeploymentPolicy().violations(of: description).filter { $0.rule == .specMetricsNotLoopback }
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.2", "::1", "localhost", "::ffff:127.0.0.1"])
    func loopbackMetricsAreAllowed(_ host: String) throws {
        #expect(
            try Self.violations(app: .tcp(host: "127.0.0.1", port: 8000), metrics: .tcp(host: host, port: 9100)).isEmpty
        )
    }

    @Test func noMetricsNoViolation() throws {
        #expect(try Self.violations(app: .tcp(host: "10.0.0.5", port: 8000), metrics: nil, trust: ["10.0.0.2"]).isEmpty)
    }

    @Test(arguments: ["10.0.0.5", "0.0.0.0", "::", "", "*", "192.0.2.1", "fd00::5", "not-an-address"])
    func anyOtherMetricsAddressIsRefusedNamingIt(_ host: String) throws {
        // Every topology the app may have, every opt-in given: none lifts GR093.
        let found = try Self.violations(
            app: .tcp(host: "10.0.0.5", port: 8000),
            metrics: .tcp(host: host, port: 9100),
            trust: ["10.0.0.2"]
        )
        #expect(found.count == 1)
        #expect(found.first?.severity == .error)
        #expect(found.first?.optIn == nil)
        #expect(found.first?.message.contains("\(BindTarget.tcp(host: host, port: 9100))") == true, "\(found)")
        #expect(DeploymentPolicy.refuses(found))
    }

    @Test func aUnixMetricsTargetIsRefusedToo() throws {
        let found = try Self.violations(app: .unix(path: "/run/app.sock"), metrics: .unix(path: "/run/metrics.sock"))
        #expect(found.map(\.rule) == [.specMetricsNotLoopback])
    }

    @Test func theRuleIsThePolicysAndNotSkippable() {
        #expect(DeploymentPolicy.rules.contains(.specMetricsNotLoopback))
        #expect(!DeploymentPolicy.skippableRules.contains(.specMetricsNotLoopback))
        #expect(RuleID.specMetricsNotLoopback.description == "GR093")
    }
}
