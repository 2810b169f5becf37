import GreenroomCore

extension Rule {
    /// GR160.
    public static let kubernetesServiceExposed = Rule(
        id: .kubernetesServiceExposed,
        severity: .error,
        scope: .kubernetes,
        title: "the app's Service is reachable from outside the cluster",
        rationale: """
            A Service of type NodePort or LoadBalancer, or with externalIPs, that selects the \
            app's pods opens the app's port on every node or on a cloud load balancer: clients \
            reach it around the gateway, and whatever X-Forwarded-For they send arrives from an \
            address the app may trust. Only the gateway should be exposed; the app's Service is \
            ClusterIP.
            """,
        bad: "kind: Service\nspec:\n  type: LoadBalancer\n  selector: {app: web}",
        good: "kind: Service\nspec:\n  type: ClusterIP\n  selector: {app: web}"
    )

    /// GR161.
    public static let kubernetesNoNetworkPolicy = Rule(
        id: .kubernetesNoNetworkPolicy,
        severity: .error,
        scope: .kubernetes,
        title: "no NetworkPolicy limits who reaches the app's pods",
        rationale: """
            In a cluster the app binds the pod address, which every pod in every namespace can \
            connect to. What replaces "bind loopback" is a NetworkPolicy that selects the app's \
            pods and admits only the gateway; without one, any pod can send the app forged \
            forwarding headers from inside the range the app trusts. (The cluster's network \
            plugin must enforce NetworkPolicy.)
            """,
        bad: "kind: Deployment\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n# no NetworkPolicy",
        good: """
            kind: NetworkPolicy
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress]
              ingress:
              - from:
                - namespaceSelector:
                    matchLabels: {kubernetes.io/metadata.name: envoy-gateway-system}
                  podSelector:
                    matchLabels: {app.kubernetes.io/name: envoy}
            """
    )

    /// GR162.
    public static let kubernetesNetworkPolicyOpen = Rule(
        id: .kubernetesNetworkPolicyOpen,
        severity: .error,
        scope: .kubernetes,
        title: "a NetworkPolicy admits everyone to the app's pods",
        rationale: """
            NetworkPolicies add up: one ingress rule without `from` (`- {}`), with an empty \
            `from`, or with an ipBlock of 0.0.0.0/0 or ::/0 admits every source, whatever the \
            other rules say, and the app is as open as with no policy at all.
            """,
        bad: "kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - {}",
        good: """
            kind: NetworkPolicy
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
              - from:
                - ipBlock: {cidr: 10.244.0.0/16}
            """
    )

    /// GR163.
    public static let kubernetesNetworkPolicyWide = Rule(
        id: .kubernetesNetworkPolicyWide,
        severity: .warning,
        scope: .kubernetes,
        title: "a NetworkPolicy admits every pod of a namespace or of the cluster",
        rationale: """
            `namespaceSelector: {}` without a podSelector admits every pod of every namespace; \
            a lone `podSelector: {}` every pod of the app's namespace; an ipBlock of a whole \
            private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7) or wider than \
            a /8 every pod and node in it, which in most clusters is all of them. Any of them can \
            reach the app directly; admit the gateway's namespace and pods only.
            """,
        bad: "ingress:\n- from:\n  - namespaceSelector: {}",
        good: """
            ingress:
            - from:
              - namespaceSelector:
                  matchLabels: {kubernetes.io/metadata.name: envoy-gateway-system}
                podSelector:
                  matchLabels: {app.kubernetes.io/name: envoy}
            """
    )

    /// GR164.
    public static let kubernetesHostNetwork = Rule(
        id: .kubernetesHostNetwork,
        severity: .error,
        scope: .kubernetes,
        title: "the app's pods use the node's network",
        rationale: """
            With `hostNetwork: true` the app listens on the node's addresses, where anyone who \
            reaches the node reaches the app, and NetworkPolicy (which selects pod addresses) \
            no longer applies to it.
            """,
        bad: "spec:\n  template:\n    spec:\n      hostNetwork: true",
        good: "spec:\n  template:\n    spec:\n      hostNetwork: false"
    )

    /// GR165.
    public static let kubernetesHostPort = Rule(
        id: .kubernetesHostPort,
        severity: .error,
        scope: .kubernetes,
        title: "the app's container publishes a host port",
        rationale: """
            `hostPort` forwards a port of the node to the app's container: a way in around the \
            gateway that many network plugins do not subject to NetworkPolicy.
            """,
        bad: "ports:\n- containerPort: 8000\n  hostPort: 8000",
        good: "ports:\n- containerPort: 8000"
    )

    /// GR166.
    public static let kubernetesRunAsRoot = Rule(
        id: .kubernetesRunAsRoot,
        severity: .error,
        scope: .kubernetes,
        title: "the app's container runs as root",
        rationale: """
            `runAsUser: 0` (in the container's securityContext, or the pod's when the container \
            sets none) runs the app as root, which `greenroom serve` refuses, and which turns \
            any bug into a root compromise of the container.
            """,
        bad: "securityContext:\n  runAsUser: 0",
        good: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001"
    )

    /// GR167.
    public static let kubernetesRunAsNonRootMissing = Rule(
        id: .kubernetesRunAsNonRootMissing,
        severity: .warning,
        scope: .kubernetes,
        title: "the app's container may run as root (runAsNonRoot not set)",
        rationale: """
            Without `runAsNonRoot: true` (container level, or pod level when the container does \
            not say), the container runs as whatever user the image names, root when it names \
            none; the kubelet refuses to start a root container only when runAsNonRoot is true.
            """,
        bad: "containers:\n- name: app\n  image: registry.example.com/greenroom:1.0.0",
        good: """
            containers:
            - name: app
              image: registry.example.com/greenroom:1.0.0
              securityContext: {runAsNonRoot: true, runAsUser: 10001}
            """
    )

    /// GR168.
    public static let kubernetesTrustEveryone = Rule(
        id: .kubernetesTrustEveryone,
        severity: .error,
        scope: .kubernetes,
        title: "the app trusts every address",
        rationale: """
            A trust list with 0.0.0.0/0, ::/0 or `*` ("because pod IPs change") lets any client \
            that reaches the app choose its own address with X-Forwarded-For. Trust the \
            gateway pods' range (the spec's kubernetes.gateway.addresses), nothing else.
            """,
        bad: "args: [serve, --trust, 0.0.0.0/0]",
        good: "args: [serve, --trust, 10.244.0.0/16]"
    )

    /// GR169.
    public static let kubernetesTrustBeyondGateway = Rule(
        id: .kubernetesTrustBeyondGateway,
        severity: .warning,
        scope: .kubernetes,
        title: "the app trusts more than the gateway's addresses",
        rationale: """
            An entry of the app's trust list (`--trust` or GREENROOM_TRUST) that is not inside \
            the gateway's range (the spec's, or the ipBlocks of the NetworkPolicy that admits \
            traffic to the app) lets other hosts or pods choose the client address. With no \
            range known, an entry of a whole private network (10.0.0.0/8, ...) or wider than a \
            /8 is reported: no gateway is that large.
            """,
        bad: "# NetworkPolicy admits ipBlock 10.244.0.0/16\nenv:\n- {name: GREENROOM_TRUST, value: \"10.0.0.0/8\"}",
        good: "env:\n- {name: GREENROOM_TRUST, value: \"10.244.0.0/16\"}"
    )

    /// GR170.
    public static let kubernetesGatewayTrustsClient = Rule(
        id: .kubernetesGatewayTrustsClient,
        severity: .error,
        scope: .kubernetes,
        title: "Envoy Gateway believes client-sent X-Forwarded-For",
        rationale: """
            A ClientTrafficPolicy with `numTrustedHops` larger than the number of proxies in \
            front of the gateway, or with `trustedCIDRs` of 0.0.0.0/0, makes Envoy take the \
            client address from X-Forwarded-For entries the client wrote, and the app believes \
            Envoy. At the edge (no proxy in front) the count is 0. A `customHeader` at the edge \
            takes the address from a header the client sends. Without a spec saying how many \
            proxies there are, a count above 0 or a custom header is a warning.
            """,
        bad: "kind: ClientTrafficPolicy\nspec:\n  clientIPDetection:\n    xForwardedFor:\n      numTrustedHops: 2",
        good: "kind: ClientTrafficPolicy\nspec:\n  clientIPDetection:\n    xForwardedFor:\n      numTrustedHops: 0"
    )

    /// GR171.
    public static let kubernetesIngressNginxForwardedHeaders = Rule(
        id: .kubernetesIngressNginxForwardedHeaders,
        severity: .error,
        scope: .kubernetes,
        title: "ingress-nginx believes X-Forwarded-For from anyone",
        rationale: """
            `use-forwarded-headers: "true"` (or `enable-real-ip: "true"`) makes ingress-nginx \
            take the client address from X-Forwarded-For (or `forwarded-for-header`), and with \
            `proxy-real-ip-cidr` unset it believes the header from every address (the default \
            is 0.0.0.0/0). At the edge, leave it off; behind a \
            load balancer, name the balancer's range.
            """,
        bad: "kind: ConfigMap\ndata:\n  use-forwarded-headers: \"true\"",
        good: "kind: ConfigMap\ndata:\n  use-forwarded-headers: \"true\"\n  proxy-real-ip-cidr: \"10.0.0.10/32\""
    )

    /// GR172.
    public static let kubernetesIngressNginxRealIPEveryone = Rule(
        id: .kubernetesIngressNginxRealIPEveryone,
        severity: .error,
        scope: .kubernetes,
        title: "ingress-nginx proxy-real-ip-cidr trusts every address",
        rationale: """
            `proxy-real-ip-cidr: 0.0.0.0/0` believes X-Forwarded-For (with use-forwarded-headers) \
            and PROXY protocol headers (with use-proxy-protocol) from anyone. An error when \
            either is on, a warning otherwise.
            """,
        bad: "data:\n  use-proxy-protocol: \"true\"\n  proxy-real-ip-cidr: \"0.0.0.0/0\"",
        good: "data:\n  use-proxy-protocol: \"true\"\n  proxy-real-ip-cidr: \"10.0.0.10/32\""
    )

    /// GR173.
    public static let kubernetesIngressNginxFullForwardedFor = Rule(
        id: .kubernetesIngressNginxFullForwardedFor,
        severity: .warning,
        scope: .kubernetes,
        title: "ingress-nginx appends to the client's X-Forwarded-For",
        rationale: """
            `compute-full-forwarded-for: "true"` at the edge keeps what the client wrote in \
            X-Forwarded-For and appends the real address: the app sees a chain that starts with \
            forged entries, which any trust of more than the ingress's own hop believes.
            """,
        bad: "data:\n  compute-full-forwarded-for: \"true\"",
        good: "data:\n  compute-full-forwarded-for: \"false\""
    )

    /// GR174.
    public static let kubernetesExternalTrafficPolicyCluster = Rule(
        id: .kubernetesExternalTrafficPolicyCluster,
        severity: .info,
        scope: .kubernetes,
        title: "load balancer Service hides the client address (externalTrafficPolicy: Cluster)",
        rationale: """
            With `externalTrafficPolicy: Cluster` (the default) a node forwards load-balancer \
            traffic to pods on other nodes with source NAT, so the gateway sees a node's \
            address instead of the client's. `Local` keeps the client address (or have the \
            load balancer send PROXY protocol).
            """,
        bad: "kind: Service\nspec:\n  type: LoadBalancer",
        good: "kind: Service\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local"
    )

    /// GR175.
    public static let kubernetesNoApp = Rule(
        id: .kubernetesNoApp,
        severity: .info,
        scope: .kubernetes,
        title: "no workload in the manifests is the Greenroom app",
        rationale: """
            The app is a workload whose container runs `greenroom serve` or sets a GREENROOM_* \
            variable, or else one behind a Service an HTTPRoute sends to. When none is, the \
            rules about the app's exposure, isolation, user and trust judged nothing.
            """,
        bad: "containers:\n- name: web\n  image: example/web\n  args: [run]",
        good: "containers:\n- name: web\n  image: example/web\n  args: [greenroom, serve, --trust, 10.244.0.0/16]"
    )

    /// The Kubernetes rules, in id order.
    public static let kubernetesRules: [Rule] = [
        kubernetesServiceExposed, kubernetesNoNetworkPolicy, kubernetesNetworkPolicyOpen,
        kubernetesNetworkPolicyWide, kubernetesHostNetwork, kubernetesHostPort, kubernetesRunAsRoot,
        kubernetesRunAsNonRootMissing, kubernetesTrustEveryone, kubernetesTrustBeyondGateway,
        kubernetesGatewayTrustsClient, kubernetesIngressNginxForwardedHeaders,
        kubernetesIngressNginxRealIPEveryone, kubernetesIngressNginxFullForwardedFor,
        kubernetesExternalTrafficPolicyCluster, kubernetesNoApp,
    ]
}
