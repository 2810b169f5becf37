import GreenroomConfigParsing

/// The objects of a set of manifests grouped for the rules' look-ups, so that a check stays
/// linear in the number of objects: by kind, Services and NetworkPolicies by one label of their
/// selector, ConfigMaps by name.
struct KubernetesIndex: Sendable {
    private var byKind: [String: [KubernetesObject]] = [:]
    private var servicesByLabel: [String: [KubernetesObject]] = [:]
    private var policiesByLabel: [String: [KubernetesObject]] = [:]
    /// NetworkPolicies whose podSelector has no matchLabels (everything, or expressions only).
    private var policiesUnindexed: [KubernetesObject] = []
    private var configMapsByName: [String: [KubernetesObject]] = [:]

    init(_ manifests: KubernetesManifests) {
        for object in manifests.objects { byKind["\(object.group)/\(object.kind)", default: []].append(object) }
        for service in objects("Service", group: "") {
            let selector = LabelSelector.labels(service.root.at("spec", "selector"))
            if let first = selector.min(by: { $0.key < $1.key }) {
                servicesByLabel[Self.pair(first.key, first.value), default: []].append(service)
            }
        }
        for policy in objects("NetworkPolicy", group: "networking.k8s.io") {
            let labels = LabelSelector.labels(policy.root.at("spec", "podSelector", "matchLabels"))
            if let first = labels.min(by: { $0.key < $1.key }) {
                policiesByLabel[Self.pair(first.key, first.value), default: []].append(policy)
            } else {
                policiesUnindexed.append(policy)
            }
        }
        for map in objects("ConfigMap", group: "") { configMapsByName[map.name ?? "", default: []].append(map) }
    }

    private static func pair(_ key: String, _ value: String) -> String { "\(key)=\(value)" }

    /// The objects `kind` in `group` (`""` for the core group), in file order.
    func objects(_ kind: String, group: String) -> [KubernetesObject] { byKind["\(group)/\(kind)"] ?? [] }

    /// The Services whose selector selects `workload`'s pods.
    func services(selecting workload: KubernetesWorkload) -> [KubernetesObject] {
        candidates(servicesByLabel, workload.labels).filter { service in
            service.mayShareNamespace(with: workload.object)
                && LabelSelector.service(service.root.at("spec", "selector"), selects: workload.labels)
        }
    }

    /// The NetworkPolicies whose podSelector may select `workload`'s pods (the caller checks).
    func policies(near workload: KubernetesWorkload) -> [KubernetesObject] {
        (candidates(policiesByLabel, workload.labels) + policiesUnindexed).filter {
            $0.mayShareNamespace(with: workload.object)
        }
    }

    /// The ConfigMap `name` that `workload` can read.
    func configMap(_ name: String?, for workload: KubernetesObject) -> KubernetesObject? {
        guard let name else { return nil }
        return configMapsByName[name]?.first { $0.mayShareNamespace(with: workload) }
    }

    /// The indexed objects filed under one of `labels`, in file order, each once.
    private func candidates(_ table: [String: [KubernetesObject]], _ labels: [String: String]) -> [KubernetesObject] {
        var seen = Set<SourceLocation>()
        var found: [KubernetesObject] = []
        for (key, value) in labels {
            for object in table[Self.pair(key, value)] ?? [] where seen.insert(object.location).inserted {
                found.append(object)
            }
        }
        return found.sorted { $0.location < $1.location }
    }
}
