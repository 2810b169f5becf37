import GreenroomCore

/// The `kubernetes:` section: the app runs in a cluster behind a Gateway API gateway (the cluster
/// topology), and trusts exactly the gateway's address range.
///
/// `greenroom check --config greenroom.yml --kubernetes DIR` judges the manifests against it:
/// the app's trust list may not be wider than ``Gateway/addresses``, and the gateway may not
/// believe more client-supplied hops than ``Gateway/hops``.
///
/// ```yaml
/// kubernetes:
///   image: registry.example.com/greenroom:1.0.0
///   gateway:
///     addresses: [10.244.0.0/16]
/// ```
public struct KubernetesSpec: Sendable, Hashable {
    /// `kubernetes.namespace`: the app's namespace (default: ``AppSpec/name``).
    public var namespace: String? = nil
    /// `kubernetes.image`: the container image that runs `greenroom serve` (or the app).
    public var image: String? = nil
    /// `kubernetes.replicas`: how many pods (default 2).
    public var replicas: Int = 2
    /// `kubernetes.gateway`: the gateway in front of the app.
    public var gateway: Gateway
    /// `kubernetes.disruption_budget.min_available`: pods kept during voluntary disruptions.
    public var minAvailable: Int? = nil
    /// `kubernetes.autoscaler`: scale between a minimum and a maximum on CPU.
    public var autoscaler: Autoscaler? = nil

    /// A section for a gateway whose pods have `addresses`.
    public init(gateway: Gateway) { self.gateway = gateway }

    /// The Gateway API gateway in front of the app.
    public struct Gateway: Sendable, Hashable {
        /// `kubernetes.gateway.implementation`: `envoy-gateway` (the default) or `other`.
        public var implementation: Implementation = .envoyGateway
        /// `kubernetes.gateway.class`: the `gatewayClassName` (default `eg`).
        public var className: String = "eg"
        /// `kubernetes.gateway.name`: the `Gateway`'s name (default: ``AppSpec/name``).
        public var name: String? = nil
        /// `kubernetes.gateway.namespace`: where the gateway's pods run (default
        /// `envoy-gateway-system`), for the NetworkPolicy's `namespaceSelector`.
        public var namespace: String = "envoy-gateway-system"
        /// `kubernetes.gateway.pod_labels`: the labels that select the gateway's pods, in the
        /// order written (default `app.kubernetes.io/name: envoy`).
        public var podLabels: [Label] = [Label(key: "app.kubernetes.io/name", value: "envoy")]
        /// `kubernetes.gateway.addresses`: the gateway pods' address range; required. The app
        /// trusts exactly this (``AppSpec/trust`` defaults to it).
        public var addresses: [CIDR]
        /// `kubernetes.gateway.hops`: the trusted proxies in front of the gateway (a cloud load
        /// balancer that appends to `X-Forwarded-For`); 0, the default, makes the gateway the edge.
        public var hops: Int = 0

        /// A gateway whose pods have `addresses`.
        public init(addresses: [CIDR]) { self.addresses = addresses }

        /// Which gateway implementation runs it.
        public enum Implementation: String, Sendable, Hashable, CaseIterable {
            /// Envoy Gateway: its `ClientTrafficPolicy` sets the client-IP detection.
            case envoyGateway = "envoy-gateway"
            /// Any other Gateway API implementation.
            case other
        }
    }

    /// A Kubernetes label.
    public struct Label: Sendable, Hashable {
        /// The key, e.g. `app.kubernetes.io/name`.
        public var key: String
        /// The value.
        public var value: String

        /// A label.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// `kubernetes.autoscaler`: a HorizontalPodAutoscaler on CPU.
    public struct Autoscaler: Sendable, Hashable {
        /// `min_replicas`.
        public var minReplicas: Int
        /// `max_replicas`.
        public var maxReplicas: Int
        /// `cpu_percent`: the average CPU utilisation to aim for.
        public var cpuPercent: Int

        /// An autoscaler.
        public init(minReplicas: Int, maxReplicas: Int, cpuPercent: Int) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.cpuPercent = cpuPercent
        }
    }
}
