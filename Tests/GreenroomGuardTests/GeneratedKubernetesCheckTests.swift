import Foundation
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

/// What `greenroom generate kubernetes` writes passes `greenroom check --kubernetes` against the
/// same spec with no finding at all, and a generated manifest edited into each classic mistake
/// is caught: the generator and the checker agree on what a safe cluster deployment is.
@Suite struct GeneratedKubernetesCheckTests {
    static let specs = [
        """
        app: {name: shop}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/16]}
        """,
        """
        app: {name: shop, outbound: [10.0.0.5]}
        proxy: {server_names: [shop.example.com], tls: {certificate: /etc/tls/c.pem, key: /etc/tls/k.pem}}
        kubernetes:
          namespace: web
          image: registry.example.com/shop:1.0.0
          gateway: {name: edge, addresses: [10.244.0.0/16, fd00:10:244::/56]}
          disruption_budget: {min_available: 1}
          autoscaler: {min_replicas: 2, max_replicas: 6, cpu_percent: 75}
        """,
        """
        app: {name: shop}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/16], hops: 2, implementation: other, pod_labels: {gw: "yes"}}
        """,
        """
        app: {name: shop, proxy_protocol: v2}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/16]}
        """,
    ]

    /// The PROXY protocol carries no TLS details: with TLS at the gateway the app would see http.
    @Test func thePROXYProtocolBehindAGatewayThatEndsTLSIsFound() throws {
        let findings = try Self.check(Self.specs[3] + "\nproxy: {tls: {certificate: /etc/tls/c.pem}}")
        #expect(findings.map(\.rule) == [.specSchemeLost], "\(findings.map(\.message))")
        #expect(findings.first?.message.contains("gateway") == true)
    }

    /// Generates the manifests of `yaml` into a new directory (edited by `edit`) and checks them
    /// with that spec.
    static func check(_ yaml: String, edit: (inout [String: String]) -> Void = { _ in }) throws -> [Finding] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenroom-k8s-gen-\(UUID())")
            .path
        try FileManager.default.createDirectory(atPath: directory + "/k8s", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let specPath = "\(directory)/greenroom.yml"
        try yaml.write(toFile: specPath, atomically: true, encoding: .utf8)
        var files: [String: String] = [:]
        for file in try Generator(spec: DeploymentSpec.load(path: specPath)).files(for: .kubernetes) {
            files[file.path] = file.contents
        }
        edit(&files)
        for (path, contents) in files {
            try contents.write(toFile: "\(directory)/k8s/\(path)", atomically: true, encoding: .utf8)
        }
        var options = DeploymentCheck.Options()
        options.specPath = specPath
        options.kubernetes = ["\(directory)/k8s"]
        return try DeploymentCheck(workingDirectory: directory).run(options).report.findings
    }

    @Test(arguments: 0..<specs.count)
    func generatedManifestsHaveNoFinding(index: Int) throws {
        let findings = try Self.check(Self.specs[index])
        #expect(findings.isEmpty, "\(findings.map { "\($0.rule): \($0.message)" })")
    }

    @Test(arguments: [
        ("20-service.yaml", "type: ClusterIP", "type: NodePort", RuleID.kubernetesServiceExposed),
        ("30-networkpolicy.yaml", "kind: NetworkPolicy", "kind: NetworkPolicyDisabled", .kubernetesNoNetworkPolicy),
        ("10-deployment.yaml", "runAsUser: 65532", "runAsUser: 0", .kubernetesRunAsRoot),
        ("10-deployment.yaml", "value: \"10.244.0.0/16\"", "value: \"0.0.0.0/0\"", .kubernetesTrustEveryone),
        ("50-envoy-gateway.yaml", "numTrustedHops: 0", "numTrustedHops: 2", .kubernetesGatewayTrustsClient),
    ])
    func aGeneratedManifestEditedIntoAMistakeIsCaught(file: String, find: String, replace: String, rule: RuleID) throws
    {
        let findings = try Self.check(Self.specs[0]) { files in
            let original = files[file] ?? ""
            files[file] = original.replacing(find, with: replace)
            #expect(files[file] != original, "\(find) is not in \(file)")
        }
        #expect(findings.map(\.rule).contains(rule), "\(findings.map { "\($0.rule): \($0.message)" })")
    }
}
