import GreenroomCore
import GreenroomDeploy
import Testing

/// `greenroom generate kubernetes`: which manifests, which values, and what the cluster topology
/// refuses to generate.
@Suite struct KubernetesGenerateTests {
    static let minimal = """
        app:
          name: shop
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway:
            addresses: [10.244.0.0/16]
        """

    static func files(_ yaml: String) throws -> [GeneratedFile] {
        try Generator(spec: spec(yaml)).files(for: .kubernetes)
    }

    static func file(_ yaml: String, _ path: String) throws -> String {
        guard let file = try files(yaml).first(where: { $0.path == path }) else {
            throw TestFailure("no \(path) in \(try files(yaml).map(\.path))")
        }
        return file.contents
    }

    @Test func theMinimalSpecWritesTheNamespaceDeploymentServicePolicyGatewayAndEnvoyPolicy() throws {
        #expect(
            try Self.files(Self.minimal).map(\.path) == [
                "00-namespace.yaml", "10-deployment.yaml", "20-service.yaml", "30-networkpolicy.yaml",
                "40-gateway.yaml", "50-envoy-gateway.yaml",
            ]
        )
        #expect(try Generator(spec: spec(Self.minimal)).allTargets == [.kubernetes])
    }

    @Test func aBudgetAndAnAutoscalerAddTheirObjectsAndTheAutoscalerOwnsTheReplicaCount() throws {
        let yaml =
            Self.minimal + """

                  disruption_budget: {min_available: 1}
                  autoscaler: {min_replicas: 3, max_replicas: 9, cpu_percent: 60}
                """
        let paths = try Self.files(yaml).map(\.path)
        #expect(paths.suffix(2) == ["60-poddisruptionbudget.yaml", "70-horizontalpodautoscaler.yaml"])
        #expect(!lines(try Self.file(yaml, "10-deployment.yaml")).contains { $0.hasPrefix("replicas:") })
        #expect(lines(try Self.file(Self.minimal, "10-deployment.yaml")).contains("replicas: 2"))
        let scaler = lines(try Self.file(yaml, "70-horizontalpodautoscaler.yaml"))
        #expect(scaler.contains("minReplicas: 3") && scaler.contains("maxReplicas: 9"))
        #expect(scaler.contains("averageUtilization: 60"))
    }

    @Test func aSharedOrTheGatewaysNamespaceIsNotCreated() throws {
        for namespace in ["default", "envoy-gateway-system"] {
            let yaml = Self.minimal.replacing("  image:", with: "  namespace: \(namespace)\n  image:")
            let paths = try Self.files(yaml).map(\.path)
            #expect(!paths.contains("00-namespace.yaml"), "\(namespace)")
            #expect(lines(try Self.file(yaml, "20-service.yaml")).contains("namespace: \(namespace)"))
        }
    }

    @Test func theOtherImplementationGetsNoEnvoyPolicyAndNoHeaderFilter() throws {
        let yaml = Self.minimal.replacing("    addresses:", with: "    implementation: other\n    addresses:")
        #expect(!(try Self.files(yaml).map(\.path)).contains("50-envoy-gateway.yaml"))
        #expect(!(try Self.file(yaml, "40-gateway.yaml")).contains("RequestHeaderModifier"))
    }

    /// The app is configured by the same `serve` flags `generate systemd` would pass, as
    /// variables; its address comes from the downward API and its trust list is the gateway's.
    @Test func theAppIsConfiguredByTheServeVariables() throws {
        let deployment = lines(try Self.file(Self.minimal, "10-deployment.yaml"))
        func value(_ name: String) -> String? {
            guard let index = deployment.firstIndex(of: "- name: \(name)") else { return nil }
            return deployment[index + 1]
        }
        #expect(value("GREENROOM_CLUSTER") == "value: \"1\"")
        #expect(value("GREENROOM_TRUST") == "value: \"10.244.0.0/16\"")
        #expect(value("GREENROOM_PORT") == "value: \"8000\"")
        #expect(value("GREENROOM_FORWARDED_HEADERS") == "value: \"x-forwarded\"")
        #expect(value("GREENROOM_SHUTDOWN_TIMEOUT") == "value: \"30\"")
        #expect(value("GREENROOM_HOST") == "valueFrom:")
        // At the edge the app reads exactly the entry Envoy appends, as Envoy does: walking the
        // trust list would step past a pod-network address into what the client wrote.
        #expect(value("GREENROOM_HOPS") == "value: \"1\"")
        #expect(deployment.contains("fieldPath: status.podIP"))
        #expect(deployment.contains("enableServiceLinks: false"))
        #expect(deployment.contains("args: [serve]"))
        // preStop drain (5 s) + shutdown timeout (30 s) + 5 s to spare.
        #expect(deployment.contains("terminationGracePeriodSeconds: 40"))
    }

    /// Envoy appends the address of whatever connected to it: behind one load balancer the
    /// client is the second entry from the right, so the app counts two hops.
    @Test func proxiesInFrontOfTheGatewayAddOneHopForTheApp() throws {
        let yaml = Self.minimal + "\n    hops: 1"
        let deployment = lines(try Self.file(yaml, "10-deployment.yaml"))
        let index = try #require(deployment.firstIndex(of: "- name: GREENROOM_HOPS"))
        #expect(deployment[index + 1] == "value: \"2\"")
        #expect(lines(try Self.file(yaml, "50-envoy-gateway.yaml")).contains("numTrustedHops: 1"))
    }

    @Test func theProxyProtocolBecomesAnEnvoyBackendPolicy() throws {
        let yaml = Self.minimal.replacing("  name: shop", with: "  name: shop\n  proxy_protocol: v2")
        let envoy = lines(try Self.file(yaml, "50-envoy-gateway.yaml"))
        #expect(envoy.contains("kind: BackendTrafficPolicy"))
        #expect(envoy.contains("version: V2"))
        // The kubelet sends no PROXY header, which the app then requires: HTTP probes would never
        // pass, so the probes only connect.
        let deployment = lines(try Self.file(yaml, "10-deployment.yaml"))
        #expect(!deployment.contains("httpGet:") && deployment.filter { $0 == "tcpSocket:" }.count == 2)
        #expect(lines(try Self.file(Self.minimal, "10-deployment.yaml")).filter { $0 == "httpGet:" }.count == 2)
    }

    /// Envoy Gateway labels every proxy of every Gateway `app.kubernetes.io/name: envoy`: the
    /// policy admits only this Gateway's proxies unless pod_labels says otherwise.
    @Test func theNetworkPolicyAdmitsOnlyThisGatewaysProxies() throws {
        let policy = lines(try Self.file(Self.minimal, "30-networkpolicy.yaml"))
        #expect(policy.contains("gateway.envoyproxy.io/owning-gateway-name: \"shop\""), "\(policy)")
        #expect(policy.contains("gateway.envoyproxy.io/owning-gateway-namespace: \"shop\""), "\(policy)")
        #expect(!policy.contains("app.kubernetes.io/name: \"envoy\""))
        let own = Self.minimal.replacing("    addresses:", with: "    pod_labels: {gw: edge}\n    addresses:")
        #expect(lines(try Self.file(own, "30-networkpolicy.yaml")).contains("gw: \"edge\""))
    }

    @Test func outboundAddressesAreTheOnlyEgress() throws {
        #expect(lines(try Self.file(Self.minimal, "30-networkpolicy.yaml")).contains("egress: []"))
        let yaml = Self.minimal.replacing("  name: shop", with: "  name: shop\n  outbound: [10.0.0.5, 10.1.0.0/24]")
        let policy = lines(try Self.file(yaml, "30-networkpolicy.yaml"))
        #expect(policy.contains("cidr: 10.0.0.5/32") && policy.contains("cidr: 10.1.0.0/24"))
    }

    @Test func labelValuesAndHostnamesStayStringsInYAML() throws {
        let yaml = """
            app:
              name: shop
            proxy:
              server_names: ["*.example.com", example.com]
            kubernetes:
              image: registry.example.com/shop:1.0.0
              gateway:
                pod_labels: {gateway: "true"}
                addresses: [10.244.0.0/16]
            """
        #expect(lines(try Self.file(yaml, "30-networkpolicy.yaml")).contains("gateway: \"true\""))
        let gateway = lines(try Self.file(yaml, "40-gateway.yaml"))
        #expect(gateway.contains("- \"*.example.com\"") && gateway.contains("- \"example.com\""))
    }

    @Test(arguments: [
        ("  name: shop", "  name: shop\n  listen: {unix: /run/shop/shop.sock}", "app.listen.unix"),
        ("  name: shop", "  name: shop\n  instances: 3", "app.instances"),
        ("  name: shop", "  name: shop\n  forwarded_headers: forwarded", "app.forwarded_headers"),
        ("  name: shop", "  name: shop\n  metrics_port: 9100", "app.metrics_port"),
        ("  name: shop", "  name: shop_1", "app.name"),
        ("  name: shop", "  name: \"true\"", "app.name"),
        ("  name: shop", "  name: shop\n  hops: 3", "app.hops"),
        ("  image:", "  namespace: \"0123\"\n  image:", "kubernetes.namespace"),
        ("  name: shop", "  name: shop\n  listen: {hosts: [127.0.0.1, \"::1\"], port: 8000}", "app.listen.hosts"),
        ("    addresses:", "    implementation: other\n    addresses:", nil),
    ])
    func whatAClusterCannotExpressIsRefusedAtItsKey(find: String, replace: String, keyPath: String?) throws {
        var yaml = Self.minimal.replacing(find, with: replace)
        if keyPath == nil {
            // The PROXY protocol is generated for Envoy Gateway only.
            yaml = yaml.replacing("  name: shop", with: "  name: shop\n  proxy_protocol: v1")
        }
        let error = try #require(specError { _ = try Self.files(yaml) })
        #expect(error.code == .unsupportedByProxy)
        #expect(error.keyPath == (keyPath ?? "app.proxy_protocol"))
        // Located at the key that says it (line 3 or 4), not the top of the file.
        #expect(
            error.description.hasPrefix("greenroom.yml:") && !error.description.hasPrefix("greenroom.yml:1:"),
            "\(error)"
        )
    }

    @Test func thePROXYProtocolBehindMoreProxiesIsRefused() throws {
        let yaml = Self.minimal.replacing("  name: shop", with: "  name: shop\n  proxy_protocol: v1") + "\n    hops: 1"
        #expect(specError { _ = try Self.files(yaml) }?.keyPath == "app.proxy_protocol")
    }

    @Test func withoutAKubernetesSectionThereIsNothingToGenerate() throws {
        let error = try #require(specError { _ = try Self.files("app: {name: shop}") })
        #expect(error.keyPath == "kubernetes" && error.code == .missingKey)
        #expect(error.description.contains("kubernetes: {image:"), "\(error)")
    }
}
