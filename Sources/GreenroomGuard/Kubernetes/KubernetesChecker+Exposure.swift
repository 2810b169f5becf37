import GreenroomCore

extension KubernetesChecker {
    /// GR160: a Service of the app that is reachable from outside the cluster.
    func exposure(of app: KubernetesApp, services: [KubernetesObject]) -> [Finding] {
        var findings: [Finding] = []
        for service in services {
            let spec = service.root["spec"]
            if let type = spec?["type"], let text = type.text, text == "NodePort" || text == "LoadBalancer" {
                findings.append(
                    Rule.kubernetesServiceExposed.finding(
                        at: type.location,
                        "\(service.reference) selects the app's pods (\(app.workload.object.reference)) and is "
                            + "type \(text): clients reach the app around the gateway",
                        fix: "type: ClusterIP, and expose only the gateway"
                    )
                )
            }
            if let ips = spec?.entry("externalIPs"), !ips.value.items.isEmpty {
                findings.append(
                    Rule.kubernetesServiceExposed.finding(
                        at: ips.keyLocation,
                        "\(service.reference) selects the app's pods and has externalIPs: clients reach the app "
                            + "around the gateway",
                        fix: "remove externalIPs; expose only the gateway"
                    )
                )
            }
        }
        return findings
    }

    /// GR174: a `LoadBalancer` Service (not one of `appServices`, which GR160 covers) or an Envoy Gateway
    /// `EnvoyProxy` whose `externalTrafficPolicy` is `Cluster`.
    func loadBalancers(in index: KubernetesIndex, apart appServices: [KubernetesObject]) -> [Finding] {
        let apps = Set(appServices.map(\.location))
        var findings: [Finding] = []
        for service in index.objects("Service", group: "") where !apps.contains(service.location) {
            guard let spec = service.root["spec"], let type = spec["type"], type.text == "LoadBalancer" else {
                continue
            }
            let policy = spec["externalTrafficPolicy"]
            guard (policy?.text ?? "Cluster") == "Cluster" else { continue }
            let defaulted = policy?.text == nil
            findings.append(
                Rule.kubernetesExternalTrafficPolicyCluster.finding(
                    at: policy.flatMap { defaulted ? nil : $0.location } ?? type.location,
                    "\(service.reference) is a LoadBalancer with externalTrafficPolicy Cluster\(defaulted ? " (the default)" : ""): "
                        + "nodes forward with source NAT and the gateway sees a node's address, not the client's",
                    fix: "externalTrafficPolicy: Local (or have the load balancer send PROXY protocol)"
                )
            )
        }
        for proxy in index.objects("EnvoyProxy", group: "gateway.envoyproxy.io") {
            guard
                let policy = proxy.root.at("spec", "provider", "kubernetes", "envoyService", "externalTrafficPolicy"),
                policy.text == "Cluster"
            else { continue }
            findings.append(
                Rule.kubernetesExternalTrafficPolicyCluster.finding(
                    at: policy.location,
                    "\(proxy.reference) gives the gateway's Service externalTrafficPolicy Cluster: nodes forward with "
                        + "source NAT and Envoy sees a node's address, not the client's",
                    fix: "externalTrafficPolicy: Local"
                )
            )
        }
        return findings
    }
}
