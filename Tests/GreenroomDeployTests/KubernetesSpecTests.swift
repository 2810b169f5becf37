import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import Testing

/// The `kubernetes:` section: decoded strictly, with the gateway's range required and never
/// everyone; every bad value is an error naming its line and key.
@Suite struct KubernetesSpecTests {
    static let full = """
        app:
          name: shop
        kubernetes:
          namespace: shop
          image: registry.example.com/shop:1.2.3
          replicas: 3
          gateway:
            implementation: envoy-gateway
            class: eg
            name: shop-gateway
            namespace: envoy-gateway-system
            pod_labels: {app.kubernetes.io/name: envoy, gateway.envoyproxy.io/owning-gateway-name: shop}
            addresses: [10.244.0.0/16, fd00:10:244::/56]
            hops: 1
          disruption_budget: {min_available: 1}
          autoscaler: {min_replicas: 2, max_replicas: 10, cpu_percent: 70}

        """

    @Test func everyKeyIsRead() throws {
        let kubernetes = try #require(try spec(Self.full).kubernetes)
        #expect(kubernetes.namespace == "shop")
        #expect(kubernetes.image == "registry.example.com/shop:1.2.3")
        #expect(kubernetes.replicas == 3)
        #expect(kubernetes.gateway.implementation == .envoyGateway)
        #expect(kubernetes.gateway.name == "shop-gateway")
        #expect(
            kubernetes.gateway.podLabels.map(\.key) == [
                "app.kubernetes.io/name", "gateway.envoyproxy.io/owning-gateway-name",
            ]
        )
        #expect(kubernetes.gateway.addresses.map(\.description) == ["10.244.0.0/16", "fd00:10:244::/56"])
        #expect(kubernetes.gateway.hops == 1)
        #expect(kubernetes.minAvailable == 1)
        #expect(kubernetes.autoscaler == .init(minReplicas: 2, maxReplicas: 10, cpuPercent: 70))
    }

    @Test func theDefaultsNeedOnlyTheGatewaysRange() throws {
        let kubernetes = try #require(try spec("kubernetes:\n  gateway:\n    addresses: [10.244.0.0/16]\n").kubernetes)
        #expect(kubernetes.replicas == 2)
        #expect(kubernetes.gateway.className == "eg")
        #expect(kubernetes.gateway.namespace == "envoy-gateway-system")
        #expect(kubernetes.gateway.hops == 0)
        #expect(kubernetes.autoscaler == nil)
        #expect(try spec("app: {name: x}\n").kubernetes == nil)
    }

    @Test(arguments: [
        ("kubernetes: {}\n", "missingKey", 1, "kubernetes.gateway"),
        ("kubernetes:\n  gateway: {hops: 1}\n", "missingKey", 2, "kubernetes.gateway.addresses"),
        ("kubernetes:\n  gateway:\n    addresses: []\n", "missingKey", 3, "kubernetes.gateway.addresses"),
        (
            "kubernetes:\n  gateway:\n    addresses: [0.0.0.0/0]\n", "trustsEveryone", 3,
            "kubernetes.gateway.addresses[0]"
        ),
        (
            "kubernetes:\n  gateway:\n    addresses: [10.0.0.0/8, \"::/0\"]\n", "trustsEveryone", 3,
            "kubernetes.gateway.addresses[1]"
        ),
        (
            "kubernetes:\n  gateway:\n    addresses: [10.244.0.0/33]\n", "invalidAddress", 3,
            "kubernetes.gateway.addresses[0]"
        ),
        ("kubernetes:\n  gateway:\n    adresses: [10.244.0.0/16]\n", "unknownKey", 3, "kubernetes.gateway.adresses"),
        (
            "kubernetes:\n  namespace: Shop\n  gateway: {addresses: [10.0.0.0/16]}\n", "invalidValue", 2,
            "kubernetes.namespace"
        ),
        (
            "kubernetes:\n  image: 'x;rm -rf /'\n  gateway: {addresses: [10.0.0.0/16]}\n", "invalidValue", 2,
            "kubernetes.image"
        ),
        (
            "kubernetes:\n  gateway:\n    addresses: [10.0.0.0/16]\n    pod_labels: {\"-bad\": x}\n", "invalidValue", 4,
            "kubernetes.gateway.pod_labels.-bad"
        ),
        (
            "kubernetes:\n  gateway:\n    addresses: [10.0.0.0/16]\n    implementation: nginx\n", "invalidValue", 4,
            "kubernetes.gateway.implementation"
        ),
        (
            "kubernetes:\n  gateway: {addresses: [10.0.0.0/16]}\n  autoscaler: {min_replicas: 5, max_replicas: 2, cpu_percent: 70}\n",
            "invalidValue", 3, "kubernetes.autoscaler.max_replicas"
        ),
        (
            "kubernetes:\n  gateway: {addresses: [10.0.0.0/16], hops: 99}\n", "invalidValue", 2,
            "kubernetes.gateway.hops"
        ),
    ])
    func badValuesAreLocatedErrors(yaml: String, code: String, line: Int, keyPath: String) {
        let error = specError { _ = try spec(yaml) }
        #expect(error?.code.description == code, "\(yaml): \(String(describing: error))")
        #expect(error?.location.line == line, "\(yaml): \(String(describing: error))")
        #expect(error?.keyPath == keyPath, "\(yaml): \(String(describing: error))")
    }
}
