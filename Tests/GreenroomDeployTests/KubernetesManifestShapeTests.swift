import GreenroomCore
import GreenroomDeploy
import Testing
import Yams

/// The Gateway API and Envoy Gateway objects have no schema in `kubernetes-validate`, so their
/// required fields and limits (from the CRDs' OpenAPI and CEL rules) are checked here, together
/// with what ties the objects to each other: selectors, ports, names and namespaces.
@Suite struct KubernetesManifestShapeTests {
    typealias Object = [String: Any]

    static let variants: [(String, String)] = [
        ("minimal", KubernetesGenerateTests.minimal),
        (
            "TLS, server names, one load balancer in front, budget and autoscaler",
            """
            app:
              name: shop
              outbound: [10.0.0.5]
            proxy:
              server_names: [shop.example.com, "*.shop.example.com"]
              tls: {certificate: /etc/tls/shop.pem, key: /etc/tls/shop.key}
            kubernetes:
              namespace: web
              image: registry.example.com/shop:1.0.0
              gateway:
                name: edge
                pod_labels: {gateway.envoyproxy.io/owning-gateway-name: edge, app: "true"}
                addresses: [10.244.0.0/16, fd00:10:244::/56]
                hops: 1
              disruption_budget: {min_available: 1}
              autoscaler: {min_replicas: 2, max_replicas: 6, cpu_percent: 75}
            """
        ),
        (
            "PROXY protocol v1",
            KubernetesGenerateTests.minimal.replacing("  name: shop", with: "  name: shop\n  proxy_protocol: v1")
        ),
        (
            "another gateway implementation",
            KubernetesGenerateTests.minimal.replacing(
                "    addresses:",
                with: "    implementation: other\n    addresses:"
            )
        ),
    ]

    static func objects(_ yaml: String) throws -> (spec: DeploymentSpec, objects: [Object]) {
        let spec = try spec(yaml)
        var objects: [Object] = []
        for file in try Generator(spec: spec).files(for: .kubernetes) {
            for document in try Yams.load_all(yaml: file.contents) {
                objects.append(try #require(document as? Object, "\(file.path): a document is not a mapping"))
            }
        }
        return (spec, objects)
    }

    @Test(arguments: variants.map(\.0))
    func everyObjectHasItsRequiredFieldsAndTheObjectsFitTogether(variant: String) throws {
        let yaml = try #require(Self.variants.first { $0.0 == variant }?.1)
        let (spec, objects) = try Self.objects(yaml)
        let kubernetes = try #require(spec.kubernetes)
        let namespace = kubernetes.effectiveNamespace(app: spec.app)
        func all(_ kind: String) -> [Object] { objects.filter { $0["kind"] as? String == kind } }
        func one(_ kind: String) throws -> Object {
            let found = all(kind)
            guard found.count == 1 else { throw TestFailure("\(found.count) objects of kind \(kind)") }
            return found[0]
        }

        for object in objects {
            let kind = try #require(object["kind"] as? String)
            #expect(object["apiVersion"] is String, "\(kind)")
            let metadata = try #require(object["metadata"] as? Object, "\(kind)")
            let name = try #require(metadata["name"] as? String, "\(kind)")
            #expect(KubernetesNames.problem(withDNSLabel: name) == nil, "\(kind)/\(name)")
            if kind != "Namespace" { #expect(metadata["namespace"] as? String == namespace, "\(kind)/\(name)") }
        }

        // Deployment, Service, NetworkPolicy: one set of pod labels, one named port.
        let deployment = try one("Deployment")
        let podLabels = try #require(deployment[path: "spec", "template", "metadata", "labels"] as? [String: String])
        #expect(deployment[path: "spec", "selector", "matchLabels"] as? [String: String] == podLabels)
        let container = try #require((deployment[path: "spec", "template", "spec", "containers"] as? [Object])?.first)
        let port = try #require((container["ports"] as? [Object])?.first)
        #expect(port["name"] as? String == "http" && port["containerPort"] as? Int == Int(spec.app.port ?? 0))
        let service = try one("Service")
        #expect(service[path: "spec", "type"] as? String == "ClusterIP")
        #expect(service[path: "spec", "selector"] as? [String: String] == podLabels)
        let servicePort = try #require((service[path: "spec", "ports"] as? [Object])?.first)
        #expect(servicePort["targetPort"] as? String == "http")
        let policy = try one("NetworkPolicy")
        #expect(policy[path: "spec", "podSelector", "matchLabels"] as? [String: String] == podLabels)
        let from = try #require((policy[path: "spec", "ingress"] as? [Object])?.first)
        let peer = try #require((from["from"] as? [Object])?.first)
        #expect(
            peer[path: "namespaceSelector", "matchLabels"] as? [String: String] == [
                "kubernetes.io/metadata.name": kubernetes.gateway.namespace
            ]
        )
        var gatewayPods = Dictionary(uniqueKeysWithValues: kubernetes.gateway.podLabels.map { ($0.key, $0.value) })
        if kubernetes.gateway.implementation == .envoyGateway, gatewayPods == ["app.kubernetes.io/name": "envoy"] {
            // Envoy's label on every proxy of every Gateway: the policy selects this Gateway's own.
            gatewayPods = [
                "gateway.envoyproxy.io/owning-gateway-name": kubernetes.gatewayName(app: spec.app),
                "gateway.envoyproxy.io/owning-gateway-namespace": namespace,
            ]
        }
        #expect(peer[path: "podSelector", "matchLabels"] as? [String: String] == gatewayPods)
        #expect((from["ports"] as? [Object])?.first?["port"] as? Int == port["containerPort"] as? Int)

        // Gateway API v1 Gateway: class, 1...64 listeners with unique names, TLS certificates.
        let gateway = try one("Gateway")
        #expect(gateway["apiVersion"] as? String == "gateway.networking.k8s.io/v1")
        let gatewayName = try #require(gateway[path: "metadata", "name"] as? String)
        #expect(gatewayName == kubernetes.gatewayName(app: spec.app))
        #expect((gateway[path: "spec", "gatewayClassName"] as? String)?.isEmpty == false)
        let listeners = try #require(gateway[path: "spec", "listeners"] as? [Object])
        #expect((1...64).contains(listeners.count))
        let listenerNames = listeners.compactMap { $0["name"] as? String }
        #expect(Set(listenerNames).count == listeners.count)
        for listener in listeners {
            let protocolName = try #require(listener["protocol"] as? String)
            #expect(["HTTP", "HTTPS"].contains(protocolName))
            #expect((1...65535).contains(listener["port"] as? Int ?? 0))
            #expect(
                ["All", "Same", "Selector"].contains(listener[path: "allowedRoutes", "namespaces", "from"] as? String)
            )
            if protocolName == "HTTPS" {
                #expect(listener[path: "tls", "mode"] as? String == "Terminate")
                let certificates = try #require(listener[path: "tls", "certificateRefs"] as? [Object])
                #expect(!certificates.isEmpty && certificates.allSatisfy { $0["name"] is String })
            }
        }
        #expect(listeners.contains { $0["protocol"] as? String == "HTTPS" } == (spec.proxy.tls != nil))

        // HTTPRoutes: parents that exist, at most 16 hostnames, rules with valid matches and filters.
        let routes = all("HTTPRoute")
        #expect(routes.count == (spec.proxy.tls != nil && spec.proxy.redirectHTTP ? 2 : 1))
        var backendRoutes: [String] = []
        for route in routes {
            let parents = try #require(route[path: "spec", "parentRefs"] as? [Object])
            #expect((1...32).contains(parents.count))
            for parent in parents {
                #expect(parent["name"] as? String == gatewayName)
                if let section = parent["sectionName"] as? String { #expect(listenerNames.contains(section)) }
            }
            let hostnames = route[path: "spec", "hostnames"] as? [String] ?? []
            #expect(
                hostnames.count <= 16
                    && hostnames == (spec.proxy.serverNames == ["localhost"] ? [] : spec.proxy.serverNames)
            )
            let rules = try #require(route[path: "spec", "rules"] as? [Object])
            #expect((1...16).contains(rules.count))
            for rule in rules {
                for match in rule["matches"] as? [Object] ?? [] {
                    #expect(["Exact", "PathPrefix"].contains(match[path: "path", "type"] as? String))
                    #expect((match[path: "path", "value"] as? String)?.hasPrefix("/") == true)
                }
                let filters = rule["filters"] as? [Object] ?? []
                #expect(Set(filters.compactMap { $0["type"] as? String }).count == filters.count, "one filter per type")
                for filter in filters {
                    switch filter["type"] as? String {
                    case "RequestHeaderModifier":
                        let removed = try #require(filter[path: "requestHeaderModifier", "remove"] as? [String])
                        #expect((1...16).contains(removed.count))
                        #expect(Set(removed.map { $0.lowercased() }).count == removed.count)
                        #expect(removed.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
                        // Envoy writes these two itself; removing them would remove its own.
                        #expect(!removed.contains("X-Forwarded-For") && !removed.contains("X-Forwarded-Proto"))
                    case "RequestRedirect":
                        #expect(filter[path: "requestRedirect", "scheme"] as? String == "https")
                        #expect([301, 302].contains(filter[path: "requestRedirect", "statusCode"] as? Int))
                        #expect(rule["backendRefs"] == nil, "a redirect sends nothing to a backend")
                    default:
                        Issue.record("unexpected filter \(filter)")
                    }
                }
                for backend in rule["backendRefs"] as? [Object] ?? [] {
                    #expect(backend["name"] as? String == service[path: "metadata", "name"] as? String)
                    #expect(backend["port"] as? Int == servicePort["port"] as? Int)
                    backendRoutes.append(route[path: "metadata", "name"] as? String ?? "")
                }
            }
        }
        #expect(backendRoutes.count == 1, "one route reaches the app")

        // Envoy Gateway policies: attached to the objects generated here, with valid values.
        let envoy = kubernetes.gateway.implementation == .envoyGateway
        #expect(all("ClientTrafficPolicy").count == (envoy ? 1 : 0))
        for client in all("ClientTrafficPolicy") {
            #expect(client["apiVersion"] as? String == "gateway.envoyproxy.io/v1alpha1")
            let targets = try #require(client[path: "spec", "targetRefs"] as? [Object])
            #expect(
                targets.count == 1 && targets[0]["group"] as? String == "gateway.networking.k8s.io"
                    && targets[0]["kind"] as? String == "Gateway" && targets[0]["name"] as? String == gatewayName
            )
            let forwardedFor = try #require(client[path: "spec", "clientIPDetection", "xForwardedFor"] as? Object)
            #expect(forwardedFor["numTrustedHops"] as? Int == kubernetes.gateway.hops)
            #expect(forwardedFor["trustedCIDRs"] == nil, "numTrustedHops and trustedCIDRs exclude each other")
        }
        let backendPolicies = all("BackendTrafficPolicy")
        #expect(backendPolicies.count == (spec.app.proxyProtocol == .off ? 0 : 1))
        for backend in backendPolicies {
            let target = try #require((backend[path: "spec", "targetRefs"] as? [Object])?.first)
            #expect(target["kind"] as? String == "HTTPRoute" && target["name"] as? String == backendRoutes.first)
            #expect(["V1", "V2"].contains(backend[path: "spec", "proxyProtocol", "version"] as? String))
        }

        if let budget = all("PodDisruptionBudget").first {
            #expect(budget[path: "spec", "selector", "matchLabels"] as? [String: String] == podLabels)
        }
        if let scaler = all("HorizontalPodAutoscaler").first {
            #expect(scaler[path: "spec", "scaleTargetRef", "kind"] as? String == "Deployment")
            #expect(
                scaler[path: "spec", "scaleTargetRef", "name"] as? String == deployment[path: "metadata", "name"]
                    as? String
            )
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The value at a path of mapping keys, or `nil`.
    subscript(path keys: String...) -> Any? {
        var node: Any? = self
        for key in keys { node = (node as? [String: Any])?[key] }
        return node
    }
}
