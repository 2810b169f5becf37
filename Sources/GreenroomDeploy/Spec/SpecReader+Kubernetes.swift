import GreenroomCore
import Yams

extension SpecReader {
    static let kubernetesKeys = ["namespace", "image", "replicas", "gateway", "disruption_budget", "autoscaler"]
    static let gatewayKeys = ["implementation", "class", "name", "namespace", "pod_labels", "addresses", "hops"]

    mutating func decodeKubernetes(_ node: Node) throws(SpecError) -> KubernetesSpec {
        let f = try fields(node, at: "kubernetes", allowed: SpecReader.kubernetesKeys)
        guard let gatewayNode = f["gateway"], !SpecReader.isNull(gatewayNode) else {
            throw error(
                .missingKey,
                node,
                "kubernetes.gateway",
                "is required: the app trusts exactly the gateway's address range (kubernetes.gateway.addresses)"
            )
        }
        var kubernetes = KubernetesSpec(gateway: try decodeGateway(gatewayNode))
        if let n = f["namespace"], !SpecReader.isNull(n) {
            kubernetes.namespace = try dnsLabel(n, at: "kubernetes.namespace")
        }
        if let n = f["image"], !SpecReader.isNull(n) { kubernetes.image = try image(n, at: "kubernetes.image") }
        if let n = f["replicas"], !SpecReader.isNull(n) {
            kubernetes.replicas = try int(n, at: "kubernetes.replicas", in: 1...1000)
        }
        if let n = f["disruption_budget"], !SpecReader.isNull(n) {
            let budget = try fields(n, at: "kubernetes.disruption_budget", allowed: ["min_available"])
            guard let minimum = budget["min_available"] else {
                throw error(.missingKey, n, "kubernetes.disruption_budget.min_available", "is required")
            }
            kubernetes.minAvailable = try int(minimum, at: "kubernetes.disruption_budget.min_available", in: 1...1000)
        }
        if let n = f["autoscaler"], !SpecReader.isNull(n) {
            let scaler = try fields(
                n,
                at: "kubernetes.autoscaler",
                allowed: ["min_replicas", "max_replicas", "cpu_percent"]
            )
            func required(_ key: String, in range: ClosedRange<Int>) throws(SpecError) -> Int {
                guard let value = scaler[key] else {
                    throw error(.missingKey, n, "kubernetes.autoscaler.\(key)", "is required")
                }
                return try int(value, at: "kubernetes.autoscaler.\(key)", in: range)
            }
            let minimum = try required("min_replicas", in: 1...1000)
            let maximum = try required("max_replicas", in: 1...1000)
            let cpu = try required("cpu_percent", in: 1...100)
            guard maximum >= minimum else {
                throw error(
                    .invalidValue,
                    scaler["max_replicas"]!,
                    "kubernetes.autoscaler.max_replicas",
                    "\(maximum) is below min_replicas (\(minimum))"
                )
            }
            kubernetes.autoscaler = .init(minReplicas: minimum, maxReplicas: maximum, cpuPercent: cpu)
        }
        return kubernetes
    }

    mutating func decodeGateway(_ node: Node) throws(SpecError) -> KubernetesSpec.Gateway {
        let f = try fields(node, at: "kubernetes.gateway", allowed: SpecReader.gatewayKeys)
        guard let addressesNode = f["addresses"], !SpecReader.isNull(addressesNode) else {
            throw error(
                .missingKey,
                node,
                "kubernetes.gateway.addresses",
                "is required: the address range of the gateway's pods, which the app trusts (e.g. [10.244.0.0/16])"
            )
        }
        var addresses: [CIDR] = []
        for (item, itemPath) in try list(addressesNode, at: "kubernetes.gateway.addresses") {
            let block = try cidr(item, at: itemPath)
            if block.matchesEverything {
                throw error(
                    .trustsEveryone,
                    item,
                    itemPath,
                    "\(block) is every address: the app would believe anyone's X-Forwarded-For; "
                        + "name the gateway pods' range (the cluster's pod CIDR or the gateway's node range)"
                )
            }
            addresses.append(block)
        }
        if addresses.isEmpty {
            throw error(
                .missingKey,
                addressesNode,
                "kubernetes.gateway.addresses",
                "is empty: name the gateway's range"
            )
        }
        var gateway = KubernetesSpec.Gateway(addresses: addresses)
        if let n = f["implementation"], !SpecReader.isNull(n) {
            let word = try word(
                n,
                at: "kubernetes.gateway.implementation",
                oneOf: KubernetesSpec.Gateway.Implementation.allCases.map(\.rawValue)
            )
            gateway.implementation = KubernetesSpec.Gateway.Implementation(rawValue: word) ?? .other
        }
        if let n = f["class"], !SpecReader.isNull(n) {
            gateway.className = try dnsName(n, at: "kubernetes.gateway.class")
        }
        if let n = f["name"], !SpecReader.isNull(n) { gateway.name = try dnsName(n, at: "kubernetes.gateway.name") }
        if let n = f["namespace"], !SpecReader.isNull(n) {
            gateway.namespace = try dnsLabel(n, at: "kubernetes.gateway.namespace")
        }
        if let n = f["pod_labels"], !SpecReader.isNull(n) {
            gateway.podLabels = try labels(n, at: "kubernetes.gateway.pod_labels")
        }
        if let n = f["hops"], !SpecReader.isNull(n) {
            gateway.hops = try int(n, at: "kubernetes.gateway.hops", in: 0...16)
        }
        return gateway
    }

    /// A mapping of Kubernetes labels, keys and values checked as the API server checks them.
    mutating func labels(_ node: Node, at keyPath: String) throws(SpecError) -> [KubernetesSpec.Label] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, node, keyPath, "expected a mapping of label: value")
        }
        var labels: [KubernetesSpec.Label] = []
        for (keyNode, valueNode) in mapping {
            let key = try string(keyNode, at: keyPath)
            let path = "\(keyPath).\(key)"
            if let problem = KubernetesNames.labelKeyProblem(key) { throw error(.invalidValue, keyNode, path, problem) }
            let value = try string(valueNode, at: path)
            if let problem = KubernetesNames.labelValueProblem(value) {
                throw error(.invalidValue, valueNode, path, problem)
            }
            locations.keys[path] = location(of: keyNode)
            locations.values[path] = location(of: valueNode)
            labels.append(.init(key: key, value: value))
        }
        if labels.isEmpty { throw error(.missingKey, node, keyPath, "is empty: name the labels of the gateway's pods") }
        return labels
    }

    func dnsLabel(_ node: Node, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = KubernetesNames.dnsLabelProblem(text) { throw error(.invalidValue, node, path, problem) }
        return text
    }

    func dnsName(_ node: Node, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = KubernetesNames.dnsSubdomainProblem(text) { throw error(.invalidValue, node, path, problem) }
        return text
    }

    func image(_ node: Node, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        let allowed = text.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "./:-_@".unicodeScalars.contains($0))
        }
        guard !text.isEmpty, text.utf8.count <= 512, allowed else {
            throw error(.invalidValue, node, path, "'\(text)' is not an image reference (registry/name:tag or @digest)")
        }
        return text
    }
}
