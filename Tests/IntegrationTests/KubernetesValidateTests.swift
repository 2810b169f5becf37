import Foundation
import GreenroomDeploy
import Testing

/// `greenroom generate kubernetes` as a user runs it, its output validated offline against the
/// Kubernetes API's own schemas by `kubernetes-validate` (PyPI), in strict mode (an unknown field
/// is an error), for the oldest release the manifests need (1.30: the preStop `sleep` action) and
/// the newest one the validator knows. The Gateway API and Envoy Gateway objects have no schema
/// there; `KubernetesManifestShapeTests` checks their fields.
@Suite struct KubernetesValidateTests {
    static let specs: [String: String] = [
        "minimal": """
        app: {name: shop}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/16]}
        """,
        "everything": """
        app:
          name: shop
          outbound: [10.0.0.5, fd00:1::/64]
          limits: {shutdown_timeout: 500ms}
        proxy:
          server_names: [shop.example.com, "*.shop.example.com"]
          tls: {certificate: /etc/tls/c.pem, key: /etc/tls/k.pem}
        kubernetes:
          namespace: web
          image: registry.example.com/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          gateway:
            name: edge
            addresses: [10.244.0.0/16, fd00:10:244::/56]
            pod_labels: {gateway.envoyproxy.io/owning-gateway-name: edge, ready: "true"}
            hops: 1
          disruption_budget: {min_available: 1}
          autoscaler: {min_replicas: 2, max_replicas: 6, cpu_percent: 75}
        """,
        "a custom command, another gateway, the default namespace": """
        app: {name: shop, exec: [/app/server, --verbose]}
        kubernetes:
          namespace: default
          image: registry.example.com/shop:1.0.0
          replicas: 1
          gateway: {implementation: other, addresses: [10.42.0.0/16]}
        """,
    ]

    @Test(arguments: specs.keys.sorted())
    func generatedManifestsValidateAgainstTheKubernetesSchemas(variant: String) async throws {
        let validate = try TestEnvironment.requireProgram(
            "kubernetes-validate",
            package: "python3-pip; python3 -m pip install kubernetes-validate"
        )
        let scratch = try TemporaryDirectory()
        try scratch.write("greenroom.yml", try #require(Self.specs[variant]))
        let generate = try await GreenroomBinary.run(
            ["generate", "kubernetes", "--out", "k8s"],
            currentDirectory: scratch.path,
            timeout: .seconds(60)
        )
        #expect(generate.succeeded, "\(generate)")
        let paths = try FileManager.default.contentsOfDirectory(atPath: scratch.file("k8s")).sorted()
            .map { scratch.file("k8s/\($0)") }
        #expect(paths.count >= 4, "\(paths)")
        let kinds = Set(["Namespace", "Deployment", "Service", "NetworkPolicy", "PodDisruptionBudget"])
            .union(["HorizontalPodAutoscaler"])
        for version in ["1.30.0", nil] {
            let arguments = ["--strict"] + (version.map { ["--kubernetes-version", $0] } ?? []) + paths
            let result = try await ProcessRunner.run(validate, arguments, timeout: .seconds(120))
            #expect(result.succeeded, "\(variant), \(version ?? "latest"): \(result)")
            #expect(!result.output.contains("ERROR"), "\(variant): \(result)")
            // Every built-in kind was validated, not skipped for want of a schema.
            for line in result.output.split(separator: "\n") where line.contains("Couldn't find schema") {
                #expect(!kinds.contains { line.contains("kind \($0) ") }, "\(variant): \(line)")
            }
            #expect(result.output.contains("passed for resource deployment/shop"), "\(variant): \(result)")
        }
    }

    /// A validator that accepted anything would pass the test above: a manifest with a field
    /// Kubernetes does not have must fail.
    @Test func theValidatorRefusesAnUnknownField() async throws {
        let validate = try TestEnvironment.requireProgram("kubernetes-validate", package: "kubernetes-validate (pip)")
        let scratch = try TemporaryDirectory()
        try scratch.write("greenroom.yml", try #require(Self.specs["minimal"]))
        let generate = try await GreenroomBinary.run(
            ["generate", "kubernetes", "--out", "k8s"],
            currentDirectory: scratch.path,
            timeout: .seconds(60)
        )
        #expect(generate.succeeded, "\(generate)")
        let deployment = scratch.file("k8s/10-deployment.yaml")
        let text = try String(contentsOfFile: deployment, encoding: .utf8)
        try text.replacing("enableServiceLinks: false", with: "enableServiceLink: false")
            .write(toFile: deployment, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(validate, ["--strict", deployment], timeout: .seconds(120))
        #expect(!result.succeeded, "\(result)")
        #expect(result.output.contains("enableServiceLink"), "\(result)")
    }
}

/// The README's "Generating manifests" example, run as written: its `greenroom.yml`, then each
/// `greenroom` line of its shell block (a `# comment` after a `check` line is text the output
/// must contain). `kubectl` needs a cluster and is left out.
@Suite struct KubernetesReadmeExampleTests {
    @Test func theGeneratingManifestsExampleRunsAsWritten() async throws {
        let readme = try String(contentsOfFile: "\(packageRoot)/README.md", encoding: .utf8)
        let section = try #require(
            readme.split(separator: "### Generating manifests\n", maxSplits: 1).last?
                .split(separator: "\n### ", maxSplits: 1).first
        )
        func block(_ language: String) throws -> [String] {
            let start = try #require(section.range(of: "```\(language)\n"), "no ```\(language) block")
            let rest = section[start.upperBound...]
            let end = try #require(rest.range(of: "```"))
            return rest[..<end.lowerBound].split(separator: "\n").map(String.init)
        }
        let scratch = try TemporaryDirectory()
        try scratch.write("greenroom.yml", try block("yaml").joined(separator: "\n") + "\n")
        var ran = 0
        for line in try block("sh") where line.hasPrefix("greenroom ") {
            let parts = line.split(separator: "#", maxSplits: 1)
            let arguments = parts[0].split(separator: " ").dropFirst().map(String.init)
            let result = try await GreenroomBinary.run(arguments, currentDirectory: scratch.path, timeout: .seconds(60))
            #expect(result.status == 0, "\(line): \(result)")
            if parts.count == 2 {
                let shown = parts[1].trimmingCharacters(in: .whitespaces)
                #expect(result.output.contains(shown), "\(line): '\(shown)' not in \(result)")
            }
            ran += 1
        }
        #expect(ran == 2)
        #expect(FileManager.default.fileExists(atPath: scratch.file("k8s/30-networkpolicy.yaml")))
    }
}
