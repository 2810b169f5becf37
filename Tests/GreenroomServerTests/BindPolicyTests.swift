import GreenroomCore
import Testing

@testable import GreenroomServer

/// The three topologies of GreenroomCore's article "Deployment policy and rule ids" are allowed;
/// every other bind is refused with a fix.
@Suite struct BindPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var host: String
        var trust: [String]
        var allowPublic = false
        /// The refusal's id, or `nil` when allowed.
        var refusal: String?
        var topology: BindPolicy.Topology?

        var testDescription: String { "\(host) trust=\(trust) public=\(allowPublic)" }

        func configuration() throws -> ServerConfiguration {
            ServerConfiguration(
                bind: .tcp(host: host, port: 8000),
                trustedProxies: try TrustedProxies(parsing: trust, allowingEverything: true),
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
        // 3. Direct.
        Case(host: "0.0.0.0", trust: [], allowPublic: true, topology: .direct),
        Case(host: "::", trust: [], allowPublic: true, topology: .direct),
        Case(host: "203.0.113.5", trust: [], allowPublic: true, topology: .direct),
        // Wildcards while a proxy is trusted.
        Case(host: "0.0.0.0", trust: ["loopback"], refusal: "bind-wildcard"),
        Case(host: "::", trust: ["10.0.0.2"], refusal: "bind-wildcard"),
        Case(host: "", trust: ["loopback"], refusal: "bind-wildcard"),
        Case(host: "*", trust: ["loopback"], refusal: "bind-wildcard"),
        Case(host: "::ffff:0.0.0.0", trust: ["loopback"], refusal: "bind-wildcard"),
        Case(host: "0.0.0.0", trust: ["loopback"], allowPublic: true, refusal: "bind-wildcard"),
        // Non-loopback without --allow-public and without a proxy.
        Case(host: "0.0.0.0", trust: [], refusal: "bind-public"),
        Case(host: "10.0.0.5", trust: [], refusal: "bind-public"),
        Case(host: "203.0.113.5", trust: [], refusal: "bind-public"),
        // A public address behind a proxy.
        Case(host: "203.0.113.5", trust: ["203.0.113.1"], refusal: "bind-public"),
        // A private address trusting a local proxy, or everyone.
        Case(host: "10.0.0.5", trust: ["loopback"], refusal: "bind-remote-proxy-trust"),
        Case(host: "10.0.0.5", trust: ["unix"], refusal: "bind-remote-proxy-trust"),
        Case(host: "10.0.0.5", trust: ["10.0.0.2", "127.0.0.1"], refusal: "bind-remote-proxy-trust"),
        Case(host: "10.0.0.5", trust: ["0.0.0.0/0"], refusal: "bind-remote-proxy-trust"),
        // --allow-public and a trusted proxy contradict each other.
        Case(host: "10.0.0.5", trust: ["10.0.0.2"], allowPublic: true, refusal: "bind-public-trusting"),
    ]

    @Test(arguments: cases)
    func bindIsAllowedOrRefused(_ test: Case) throws {
        let configuration = try test.configuration()
        let findings = BindPolicy.evaluate(configuration)
        #expect(findings.map(\.id) == (test.refusal.map { [$0] } ?? []))
        switch BindPolicy.classify(configuration) {
        case .success(let topology): #expect(topology == test.topology)
        case .failure(let refusal): #expect(refusal.first.id == test.refusal)
        }
    }

    @Test func unixSocketIsAlwaysTheLocalProxyTopology() {
        let configuration = ServerConfiguration(bind: .unix(path: "/run/app.sock"), trustedProxies: .loopback)
        #expect(BindPolicy.evaluate(configuration).isEmpty)
        #expect(BindPolicy.topology(of: configuration) == .localProxy)
    }

    @Test func refusalNamesTheAddressAndTheFix() throws {
        let configuration = ServerConfiguration(bind: .tcp(host: "0.0.0.0", port: 8000))
        let finding = try #require(BindPolicy.evaluate(configuration).first)
        #expect(finding.description.contains("0.0.0.0:8000"))
        #expect(finding.description.contains("greenroom generate nginx"))
        #expect(!finding.description.contains("\n"))
    }
}

/// Each bind refusal that has an opt-in names it, and with it becomes a warning; no other
/// refusal is silenced by it.
@Suite struct BindPolicyOptInTests {
    @Test(arguments: [
        ("0.0.0.0", ["loopback"], false, StartupOptIn.wildcardBind, "bind-wildcard"),
        ("::", ["10.0.0.2"], false, .wildcardBind, "bind-wildcard"),
        ("198.51.100.5", ["198.51.100.2"], false, .publicBehindProxy, "bind-public"),
        ("198.51.100.5", ["198.51.100.2"], true, .publicBehindProxy, "bind-public-trusting"),
        ("10.0.0.5", ["0.0.0.0/0"], false, .trustEveryone, "bind-remote-proxy-trust"),
    ])
    func optInTurnsTheRefusalIntoAWarning(
        _ host: String,
        _ trust: [String],
        _ allowPublic: Bool,
        _ optIn: StartupOptIn,
        _ id: String
    ) throws {
        var configuration = ServerConfiguration(
            bind: .tcp(host: host, port: 8000),
            trustedProxies: try TrustedProxies(parsing: trust, allowingEverything: true),
            allowPublic: allowPublic
        )
        let refused = BindPolicy.evaluate(configuration)
        #expect(refused.map(\.id) == [id])
        #expect(refused.allSatisfy { $0.severity == .error && $0.fix.contains(optIn.flag) })
        #expect(refused.allSatisfy { $0.fix.contains(optIn.specKey) })

        for other in StartupOptIn.allCases where other != optIn { configuration.optIns.insert(other) }
        #expect(BindPolicy.evaluate(configuration).map(\.severity) == [.error], "another opt-in silenced it")

        configuration.optIns = [optIn]
        let allowed = BindPolicy.evaluate(configuration)
        #expect(allowed.map(\.severity) == [.warning])
        #expect(allowed.allSatisfy { $0.message.hasPrefix("\(optIn.flag) given: ") })
        if case .success = BindPolicy.classify(configuration) {} else { Issue.record("still refused") }
    }

    @Test func localTrustOnAPrivateBindHasNoOptIn() throws {
        var configuration = ServerConfiguration(
            bind: .tcp(host: "10.0.0.5", port: 8000),
            trustedProxies: try TrustedProxies(parsing: ["loopback"])
        )
        configuration.optIns = Set(StartupOptIn.allCases)
        #expect(BindPolicy.evaluate(configuration).map(\.severity) == [.error])
    }
}
