import GreenroomCore

/// The Kubernetes rules (`GR160`–`GR189`) over a set of manifests.
///
/// Which workloads are "the app" is decided by ``KubernetesApp``; the rules about exposure,
/// isolation, privileges and trust judge those, and the rules about the gateway judge the
/// gateway's own objects (`ClientTrafficPolicy`, the ingress-nginx `ConfigMap`, `LoadBalancer`
/// Services).
package struct KubernetesChecker: Sendable {
    /// The gateway pods' address ranges (the spec's `kubernetes.gateway.addresses`), or `nil`:
    /// then they are taken from the `ipBlock`s of the NetworkPolicies that admit traffic to the app.
    package var gatewayRanges: [CIDR]?
    /// The proxies in front of the gateway (the spec's `kubernetes.gateway.hops`), or `nil` when
    /// unknown: then any trusted hop count on the gateway is a warning rather than an error.
    package var gatewayHops: Int?

    /// Creates a checker.
    package init(gatewayRanges: [CIDR]? = nil, gatewayHops: Int? = nil) {
        self.gatewayRanges = gatewayRanges
        self.gatewayHops = gatewayHops
    }

    /// Every finding for `manifests`.
    package func check(_ manifests: KubernetesManifests) -> [Finding] {
        []
    }
}
