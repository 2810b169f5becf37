import GreenroomCore
import GreenroomDeploy
import Testing

/// The spec's bind, port and wildcard decisions are the ``DeploymentPolicy``'s, located at the
/// spec's keys and worded for the spec.
@Suite struct DeploymentSpecPolicyTests {
    /// Each listener the spec describes, as the policy takes it.
    @Test func everyListenerIsOneDescription() throws {
        let single = try DeploymentSpec.parse(yaml: "app:\n  listen: {host: 127.0.0.1, port: 8100}\n")
        #expect(single.policyListeners.map(\.addressKey) == ["app.listen.host"])
        #expect(single.policyListeners.map(\.deployment.bind) == [.tcp(host: "127.0.0.1", port: 8100)])
        #expect(single.policyListeners.map(\.deployment.trust) == [.loopback])

        let unix = try DeploymentSpec.parse(yaml: "app:\n  listen: {unix: /run/a/a.sock}\n")
        #expect(unix.policyListeners.map(\.deployment.bind) == [.unix(path: "/run/a/a.sock")])
        #expect(unix.policyListeners.map(\.addressKey) == ["app.listen.unix"])

        let hosts = try DeploymentSpec.parse(
            yaml: "app:\n  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}\n"
                + "  allow_wildcard_bind: true\n"
        )
        #expect(hosts.policyListeners.map(\.addressKey) == ["app.hosts.addresses[0]", "app.hosts.addresses[1]"])
        #expect(hosts.policyListeners.map(\.deployment.bind.description) == ["10.0.0.11:8000", "10.0.0.12:8000"])
        #expect(hosts.policyListeners.allSatisfy { $0.deployment.trust.description == "10.0.0.2" })
        #expect(hosts.policyListeners.allSatisfy { $0.deployment.optIns == [.wildcardBind] })
    }

    /// A proxy that is configured but trusted by nobody cannot be bypassed to forge an address:
    /// the wildcard bind is a public bind (GR002), as for `serve --host 0.0.0.0 --trust ""`.
    @Test func wildcardTrustingNobodyIsAPublicBind() throws {
        let parsed = try DeploymentSpec.parse(yaml: "app:\n  listen: {host: 0.0.0.0}\n  trust: []\n")
        #expect(parsed.problems().filter { $0.keyPath == "app.listen.host" }.map(\.code) == [.publicBind])
    }

    /// A balancer the spec does not configure (`proxy.kind: none`) in front of one private
    /// address trusting exactly it: the policy's remote-proxy topology, which `serve` accepts,
    /// but the spec writes it as `app.hosts` (whose unit lets the balancers in), so it is a
    /// problem of the spec, with the opt-in it always had.
    @Test func privateBindTrustingAnUnmanagedBalancerIsWrittenAsHosts() throws {
        let spec = try DeploymentSpec.parse(
            yaml: "app:\n  listen: {host: 10.0.0.5}\n  trust: [10.0.0.2]\nproxy:\n  kind: none\n"
        )
        #expect(spec.policyListeners.allSatisfy { DeploymentPolicy().violations(of: $0.deployment).isEmpty })
        let problem = try #require(spec.problems().first)
        #expect(problem.keyPath == "app.listen.host")
        #expect(problem.code == .publicBind)
        #expect(spec.optIn(for: problem) == .publicBehindProxy)
    }

    /// A public address behind a balancer the spec does not configure says so.
    @Test func publicBindBehindAnUnmanagedBalancerIsAPublicAddress() throws {
        let spec = try DeploymentSpec.parse(
            yaml: "app:\n  listen: {host: 203.0.113.5}\n  trust: [203.0.113.2]\nproxy:\n  kind: none\n"
        )
        let problem = try #require(spec.problems().first)
        #expect(problem.message.hasPrefix("203.0.113.5 is not a private address"))
        #expect(spec.optIn(for: problem) == .publicBehindProxy)
    }

    /// A private bind while trusting the local proxy has no opt-in in the policy (`serve` refuses
    /// it whatever the flags), so the spec's `allow_public_behind_proxy` does not load it either.
    @Test func privateBindTrustingLoopbackHasNoOptIn() throws {
        let yaml = "app:\n  listen: {host: 10.0.0.5}\n  allow_public_behind_proxy: true\n"
        let parsed = try DeploymentSpec.parse(yaml: yaml)
        let problem = try #require(parsed.problems().first { $0.keyPath == "app.listen.host" })
        #expect(problem.code == .publicBind)
        #expect(parsed.optIn(for: problem) == nil)
        #expect(throws: SpecError(.publicBind, at: problem.location, keyPath: "app.listen.host", "")) {
            try DeploymentSpec(yaml: yaml)
        }
    }

    /// App hosts on shared address space (a VPC's 100.64/10) are as private as RFC 1918 ones.
    @Test func appHostsOnSharedAddressSpaceLoad() throws {
        let loaded = try DeploymentSpec(yaml: "app:\n  hosts: {addresses: [100.64.0.11], balancers: [100.64.0.2]}\n")
        #expect(loaded.app.hosts?.addresses == [IPAddress("100.64.0.11")!])
    }

    /// Each refusal keeps the spec's own words and points at the key to change.
    @Test(arguments: [
        ("app:\n  listen: {host: 0.0.0.0}\n", "app.listen.host", "'0.0.0.0' listens on every interface, so clients"),
        ("app:\n  listen: {port: 80}\n", "app.listen.port", "80 is a privileged port and would need root"),
        ("app:\n  listen: {host: 10.0.0.5}\n", "app.listen.host", "10.0.0.5 is not loopback: a proxy on this host"),
        (
            "app:\n  hosts: {addresses: [203.0.113.7], balancers: [10.0.0.2]}\n", "app.hosts.addresses[0]",
            "203.0.113.7 is a public address: app hosts must listen on a private network"
        ),
        (
            "app:\n  listen: {host: 203.0.113.5}\n  allow_public: true\n  trust: [10.0.0.2]\nproxy:\n  kind: none\n",
            "app.listen.host", "app.allow_public: true serves clients directly",
        ),
    ])
    func refusalIsWordedForTheSpec(_ yaml: String, _ key: String, _ start: String) throws {
        let problems = try DeploymentSpec.parse(yaml: yaml).problems().filter { $0.keyPath == key }
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix(start) == true, "\(problems)")
    }

    /// Several app hosts on a privileged port: one problem, at the port.
    @Test func privilegedPortIsReportedOnce() throws {
        let parsed = try DeploymentSpec.parse(
            yaml: "app:\n  listen: {port: 443}\n  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}\n"
        )
        #expect(parsed.problems().map(\.code) == [.privilegedPort])
    }
}

/// Spellings that hide a wildcard, loopback or public address behind another form.
@Suite struct DeploymentSpecPolicyDisguiseTests {
    @Test(arguments: [
        ("app:\n  listen: {host: \"::ffff:0.0.0.0\"}\n", "app.listen.host", SpecError.Code.wildcardBind),
        (
            "app:\n  hosts: {addresses: [\"::ffff:203.0.113.7\"], balancers: [10.0.0.2]}\n", "app.hosts.addresses[0]",
            .publicBind
        ),
        (
            "app:\n  hosts: {addresses: [\"::ffff:127.0.0.1\"], balancers: [10.0.0.2]}\n", "app.hosts.addresses[0]",
            .invalidValue
        ),
        ("app:\n  hosts: {addresses: [224.0.0.5], balancers: [10.0.0.2]}\n", "app.hosts.addresses[0]", .invalidValue),
    ])
    func disguisedAddressIsJudgedByWhatItIs(_ yaml: String, _ key: String, _ code: SpecError.Code) throws {
        let problems = try DeploymentSpec.parse(yaml: yaml).problems().filter { $0.keyPath == key }
        #expect(problems.map(\.code) == [code])
    }
}
