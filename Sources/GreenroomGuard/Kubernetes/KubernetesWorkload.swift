import GreenroomConfigParsing

/// An object that runs pods (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
/// ReplicationController, or a bare Pod), reduced to its pod template.
package struct KubernetesWorkload: Sendable, Hashable {
    /// The object.
    package var object: KubernetesObject
    /// The labels its pods carry (the template's `metadata.labels`).
    package var labels: [String: String]
    /// The pod spec (`spec.template.spec`, or a Pod's `spec`).
    package var podSpec: ManifestNode
    /// The containers and init containers.
    package var containers: [ManifestNode]

    /// The pod template's path under each workload kind, by API group.
    private static let templates: [String: (groups: Set<String>, path: [String])] = [
        "Deployment": (["apps", "extensions"], ["spec", "template"]),
        "StatefulSet": (["apps"], ["spec", "template"]),
        "DaemonSet": (["apps", "extensions"], ["spec", "template"]),
        "ReplicaSet": (["apps", "extensions"], ["spec", "template"]),
        "ReplicationController": ([""], ["spec", "template"]),
        "Job": (["batch"], ["spec", "template"]),
        "CronJob": (["batch"], ["spec", "jobTemplate", "spec", "template"]),
        "Pod": ([""], []),
    ]

    /// The workload `object` is, or `nil` when it runs no pods.
    package init?(_ object: KubernetesObject) {
        guard let known = Self.templates[object.kind], known.groups.contains(object.group) || object.apiVersion.isEmpty
        else { return nil }
        var template: ManifestNode? = object.root
        for key in known.path { template = template?[key] }
        guard let template, let podSpec = template["spec"], podSpec.isMapping else { return nil }
        self.object = object
        self.podSpec = podSpec
        self.labels = LabelSelector.labels(template.at("metadata", "labels"))
        self.containers = (podSpec["initContainers"]?.items ?? []) + (podSpec["containers"]?.items ?? [])
    }

    /// All workloads among `objects`.
    package static func all(in manifests: KubernetesManifests) -> [KubernetesWorkload] {
        manifests.objects.compactMap(KubernetesWorkload.init)
    }

    /// A container's `command` and `args`, each split at white space (so `sh -c "greenroom serve
    /// --trust X"` is seen too), with the location of the item each word came from.
    package static func words(of container: ManifestNode) -> [(word: String, location: SourceLocation)] {
        var words: [(String, SourceLocation)] = []
        for key in ["command", "args"] {
            for item in container[key]?.items ?? [] {
                guard let text = item.text else { continue }
                for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                    words.append((String(word), item.location))
                }
            }
        }
        return words
    }
}
