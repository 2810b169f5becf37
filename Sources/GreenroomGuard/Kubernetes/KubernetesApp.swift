/// Which workloads are the Greenroom app, and which of their containers run it.
///
/// A container is the app when its `command`/`args` run `greenroom serve` (a word ending in
/// `greenroom` followed by `serve`), or when it sets an environment variable `GREENROOM_*`
/// (the generated Deployment sets `GREENROOM_HOST` from the pod address). Those signals name the
/// app whatever the manifests' labels or file layout. When no container carries them (an app
/// that embeds the trust layer in its own binary), the app is every workload whose pods are
/// selected by a Service that an HTTPRoute or Ingress sends traffic to, all its containers.
package struct KubernetesApp: Sendable, Hashable {
    /// How a workload was recognised.
    package enum Evidence: String, Sendable, Hashable {
        /// A container runs `greenroom serve` or sets `GREENROOM_*`.
        case container
        /// A Service an HTTPRoute routes to selects its pods.
        case route
    }

    /// The workload.
    package var workload: KubernetesWorkload
    /// Its containers that run the app (not init containers or sidecars, when it can tell).
    package var containers: [ManifestNode]
    /// How it was recognised.
    package var evidence: Evidence

    /// The app's workloads among `workloads`.
    static func find(in index: KubernetesIndex, workloads: [KubernetesWorkload]) -> [KubernetesApp] {
        let direct = workloads.compactMap { workload -> KubernetesApp? in
            let containers = (workload.podSpec["containers"]?.items ?? []).filter(isGreenroom)
            return containers.isEmpty
                ? nil : KubernetesApp(workload: workload, containers: containers, evidence: .container)
        }
        if !direct.isEmpty { return direct }
        let routed = Set(routedServices(index).map(\.location))
        return workloads.filter { workload in
            index.services(selecting: workload).contains { routed.contains($0.location) }
        }.map { KubernetesApp(workload: $0, containers: $0.podSpec["containers"]?.items ?? [], evidence: .route) }
    }

    /// `true` when `container` runs `greenroom serve` or sets `GREENROOM_*`.
    static func isGreenroom(_ container: ManifestNode) -> Bool {
        let words = KubernetesWorkload.words(of: container).map(\.word)
        for (index, word) in words.enumerated().dropLast()
        where (word == "greenroom" || word.hasSuffix("/greenroom")) && words[index + 1] == "serve" {
            return true
        }
        return (container["env"]?.items ?? []).contains { $0["name"]?.text?.hasPrefix("GREENROOM_") == true }
    }

    /// The Services named by the backendRefs of the HTTPRoutes (kind Service, core group) and by
    /// the backends of the Ingresses.
    static func routedServices(_ index: KubernetesIndex) -> [KubernetesObject] {
        var found: [KubernetesObject] = []
        func add(_ name: String, namespace: String?) {
            found += index.objects("Service", group: "").filter { service in
                guard service.name == name else { return false }
                guard let namespace, let theirs = service.namespace else { return true }
                return namespace == theirs
            }
        }
        for ingress in index.objects("Ingress", group: "networking.k8s.io") {
            var backends = [ingress.root.at("spec", "defaultBackend")]
            for rule in ingress.root.at("spec", "rules")?.items ?? [] {
                backends += (rule.at("http", "paths")?.items ?? []).map { $0["backend"] }
            }
            for case let name? in backends.map({ $0?.at("service", "name")?.text }) {
                add(name, namespace: ingress.namespace)
            }
        }
        for route in index.objects("HTTPRoute", group: "gateway.networking.k8s.io") {
            for rule in route.root.at("spec", "rules")?.items ?? [] {
                for reference in rule["backendRefs"]?.items ?? [] {
                    guard (reference["kind"]?.text ?? "Service") == "Service", (reference["group"]?.text ?? "") == "",
                        let name = reference["name"]?.text
                    else { continue }
                    add(name, namespace: reference["namespace"]?.text ?? route.namespace)
                }
            }
        }
        return found
    }
}
