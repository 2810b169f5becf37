import GreenroomCore

/// The `kubernetes:` section: present means the cluster topology.
///
/// The app runs in pods behind a Gateway API gateway. Each pod binds its own address (the
/// Deployment sets `GREENROOM_HOST` from the downward API's `status.podIP`), and the app trusts
/// exactly ``Gateway-swift.struct/addresses``, the gateway pods' range (the default `app.trust`).
/// What keeps everyone else away from the pod is the generated NetworkPolicy, not a loopback bind.
public struct KubernetesSpec: Sendable, Hashable {
    /// `kubernetes.namespace`: the app's namespace (default: ``AppSpec/name``).
    public var namespace: String? = nil
    /// `kubernetes.image`: the container image (required, no default).
    public var image: String
    /// `kubernetes.replicas`: the Deployment's replica count.
    public var replicas: Int = 2
    /// `kubernetes.gateway`: the gateway in front of the app.
    public var gateway: Gateway
    /// `kubernetes.disruption_budget`: a PodDisruptionBudget when present.
    public var disruptionBudget: DisruptionBudget? = nil
    /// `kubernetes.autoscaler`: a HorizontalPodAutoscaler when present.
    public var autoscaler: Autoscaler? = nil

    /// Creates a section from its required values.
    public init(image: String, gateway: Gateway) {
        self.image = image
        self.gateway = gateway
    }

    /// The top-level keys of the section.
    public static let keys = ["namespace", "image", "replicas", "gateway", "disruption_budget", "autoscaler"]

    /// `kubernetes.gateway`: the Gateway API gateway and the pods that run it.
    public struct Gateway: Sendable, Hashable {
        /// The gateway implementations `kubernetes.gateway.implementation` accepts.
        public enum Implementation: String, Sendable, Hashable, CaseIterable {
            /// Envoy Gateway: a `ClientTrafficPolicy` sets its client-IP detection.
            case envoyGateway = "envoy-gateway"
            /// Any other Gateway API implementation: its client-IP settings are yours to make.
            case other
        }

        /// `implementation`.
        public var implementation: Implementation = .envoyGateway
        /// `class`: the Gateway's `gatewayClassName`.
        public var className: String = "eg"
        /// `name`: the Gateway's name (default: ``AppSpec/name``).
        public var name: String? = nil
        /// `namespace`: where the gateway's pods run (the NetworkPolicy's namespace selector).
        public var namespace: String = "envoy-gateway-system"
        /// `pod_labels`: the labels that select the gateway's pods, in the order written.
        public var podLabels: [Label] = [Label(key: "app.kubernetes.io/name", value: "envoy")]
        /// `addresses`: the gateway pods' address range (required); the app trusts exactly this.
        public var addresses: [CIDR]
        /// `hops`: trusted proxies in front of the gateway (0: the gateway is the edge).
        public var hops: Int = 0

        /// Creates a gateway description from its required address range.
        public init(addresses: [CIDR]) { self.addresses = addresses }

        /// The keys of `kubernetes.gateway`.
        public static let keys = ["implementation", "class", "name", "namespace", "pod_labels", "addresses", "hops"]
    }

    /// One Kubernetes label, `key: value`.
    public struct Label: Sendable, Hashable {
        /// The key, optionally with a DNS prefix (`app.kubernetes.io/name`).
        public var key: String
        /// The value.
        public var value: String

        /// Creates a label.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// `kubernetes.disruption_budget`.
    public struct DisruptionBudget: Sendable, Hashable {
        /// `min_available`: pods kept during voluntary disruptions.
        public var minAvailable: Int

        /// Creates a budget.
        public init(minAvailable: Int) { self.minAvailable = minAvailable }
    }

    /// `kubernetes.autoscaler`.
    public struct Autoscaler: Sendable, Hashable {
        /// `min_replicas`.
        public var minReplicas: Int
        /// `max_replicas` (at least `min_replicas`).
        public var maxReplicas: Int
        /// `cpu_percent`: the target average CPU utilisation.
        public var cpuPercent: Int

        /// Creates an autoscaler.
        public init(minReplicas: Int, maxReplicas: Int, cpuPercent: Int) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.cpuPercent = cpuPercent
        }
    }
}

extension KubernetesSpec {
    /// ``namespace`` or the app's name.
    public func effectiveNamespace(app: AppSpec) -> String { namespace ?? app.name }

    /// The gateway's name, or the app's name.
    public func gatewayName(app: AppSpec) -> String { gateway.name ?? app.name }
}
