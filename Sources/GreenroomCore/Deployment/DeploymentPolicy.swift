/// The one bind-and-trust policy of a Greenroom deployment: what `greenroom serve`, an embedded
/// `HTTPServer` and `greenroom check` refuse, with a ``RuleID`` per refusal.
///
/// It allows four topologies and refuses everything else:
/// 1. **local proxy** (default): bind loopback or a unix socket; any trust list;
/// 2. **remote proxy**: bind one specific private address (RFC 1918, ULA, shared address space or
///    link-local: none the internet reaches) and trust an explicit
///    list of the balancer's addresses (no `loopback`, no `unix`, not everyone), without
///    `allowPublic`;
/// 3. **direct**: `allowPublic` with no proxy trusted; any address, the wildcard included;
/// 4. **cluster** (only when told it runs in a pod, ``DeploymentDescription/cluster``): bind the
///    pod's own private address and trust exactly the gateway pods' range: a non-empty list of
///    private blocks no wider than a /8 (IPv4) or /16 (IPv6), no `loopback`, no `unix`, not
///    everyone, without `allowPublic`. No opt-in lifts these (GR002). The NetworkPolicy that
///    admits only the gateway is what replaces "bind loopback" there.
///
/// Running as root (`GR005`), a port below 1024 (`GR006`) and a unix socket path that is taken
/// (`GR090`) are refused too. A refusal with an opt-in (``StartupOptIn``) that the description
/// gives is a warning instead.
///
/// ```swift
/// let violations = DeploymentPolicy().violations(of: DeploymentDescription(bind: .tcp(host: "0.0.0.0", port: 8000)))
/// // [GR001: refusing to bind 0.0.0.0:8000 while trusting proxies (loopback) ...]
/// ```
public struct DeploymentPolicy: Sendable, Hashable {
    /// The deployment a description amounts to.
    public enum Topology: String, Sendable, Hashable {
        /// A proxy on this host; the app listens on loopback or a unix socket.
        case localProxy = "local proxy"
        /// A load balancer on other hosts; the app listens on one private address.
        case remoteProxy = "remote proxy"
        /// No proxy; the app serves clients directly.
        case direct
        /// A Kubernetes pod behind a gateway; the app listens on the pod's address.
        case cluster
    }

    /// Every rule the policy decides, in the order it reports them.
    public static let rules: [RuleID] = [
        .specRootUser, .specPrivilegedPort, .specWildcardBind, .specPublicBind, .liveAddressInUse,
        .specMetricsNotLoopback,
    ]

    /// The rules a deployment may skip wholesale (`serve --no-guard`): all but root and
    /// privileged ports, which no flag lifts.
    public static let skippableRules: [RuleID] = [.specWildcardBind, .specPublicBind, .liveAddressInUse]

    /// Rules not evaluated at all: an embedder's explicit opt-out, one rule each.
    public var exemptions: Set<RuleID>

    /// Creates the policy, evaluating every rule but `exemptions`.
    public init(exempting exemptions: Set<RuleID> = []) {
        self.exemptions = exemptions
    }

    /// The violations of `description`, root first, then port, bind and unix socket; empty when it
    /// may start as it is.
    public func violations(of description: DeploymentDescription) -> [PolicyViolation] {
        var found: [PolicyViolation] = []
        if let uid = description.effectiveUserID, uid == 0 {
            found.append(
                PolicyViolation(
                    rule: .specRootUser,
                    message: "refusing to run as root (euid 0): any bug in the app would own the machine",
                    fix:
                        "run as an unprivileged user, e.g. User= in the systemd unit (see `greenroom generate systemd`)"
                )
            )
        }
        if let port = description.bind.port, port > 0, port < 1024 {
            found.append(
                PolicyViolation(
                    rule: .specPrivilegedPort,
                    message: "refusing port \(port): ports below 1024 need root",
                    fix: "use a port of 1024 or more (default 8000) and let the proxy listen on 80/443 "
                        + "(see `greenroom generate nginx`)"
                )
            )
        }
        found += Self.bindViolations(description)
        found += Self.unixSocketViolations(description)
        found += Self.metricsViolations(description)
        return found.filter { !exemptions.contains($0.rule) }
    }

    /// `true` when a violation is an error: do not start.
    public static func refuses(_ violations: [PolicyViolation]) -> Bool {
        violations.contains { $0.severity == .error }
    }

    /// The topology of a description whose bind ``violations(of:)`` accepts.
    public static func topology(of description: DeploymentDescription) -> Topology {
        if description.cluster { return .cluster }
        guard case .tcp = description.bind, let address = description.bind.address, !address.isLoopback else {
            return .localProxy
        }
        return description.trust.isEmpty ? .direct : .remoteProxy
    }
}
