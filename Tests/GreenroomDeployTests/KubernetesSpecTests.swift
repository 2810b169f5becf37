import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import Testing

@Suite struct KubernetesSpecTests {
    static let full = """
        app:
          name: shop
        kubernetes:
          namespace: greenroom
          image: registry.example.com/greenroom:1.0.0
          replicas: 3
          gateway:
            implementation: envoy-gateway
            class: eg
            name: edge
            namespace: envoy-gateway-system
            pod_labels: {app.kubernetes.io/name: envoy}
            addresses: [10.244.0.0/16]
            hops: 1
          disruption_budget: {min_available: 1}
          autoscaler: {min_replicas: 2, max_replicas: 10, cpu_percent: 70}
        """

    @Test func theSharedSchemaDecodes() throws {
        let spec = try DeploymentSpec(yaml: Self.full)
        let k = try #require(spec.kubernetes)
        #expect(k.namespace == "greenroom")
        #expect(k.image == "registry.example.com/greenroom:1.0.0")
        #expect(k.replicas == 3)
        #expect(k.gateway.implementation == .envoyGateway)
        #expect(k.gateway.className == "eg")
        #expect(k.gateway.name == "edge")
        #expect(k.gateway.namespace == "envoy-gateway-system")
        #expect(k.gateway.podLabels == [.init(key: "app.kubernetes.io/name", value: "envoy")])
        #expect(k.gateway.addresses == [CIDR("10.244.0.0/16")!])
        #expect(k.gateway.hops == 1)
        #expect(k.disruptionBudget == .init(minAvailable: 1))
        #expect(k.autoscaler == .init(minReplicas: 2, maxReplicas: 10, cpuPercent: 70))
        #expect(spec.locations["kubernetes.gateway.addresses[0]"].line == 13)
    }

    @Test func theDefaultsAndTheTrustListComeFromTheGateway() throws {
        let spec = try DeploymentSpec(
            yaml:
                "app: {name: shop}\nkubernetes:\n  image: shop:1\n  gateway: {addresses: [10.244.0.0/16, 'fd00:10::/56']}\n"
        )
        let k = try #require(spec.kubernetes)
        #expect(k.effectiveNamespace(app: spec.app) == "shop")
        #expect(k.gatewayName(app: spec.app) == "shop")
        #expect(k.replicas == 2)
        #expect(k.gateway.className == "eg")
        #expect(k.gateway.hops == 0)
        #expect(k.disruptionBudget == nil && k.autoscaler == nil)
        #expect(
            spec.app.trust
                == TrustedProxies(entries: [.cidr(CIDR("10.244.0.0/16")!), .cidr(CIDR("fd00:10::/56")!)])
        )
    }

    @Test func aWrittenTrustListIsKept() throws {
        let spec = try DeploymentSpec(
            yaml:
                "app: {trust: [10.244.1.0/24]}\nkubernetes:\n  image: shop:1\n  gateway: {addresses: [10.244.0.0/16]}\n"
        )
        #expect(spec.app.trust == TrustedProxies(entries: [.cidr(CIDR("10.244.1.0/24")!)]))
    }

    @Test func withoutTheSectionNothingChanges() throws {
        let spec = try DeploymentSpec(yaml: "")
        #expect(spec.kubernetes == nil)
        #expect(spec.app.trust == .loopback)
    }

    @Test(arguments: [
        // (yaml, code, keyPath, line)
        ("kubernetes:\n  image: a:1\n", "missingKey", "kubernetes.gateway", 2),
        ("kubernetes:\n  image: a:1\n  gateway: {class: eg}\n", "missingKey", "kubernetes.gateway.addresses", 3),
        ("kubernetes:\n  image: a:1\n  gateway: {addresses: []}\n", "missingKey", "kubernetes.gateway.addresses", 3),
        ("kubernetes:\n  gateway: {addresses: [10.0.0.0/8]}\n", "missingKey", "kubernetes.image", 2),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [0.0.0.0/0]}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway:\n    addresses:\n      - 10.0.0.0/8\n      - '::/0'\n",
            "trustsEveryone", "kubernetes.gateway.addresses[1]", 6
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [0.0.0.0/1]}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [127.0.0.0/8]}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.244.0.1/16]}\n", "invalidAddress",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [pods]}\n", "invalidAddress",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  replica: 2\n  gateway: {addresses: [10.0.0.0/8]}\n", "unknownKey",
            "kubernetes.replica", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8], hop: 1}\n", "unknownKey",
            "kubernetes.gateway.hop", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8], implementation: nginx}\n", "invalidValue",
            "kubernetes.gateway.implementation", 3
        ),
        (
            "kubernetes:\n  image: 'a:1\"; rm'\n  gateway: {addresses: [10.0.0.0/8]}\n", "unsafeText",
            "kubernetes.image", 2
        ),
        (
            "kubernetes:\n  image: a:1\n  namespace: Shop_Prod\n  gateway: {addresses: [10.0.0.0/8]}\n", "invalidValue",
            "kubernetes.namespace", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway:\n    addresses: [10.0.0.0/8]\n    pod_labels: {'a b': x}\n",
            "invalidValue", "kubernetes.gateway.pod_labels.a b", 5
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway:\n    addresses: [10.0.0.0/8]\n    pod_labels: [envoy]\n",
            "wrongType", "kubernetes.gateway.pod_labels", 5
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8], hops: -1}\n", "invalidValue",
            "kubernetes.gateway.hops", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  replicas: 0\n  gateway: {addresses: [10.0.0.0/8]}\n", "invalidValue",
            "kubernetes.replicas", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8]}\n  autoscaler: {min_replicas: 5, max_replicas: 2, cpu_percent: 70}\n",
            "invalidValue", "kubernetes.autoscaler.max_replicas", 4
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8]}\n  autoscaler: {min_replicas: 2}\n",
            "missingKey", "kubernetes.autoscaler.max_replicas", 4
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [10.0.0.0/8]}\n  disruption_budget: {min_available: 2}\n",
            "invalidValue", "kubernetes.disruption_budget.min_available", 4
        ),
        ("kubernetes: [a]\n", "wrongType", "kubernetes", 1),
        // Attacks: a public range, and "everyone" spelled as IPv4-mapped IPv6.
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: [203.0.113.0/24]}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: ['::ffff:0.0.0.0/96']}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
        (
            "kubernetes:\n  image: a:1\n  gateway: {addresses: ['::ffff:0.0.0.0/100']}\n", "trustsEveryone",
            "kubernetes.gateway.addresses[0]", 3
        ),
    ])
    func badInputIsALocatedError(yaml: String, code: String, keyPath: String, line: Int) {
        let error = specError { _ = try DeploymentSpec(yaml: yaml) }
        #expect(error?.code.name == code, "\(error.map { "\($0)" } ?? "no error")")
        #expect(error?.keyPath == keyPath, "\(error.map { "\($0)" } ?? "no error")")
        #expect(error?.location.line == line, "\(error.map { "\($0)" } ?? "no error")")
        #expect(error?.description.hasPrefix("greenroom.yml:\(line):") == true)
    }

    @Test func kubernetesNamesFollowTheAPIRules() {
        #expect(KubernetesNames.problem(withDNSLabel: "envoy-gateway-system") == nil)
        #expect(KubernetesNames.problem(withDNSLabel: "-a") != nil)
        #expect(KubernetesNames.problem(withDNSLabel: String(repeating: "a", count: 64)) != nil)
        #expect(KubernetesNames.problem(withLabelKey: "app.kubernetes.io/name") == nil)
        #expect(KubernetesNames.problem(withLabelKey: "a/b/c") != nil)
        #expect(KubernetesNames.problem(withLabelValue: "") == nil)
        #expect(KubernetesNames.problem(withLabelValue: "x:y") != nil)
        #expect(KubernetesNames.problem(withImage: "ghcr.io/o/greenroom@sha256:abc") == nil)
        #expect(KubernetesNames.problem(withImage: "a b") != nil)
    }
}

@Suite struct KubernetesTrustTests {
    @Test(arguments: [
        ("[loopback]", "app.trust[0]"),
        ("[10.244.0.0/16, 192.168.0.0/16]", "app.trust[1]"),
        ("[10.0.0.0/8]", "app.trust[0]"),
        ("[]", "app.trust"),
    ])
    func aTrustListOutsideTheGatewayRangeIsRefused(trust: String, keyPath: String) {
        let yaml = "app: {trust: \(trust)}\nkubernetes:\n  image: shop:1\n  gateway: {addresses: [10.244.0.0/16]}\n"
        let error = specError { _ = try DeploymentSpec(yaml: yaml) }
        #expect(error?.code == .trustMismatch, "\(error.map { "\($0)" } ?? "no error")")
        #expect(error?.keyPath == keyPath)
        #expect(error?.location.line == 1)
    }
}

@Suite struct KubernetesExampleTests {
    /// The commented block in deploy/greenroom.example.yml, uncommented, decodes as documented.
    @Test func theExamplesCommentedBlockDecodes() throws {
        let text = try packageFile("deploy/greenroom.example.yml")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "# kubernetes:"))
        let block = lines[start...].map { line in line.hasPrefix("# ") ? String(line.dropFirst(2)) : String(line) }
        let yaml = "app: {name: greenroom}\n" + block.joined(separator: "\n") + "\n"
        let spec = try DeploymentSpec(yaml: yaml)
        #expect(spec.kubernetes?.gateway.addresses == [CIDR("10.244.0.0/16")!])
        #expect(spec.kubernetes?.autoscaler?.maxReplicas == 10)
    }
}
