import GreenroomCore
import Testing

/// The cluster topology: accepted only when told it runs in a pod, binding the pod's private
/// address and trusting exactly specific private ranges.
@Suite struct ClusterPolicyTests {
    static func describe(
        _ host: String,
        _ trust: [String],
        cluster: Bool = true,
        allowPublic: Bool = false
    ) throws
        -> DeploymentDescription
    {
        var description = DeploymentDescription(
            bind: .tcp(host: host, port: 8000),
            trust: try TrustedProxies(parsing: trust, allowingEverything: true),
            allowPublic: allowPublic,
            optIns: Set(StartupOptIn.allCases)  // no opt-in lifts a cluster refusal
        )
        description.cluster = cluster
        return description
    }

    @Test(arguments: [
        ("10.244.3.7", ["10.244.0.0/16"]),
        ("10.244.3.7", ["10.244.0.0/16", "fd00:10::/56"]),
        ("fd00:10::7", ["fd00:10::/56"]),
        ("100.64.1.2", ["100.64.0.0/16"]),
    ])
    func aPodBehindItsGatewayRangeIsAccepted(host: String, trust: [String]) throws {
        let description = try Self.describe(host, trust)
        #expect(DeploymentPolicy().violations(of: description).isEmpty)
        #expect(DeploymentPolicy.topology(of: description) == .cluster)
    }

    @Test(arguments: [
        ("0.0.0.0", ["10.244.0.0/16"], "every interface"),
        ("::", ["10.244.0.0/16"], "every interface"),
        ("127.0.0.1", ["10.244.0.0/16"], "not a pod's private address"),
        ("203.0.113.5", ["10.244.0.0/16"], "not a pod's private address"),
        ("10.244.3.7", [], "trusts nobody"),
        ("10.244.3.7", ["loopback"], "trusts loopback"),
        ("10.244.3.7", ["unix"], "trusts unix"),
        ("10.244.3.7", ["0.0.0.0/0"], "far wider"),
        ("10.244.3.7", ["*"], "far wider"),
        ("10.244.3.7", ["10.244.0.0/16", "::/0"], "far wider"),
        ("10.244.3.7", ["0.0.0.0/1", "128.0.0.0/1"], "far wider"),
        ("10.244.3.7", ["10.0.0.0/7"], "far wider"),
        ("10.244.3.7", ["198.51.100.0/24"], "not a private range"),
        ("10.244.3.7", ["::ffff:0.0.0.0/96"], "far wider"),
        ("::ffff:10.244.3.7", ["::/0"], "far wider"),
    ])
    func anythingElseInAPodIsRefused(host: String, trust: [String], reason: String) throws {
        let violations = DeploymentPolicy().violations(of: try Self.describe(host, trust))
        #expect(violations.map(\.rule) == [.specPublicBind])
        #expect(DeploymentPolicy.refuses(violations))
        #expect(violations.first?.message.contains(reason) == true, "\(violations)")
        #expect(violations.first?.fix.isEmpty == false)
    }

    @Test func allowPublicInAPodIsRefused() throws {
        let violations = DeploymentPolicy().violations(
            of: try Self.describe("10.244.3.7", ["10.244.0.0/16"], allowPublic: true)
        )
        #expect(DeploymentPolicy.refuses(violations))
    }

    @Test func withoutTheClusterOptInTheRemoteProxyRulesStillApply() throws {
        let description = try Self.describe("10.244.3.7", ["10.244.0.0/16"], cluster: false)
        #expect(DeploymentPolicy().violations(of: description).isEmpty)
        #expect(DeploymentPolicy.topology(of: description) == .remoteProxy)
    }
}
