import GreenroomCore
import GreenroomDeploy
import GreenroomServer
import Testing
import Yams

/// The generated Deployment's `env`, read exactly as `greenroom serve` reads its environment, is
/// the spec's app in the cluster topology, and the start-up policy accepts it on a pod address:
/// the manifests start a server rather than one that refuses to boot in every pod.
@Suite struct KubernetesPodEnvironmentTests {
    /// The container's variables, with the downward API's `status.podIP` filled in as the kubelet does.
    static func environment(_ yaml: String, podIP: String) throws -> [String: String] {
        let file = try #require(
            try Generator(spec: spec(yaml)).files(for: .kubernetes).first { $0.path == "10-deployment.yaml" }
        )
        let deployment = try #require(try Yams.load(yaml: file.contents) as? [String: Any])
        let container = try #require(
            (deployment[path: "spec", "template", "spec", "containers"] as? [[String: Any]])?.first
        )
        var environment: [String: String] = [:]
        for variable in container["env"] as? [[String: Any]] ?? [] {
            let name = try #require(variable["name"] as? String)
            if let value = variable["value"] {
                environment[name] = try #require(value as? String, "\(name) must be a string in a manifest")
            } else {
                #expect(variable[path: "valueFrom", "fieldRef", "fieldPath"] as? String == "status.podIP", "\(name)")
                environment[name] = podIP
            }
        }
        return environment
    }

    static func configuration(_ yaml: String, podIP: String = "10.244.3.17") throws -> ServerConfiguration {
        try ServeFlags(environment: environment(yaml, podIP: podIP)).configuration()
    }

    @Test(arguments: KubernetesManifestShapeTests.variants.map(\.0))
    func thePodsEnvironmentIsTheSpecsAppAndThePolicyAcceptsIt(variant: String) throws {
        let yaml = try #require(KubernetesManifestShapeTests.variants.first { $0.0 == variant }?.1)
        let spec = try spec(yaml)
        let configuration = try Self.configuration(yaml)
        #expect(configuration.cluster)
        #expect(configuration.bind == .tcp(host: "10.244.3.17", port: Int(spec.app.port ?? 0)))
        #expect(configuration.trustedProxies == spec.app.trust)
        #expect(configuration.maxBodyBytes == spec.app.limits.maxBodyBytes)
        #expect(configuration.shutdownTimeout == spec.app.limits.shutdownTimeout)
        #expect(configuration.proxyProtocol == (spec.app.proxyProtocol == .off ? .off : .required))
        let violations = configuration.policyViolations(effectiveUserID: 65532)
        #expect(violations.isEmpty, "\(violations)")
    }

    /// The policy is what refuses a pod whose address is not private: the same environment with
    /// a loopback "pod address" is refused (GR002), so the test above can fail.
    @Test func theSameEnvironmentOnALoopbackAddressIsRefused() throws {
        let configuration = try Self.configuration(KubernetesGenerateTests.minimal, podIP: "127.0.0.1")
        #expect(configuration.policyViolations(effectiveUserID: 65532).map(\.rule) == [.specPublicBind])
    }

    /// At the edge the app believes exactly the entry Envoy appended, never one before it, even
    /// when that entry is itself a pod-network address (another pod calling the gateway).
    @Test func atTheEdgeThePodReadsOneHop() throws {
        #expect(try Self.configuration(KubernetesGenerateTests.minimal).hops == 1)
    }

    @Test func behindALoadBalancerThePodCountsOneHopMore() throws {
        let configuration = try Self.configuration(KubernetesGenerateTests.minimal + "\n    hops: 1")
        #expect(configuration.hops == 2)
        #expect(configuration.forwardedHeaders == .xForwarded)
    }
}
