import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Every Kubernetes corpus file (Corpus/kubernetes: a good deployment split over files, good
/// variants, and one file per mistake) produces exactly the listed `rule:line` findings.
@Suite struct KubernetesCorpusTests {
    /// What the checker is told besides the manifests.
    enum Given: String, Sendable, CustomTestStringConvertible {
        /// No spec: gateway range from the NetworkPolicy's ipBlocks, hop count unknown.
        case nothing
        /// A spec naming the gateway range 10.244.0.0/16 and no proxy in front of the gateway.
        case spec
        /// A spec with one load balancer in front of the gateway.
        case specOneHop

        var testDescription: String { rawValue }

        var checker: KubernetesChecker {
            switch self {
            case .nothing: KubernetesChecker()
            case .spec: KubernetesChecker(gatewayRanges: [CIDR("10.244.0.0/16")!], gatewayHops: 0)
            case .specOneHop: KubernetesChecker(gatewayRanges: [CIDR("10.244.0.0/16")!], gatewayHops: 1)
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let file: String
        let given: Given
        /// `GR###:line`, sorted by line then rule, as the report orders them.
        let findings: [String]
        var testDescription: String { "\(file) [\(given)] → \(findings.joined(separator: ","))" }

        init(_ file: String, _ findings: [String]) { self.init(file, .nothing, findings) }

        init(_ file: String, _ given: Given, _ findings: [String]) {
            self.file = file
            self.given = given
            self.findings = findings
        }
    }

    static let rows: [Row] = [
        Row("good", []),
        Row("good", .spec, []),
        Row("good-all-in-one.yaml", []),
        Row("good-container-overrides-pod.yaml", []),
        Row("good-ipblock.yaml", []),
        Row("good-ingress-nginx-behind-balancer.yaml", []),
        Row("bad-service-nodeport.yaml", ["GR160:38"]),
        Row("bad-service-external-ips.yaml", ["GR160:39"]),
        Row("bad-service-loadbalancer.yaml", ["GR160:38"]),
        Row("bad-route-app-nodeport.yaml", ["GR161:3", "GR160:35"]),
        Row("bad-no-networkpolicy.yaml", ["GR161:3"]),
        Row("bad-networkpolicy-egress-only.yaml", ["GR161:3"]),
        Row("bad-networkpolicy-other-pods.yaml", ["GR161:3"]),
        Row("bad-networkpolicy-empty-rule.yaml", ["GR162:58"]),
        Row("bad-networkpolicy-ports-only.yaml", ["GR162:58"]),
        Row("bad-networkpolicy-ipblock-everyone.yaml", ["GR162:60"]),
        Row("bad-networkpolicy-all-namespaces.yaml", ["GR163:59"]),
        Row("bad-networkpolicy-whole-namespace.yaml", ["GR163:59"]),
        Row("bad-hostnetwork.yaml", ["GR164:15"]),
        Row("bad-hostport.yaml", ["GR165:28"]),
        Row("bad-run-as-root.yaml", ["GR166:16"]),
        Row("bad-container-overrides-pod.yaml", ["GR166:29"]),
        Row("bad-run-as-non-root-missing.yaml", ["GR167:18"]),
        Row("bad-run-as-non-root-false.yaml", ["GR167:28"]),
        Row("bad-trust-everyone-args.yaml", ["GR168:22"]),
        Row("bad-trust-everyone-env.yaml", ["GR168:25"]),
        Row("bad-shell-command.yaml", ["GR168:22"]),
        Row("bad-trust-beyond-gateway.yaml", ["GR169:22"]),
        // With the spec's range, the good app's 10.244.0.0/16 is exactly right; 10.0.0.0/8 is not.
        Row("bad-trust-beyond-gateway.yaml", .spec, ["GR169:22"]),
        Row("good-ipblock.yaml", .spec, []),
        Row("bad-envoy-trusted-hops.yaml", ["GR170:10"]),
        Row("bad-envoy-trusted-hops.yaml", .spec, ["GR170:10"]),
        Row("bad-envoy-trusted-hops.yaml", .specOneHop, ["GR170:10"]),
        Row("bad-envoy-trusted-cidrs.yaml", ["GR170:12"]),
        Row("bad-ingress-nginx-forwarded-headers.yaml", ["GR171:7"]),
        Row("bad-ingress-nginx-real-ip-everyone.yaml", ["GR172:8"]),
        Row("bad-ingress-nginx-full-forwarded-for.yaml", ["GR173:7"]),
        Row("bad-ingress-nginx-full-forwarded-for.yaml", .specOneHop, []),
        Row("bad-external-traffic-policy.yaml", ["GR174:6", "GR174:19"]),
        Row("bad-no-app.yaml", ["GR175:3"]),
    ]

    static func path(_ name: String) -> String { "\(Corpus.directory)/kubernetes/\(name)" }

    static func report(_ row: Row) throws -> Report {
        Report(findings: row.given.checker.check(try KubernetesManifests.load(path(row.file))))
    }

    @Test(arguments: rows)
    func exactRulesAndLines(_ row: Row) throws {
        let report = try Self.report(row)
        #expect(
            report.findings.map { "\($0.rule):\($0.location?.line ?? 0)" } == row.findings,
            "\(report.render(.human))"
        )
        for finding in report.findings {
            let location = try #require(finding.location)
            #expect(location.file.hasPrefix(Self.path("")) && location.column >= 1)
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty && !finding.message.contains("\n"))
        }
    }

    /// Severities that depend on what is known: the hop count is an error only when a spec says
    /// how many proxies there are; proxy-real-ip-cidr everyone is an error when something uses it.
    @Test(arguments: [
        ("bad-envoy-trusted-hops.yaml", Given.nothing, Severity.warning),
        ("bad-envoy-trusted-hops.yaml", .spec, .error),
        ("bad-envoy-trusted-hops.yaml", .specOneHop, .error),
        ("bad-envoy-trusted-cidrs.yaml", .nothing, .error),
        ("bad-ingress-nginx-real-ip-everyone.yaml", .nothing, .error),
        ("bad-external-traffic-policy.yaml", .nothing, .info),
        ("bad-no-app.yaml", .nothing, .info),
        ("bad-run-as-non-root-missing.yaml", .nothing, .warning),
    ])
    func severities(_ file: String, _ given: Given, _ severity: Severity) throws {
        let report = try Self.report(Row(file, given, []))
        #expect(!report.findings.isEmpty && report.findings.allSatisfy { $0.severity == severity })
    }

    /// A directory is read whole: the good deployment's NetworkPolicy in another file counts, and
    /// the same Deployment without it does not pass.
    @Test func theDirectoryIsCheckedTogether() throws {
        let alone = try KubernetesManifests.load(Self.path("good/deployment.yaml"))
        let findings = KubernetesChecker().check(alone).map { "\($0.rule):\($0.location?.line ?? 0)" }
        #expect(findings == ["GR161:4"])
    }

    /// proxy-real-ip-cidr of everyone with nothing that uses it yet is a warning.
    @Test func anUnusedRealIPRangeIsAWarning() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ingress-nginx-controller}
            data: {proxy-real-ip-cidr: "::/0"}

            """
        let findings = KubernetesChecker().check(
            KubernetesManifests(objects: try KubernetesManifests.parse(text, file: "cm.yaml"))
        )
        #expect(findings.map { "\($0.rule):\($0.severity)" } == ["GR172:warning"])
    }
}
