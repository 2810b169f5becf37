import GreenroomCore
import GreenroomYAML

extension SpecReader {
    /// Decodes the `kubernetes:` section. `gateway.addresses` and `image` are required; a gateway
    /// range that matches everyone, or most of the Internet, is refused here: it is the app's
    /// trust list and the NetworkPolicy's source, so it must name the gateway pods and no one else.
    mutating func decodeKubernetes(_ node: YAMLNode) throws(SpecError) -> KubernetesSpec {
        let f = try fields(node, at: "kubernetes", allowed: KubernetesSpec.keys)
        guard let imageNode = f["image"], !SpecReader.isNull(imageNode) else {
            throw error(
                .missingKey,
                node,
                "kubernetes.image",
                "the container image is required (e.g. image: registry.example.com/greenroom:1.0.0)"
            )
        }
        let image = try string(imageNode, at: "kubernetes.image")
        if let problem = KubernetesNames.problem(withImage: image) {
            throw error(.unsafeText, imageNode, "kubernetes.image", "'\(image)' \(problem)")
        }
        guard let gatewayNode = f["gateway"], !SpecReader.isNull(gatewayNode) else {
            throw error(
                .missingKey,
                node,
                "kubernetes.gateway",
                "the gateway is required: at least gateway.addresses, the gateway pods' address range"
            )
        }
        var kubernetes = KubernetesSpec(image: image, gateway: try decodeGateway(gatewayNode))
        if let n = f["namespace"], !SpecReader.isNull(n) {
            kubernetes.namespace = try dnsLabel(n, at: "kubernetes.namespace")
        }
        if let n = f["replicas"], !SpecReader.isNull(n) {
            kubernetes.replicas = try int(n, at: "kubernetes.replicas", in: 1...1000)
        }
        if let n = f["disruption_budget"], !SpecReader.isNull(n) {
            let d = try fields(n, at: "kubernetes.disruption_budget", allowed: ["min_available"])
            guard let m = d["min_available"], !SpecReader.isNull(m) else {
                throw error(.missingKey, n, "kubernetes.disruption_budget.min_available", "min_available is required")
            }
            let minAvailable = try int(m, at: "kubernetes.disruption_budget.min_available", in: 0...1000)
            guard minAvailable < kubernetes.replicas || f["autoscaler"] != nil else {
                throw error(
                    .invalidValue,
                    m,
                    "kubernetes.disruption_budget.min_available",
                    "\(minAvailable) is not below replicas (\(kubernetes.replicas)): no pod could ever be drained"
                )
            }
            kubernetes.disruptionBudget = .init(minAvailable: minAvailable)
        }
        if let n = f["autoscaler"], !SpecReader.isNull(n) {
            let keys = ["min_replicas", "max_replicas", "cpu_percent"]
            let a = try fields(n, at: "kubernetes.autoscaler", allowed: keys)
            var values: [String: Int] = [:]
            for key in keys {
                guard let v = a[key], !SpecReader.isNull(v) else {
                    throw error(.missingKey, n, "kubernetes.autoscaler.\(key)", "\(key) is required")
                }
                values[key] = try int(
                    v,
                    at: "kubernetes.autoscaler.\(key)",
                    in: key == "cpu_percent" ? 1...100 : 1...1000
                )
            }
            let autoscaler = KubernetesSpec.Autoscaler(
                minReplicas: values["min_replicas"]!,
                maxReplicas: values["max_replicas"]!,
                cpuPercent: values["cpu_percent"]!
            )
            guard autoscaler.maxReplicas >= autoscaler.minReplicas else {
                throw error(
                    .invalidValue,
                    a["max_replicas"]!,
                    "kubernetes.autoscaler.max_replicas",
                    "\(autoscaler.maxReplicas) is below min_replicas (\(autoscaler.minReplicas))"
                )
            }
            kubernetes.autoscaler = autoscaler
        }
        return kubernetes
    }

    mutating func decodeGateway(_ node: YAMLNode) throws(SpecError) -> KubernetesSpec.Gateway {
        let path = "kubernetes.gateway"
        let f = try fields(node, at: path, allowed: KubernetesSpec.Gateway.keys)
        guard let addressesNode = f["addresses"], !SpecReader.isNull(addressesNode) else {
            throw error(
                .missingKey,
                node,
                "\(path).addresses",
                "the gateway pods' address range is required (e.g. addresses: [10.244.0.0/16]); the app trusts exactly it"
            )
        }
        var addresses: [CIDR] = []
        for (item, itemPath) in try list(addressesNode, at: "\(path).addresses") {
            let block = try cidr(item, at: itemPath)
            if let problem = KubernetesNames.problem(withGatewayRange: block) {
                throw error(.trustsEveryone, item, itemPath, "\(block) \(problem)")
            }
            addresses.append(block)
        }
        guard !addresses.isEmpty else {
            throw error(
                .missingKey,
                addressesNode,
                "\(path).addresses",
                "is empty; name the gateway pods' address range"
            )
        }
        var gateway = KubernetesSpec.Gateway(addresses: addresses)
        if let n = f["implementation"], !SpecReader.isNull(n) {
            let word = try word(
                n,
                at: "\(path).implementation",
                oneOf: KubernetesSpec.Gateway.Implementation.allCases.map(\.rawValue)
            )
            gateway.implementation = KubernetesSpec.Gateway.Implementation(rawValue: word)!
        }
        if let n = f["class"], !SpecReader.isNull(n) { gateway.className = try dnsSubdomain(n, at: "\(path).class") }
        if let n = f["name"], !SpecReader.isNull(n) { gateway.name = try dnsLabel(n, at: "\(path).name") }
        if let n = f["namespace"], !SpecReader.isNull(n) {
            gateway.namespace = try dnsLabel(n, at: "\(path).namespace")
        }
        if let n = f["pod_labels"], !SpecReader.isNull(n) {
            guard case .mapping(let mapping) = n, !mapping.isEmpty else {
                throw error(.wrongType, n, "\(path).pod_labels", "expected a non-empty mapping of label: value")
            }
            var labels: [KubernetesSpec.Label] = []
            for (keyNode, valueNode) in mapping {
                let key = try string(keyNode, at: "\(path).pod_labels")
                let keyPath = "\(path).pod_labels.\(key)"
                if let problem = KubernetesNames.problem(withLabelKey: key) {
                    throw error(.invalidValue, keyNode, keyPath, "'\(key)' \(problem)")
                }
                let value = try string(valueNode, at: keyPath)
                if let problem = KubernetesNames.problem(withLabelValue: value) {
                    throw error(.invalidValue, valueNode, keyPath, "'\(value)' \(problem)")
                }
                locations.keys[keyPath] = location(of: keyNode)
                locations.values[keyPath] = location(of: valueNode)
                labels.append(.init(key: key, value: value))
            }
            gateway.podLabels = labels
        }
        if let n = f["hops"], !SpecReader.isNull(n) { gateway.hops = try int(n, at: "\(path).hops", in: 0...16) }
        return gateway
    }

    func dnsLabel(_ node: YAMLNode, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = KubernetesNames.problem(withDNSLabel: text) {
            throw error(.invalidValue, node, path, "'\(text)' \(problem)")
        }
        return text
    }

    func dnsSubdomain(_ node: YAMLNode, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = KubernetesNames.problem(withDNSSubdomain: text) {
            throw error(.invalidValue, node, path, "'\(text)' \(problem)")
        }
        return text
    }
}
