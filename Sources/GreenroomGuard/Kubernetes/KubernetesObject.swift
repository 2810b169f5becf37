import GreenroomConfigParsing

/// One object of a Kubernetes manifest (one YAML document, or one item of a `kind: List`): its
/// kind, API group, name and namespace, and the whole document as a located tree.
package struct KubernetesObject: Sendable, Hashable {
    /// `Deployment`, `Service`, `NetworkPolicy`, ...
    package var kind: String
    /// `apps/v1`, `v1`, `gateway.networking.k8s.io/v1`, ... (empty when not written).
    package let apiVersion: String
    /// The API group: the part of `apiVersion` before `/`, empty for the core group (`v1`).
    package let group: String
    /// `metadata.name`, when written.
    package var name: String?
    /// `metadata.namespace`, when written (`nil`: whatever namespace it is applied to).
    package var namespace: String?
    /// The document.
    package var root: ManifestNode
    /// Where the object's `kind:` value is: the place findings about the object as a whole point at.
    package var location: SourceLocation

    /// Creates an object.
    package init(
        kind: String,
        apiVersion: String,
        name: String?,
        namespace: String?,
        root: ManifestNode,
        location: SourceLocation
    ) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.group = apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
        self.name = name
        self.namespace = namespace
        self.root = root
        self.location = location
    }

    /// `true` for `kind` in `group` (the group is what tells a Gateway API `Gateway` from Istio's).
    package func `is`(_ kind: String, group: String) -> Bool { self.kind == kind && self.group == group }

    /// `Kind/name` for messages (`Service/web`).
    package var reference: String { "\(kind)/\(name ?? "(unnamed)")" }

    /// `true` when `other` can be in the same namespace: equal namespaces, or either one not
    /// written (a manifest without a namespace lands in whatever namespace it is applied to).
    package func mayShareNamespace(with other: KubernetesObject) -> Bool {
        guard let mine = namespace, let theirs = other.namespace else { return true }
        return mine == theirs
    }
}
