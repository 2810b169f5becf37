import GreenroomConfigParsing
import GreenroomCore

extension KubernetesChecker {
    /// The NetworkPolicies that select the app's pods and restrict their ingress (`policyTypes`
    /// names Ingress, or is not written).
    static func policies(isolating app: KubernetesApp, in index: KubernetesIndex) -> [KubernetesObject] {
        index.policies(near: app.workload).filter { policy in
            guard LabelSelector.matches(policy.root.at("spec", "podSelector"), app.workload.labels, absent: true)
            else { return false }
            let types = (policy.root.at("spec", "policyTypes")?.items ?? []).compactMap(\.text)
            return types.isEmpty || types.contains("Ingress")
        }
    }

    /// GR161, GR162, GR163; and the `ipBlock` ranges the policies admit (the gateway's range when
    /// the spec does not name one).
    func isolation(of app: KubernetesApp, in index: KubernetesIndex) -> (findings: [Finding], ranges: [CIDR]) {
        let policies = Self.policies(isolating: app, in: index)
        let workload = app.workload.object
        guard !policies.isEmpty else {
            let labels = app.workload.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return (
                [
                    Rule.kubernetesNoNetworkPolicy.finding(
                        at: workload.location,
                        "no NetworkPolicy selects the pods of \(workload.reference)"
                            + (labels.isEmpty ? "" : " (\(labels.joined(separator: ", ")))")
                            + ": every pod in the cluster can connect to the app and forge its client address",
                        fix: "add a NetworkPolicy with this podSelector and policyTypes [Ingress] that admits only "
                            + "the gateway's namespace and pods"
                    )
                ], []
            )
        }
        var findings: [Finding] = []
        var ranges: [CIDR] = []
        var admitted: [(block: CIDR, text: String, location: SourceLocation, policy: KubernetesObject)] = []
        for policy in policies {
            for rule in policy.root.at("spec", "ingress")?.items ?? [] {
                guard let from = rule["from"], !from.items.isEmpty else {
                    findings.append(
                        Rule.kubernetesNetworkPolicyOpen.finding(
                            at: rule.location,
                            "\(policy.reference) has an ingress rule without `from`: it admits every source to "
                                + "\(workload.reference)",
                            fix: "list the gateway under `from` (namespaceSelector + podSelector, or ipBlock)"
                        )
                    )
                    continue
                }
                for peer in from.items {
                    if let cidr = peer.at("ipBlock", "cidr"), let text = cidr.text {
                        if let block = try? CIDR(parsing: text) {
                            if block.matchesEverything {
                                findings.append(
                                    Rule.kubernetesNetworkPolicyOpen.finding(
                                        at: cidr.location,
                                        "\(policy.reference) admits ipBlock \(text): every address reaches "
                                            + "\(workload.reference)",
                                        fix: "admit the gateway pods' range only (cidr: 10.244.0.0/16 or what the "
                                            + "spec's kubernetes.gateway.addresses says)"
                                    )
                                )
                            } else {
                                ranges.append(block)
                                admitted.append((block, text, cidr.location, policy))
                            }
                        }
                    }
                    let namespaces = peer.entry("namespaceSelector")
                    let pods = peer.entry("podSelector")
                    if let namespaces, LabelSelector.isEverything(namespaces.value),
                        pods.map({ LabelSelector.isEverything($0.value) }) ?? true
                    {
                        findings.append(
                            Rule.kubernetesNetworkPolicyWide.finding(
                                at: namespaces.keyLocation,
                                "\(policy.reference) admits every pod of every namespace to \(workload.reference)",
                                fix: "select the gateway's namespace (matchLabels: {kubernetes.io/metadata.name: ...}) "
                                    + "and its pods"
                            )
                        )
                    } else if namespaces == nil, let pods, LabelSelector.isEverything(pods.value) {
                        findings.append(
                            Rule.kubernetesNetworkPolicyWide.finding(
                                at: pods.keyLocation,
                                "\(policy.reference) admits every pod of its namespace to \(workload.reference)",
                                fix: "select the gateway's pods (podSelector.matchLabels) and namespace"
                            )
                        )
                    }
                }
            }
        }
        // ipBlocks that together cover a whole family (0.0.0.0/1 + 128.0.0.0/1) admit everyone too;
        // other blocks of a whole private network or wider admit every pod and node in them.
        let covered = AddressCoverage.familiesCovered(by: admitted.map(\.block))
        for wide in admitted where !covered.contains(wide.block.network.family) {
            guard AddressCoverage.isHuge(wide.block) || AddressCoverage.containsWholePrivateNetwork(wide.block)
            else { continue }
            findings.append(
                Rule.kubernetesNetworkPolicyWide.finding(
                    at: wide.location,
                    "\(wide.policy.reference) admits ipBlock \(wide.text), a whole private network or more: every "
                        + "pod and node in it reaches \(workload.reference)",
                    fix: "admit the gateway pods' range only, or select the gateway by namespaceSelector and "
                        + "podSelector"
                )
            )
        }
        for family in covered {
            let parts = admitted.filter { $0.block.network.family == family }
            findings.append(
                Rule.kubernetesNetworkPolicyOpen.finding(
                    at: parts[0].location,
                    "\(parts[0].policy.reference) admits ipBlocks \(parts.map(\.text).joined(separator: ", ")), which "
                        + "together are every \(family == .v4 ? "IPv4" : "IPv6") address: everyone reaches "
                        + workload.reference,
                    fix: "admit the gateway pods' range only"
                )
            )
            ranges.removeAll { $0.network.family == family }
        }
        return (findings, ranges)
    }
}
