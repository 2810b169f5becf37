import Foundation
import GreenroomCore
import GreenroomGuard
import Testing

/// `check --config greenroom.yml --kubernetes ...`: the spec's `kubernetes.gateway` is the range the
/// app may trust and the hops the gateway may believe, instead of what the manifests suggest.
@Suite struct KubernetesSpecCheckTests {
    static func rules(gateway: String) throws -> [RuleID] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenroom-k8s-spec-\(UUID())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let specPath = "\(directory)/greenroom.yml"
        try "proxy: {kind: none}\nkubernetes:\n  image: registry.example.com/app:1\n  gateway: \(gateway)\n".write(
            toFile: specPath,
            atomically: true,
            encoding: .utf8
        )
        var options = DeploymentCheck.Options()
        options.specPath = specPath
        // The app in this file trusts 10.244.0.0/16.
        options.kubernetes = ["\(Corpus.directory)/kubernetes/good-all-in-one.yaml"]
        return try DeploymentCheck(workingDirectory: directory).run(options).report.findings.map(\.rule)
    }

    @Test func anAppTrustingWiderThanTheSpecsGatewayRangeIsFound() throws {
        #expect(
            try Self.rules(gateway: "{addresses: [10.244.0.0/24], hops: 1}").contains(.kubernetesTrustBeyondGateway)
        )
        #expect(
            !(try Self.rules(gateway: "{addresses: [10.244.0.0/16], hops: 1}").contains(.kubernetesTrustBeyondGateway))
        )
    }

    /// In the cluster topology the gateway's range is where the proxy connects from: trusting it
    /// is not "beyond the proxy" (GR004), which assumes a proxy on the same host.
    @Test func trustingTheGatewayRangeIsNotBeyondTheProxy() throws {
        let rules = try Self.rules(gateway: "{addresses: [10.244.0.0/16]}")
        #expect(!rules.contains(.specTrustBeyondProxy), "\(rules)")
    }
}
