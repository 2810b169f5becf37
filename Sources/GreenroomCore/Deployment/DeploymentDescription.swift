/// What a server is about to do, and the facts about its host that the ``DeploymentPolicy``
/// judges: where it binds, whom it trusts, the refusals it opted out of, and who runs it.
///
/// The policy is pure: facts it cannot compute without the operating system (the effective user
/// id, what is at a unix socket's path) are passed in as values, `nil` when not known (then the
/// rules that need them stay silent).
public struct DeploymentDescription: Sendable, Hashable {
    /// What is at a unix socket's path before the server binds it.
    public enum UnixSocketState: Sendable, Hashable {
        /// Nothing: the server creates the socket.
        case absent
        /// A socket nobody listens on: the server replaces it.
        case staleSocket
        /// A socket another process listens on, described for the message (`owned by pid 42 (nginx)`).
        case inUse(owner: String)
        /// A path longer than a unix socket address holds (`maximum` bytes).
        case pathTooLong(maximum: Int)
        /// A file that is not a socket, which the server never replaces.
        case notASocket
    }

    /// The listener.
    public var bind: BindTarget
    /// Whose forwarding and PROXY headers are believed.
    public var trust: TrustedProxies
    /// Whether connections start with a PROXY header.
    public var proxyProtocol: ProxyProtocolMode
    /// The fixed hop count (`--hops`), or `nil` for the trust walk.
    public var hops: Int?
    /// Direct serving without a proxy (`--allow-public`).
    public var allowPublic: Bool
    /// The refusals this deployment opted out of, one rule each.
    public var optIns: Set<StartupOptIn>
    /// The effective user id of the process that will serve, or `nil` when not known.
    public var effectiveUserID: UInt32?
    /// What is at ``bind``'s unix socket path, or `nil` when not looked at (or TCP).
    public var unixSocket: UnixSocketState?
    /// The server was told it runs in a Kubernetes pod (`serve --cluster`, `GREENROOM_CLUSTER=1`):
    /// the cluster topology, judged by its own, stricter bind rule (see ``DeploymentPolicy``).
    public var cluster: Bool = false
    /// Where the metrics endpoint listens (`serve --metrics-port`), or `nil` for none: loopback
    /// only (`GR093`).
    public var metricsBind: BindTarget? = nil

    /// Creates a description; by default the safe local-proxy deployment with no host facts.
    public init(
        bind: BindTarget = .default,
        trust: TrustedProxies = .loopback,
        proxyProtocol: ProxyProtocolMode = .off,
        hops: Int? = nil,
        allowPublic: Bool = false,
        optIns: Set<StartupOptIn> = [],
        effectiveUserID: UInt32? = nil,
        unixSocket: UnixSocketState? = nil
    ) {
        self.bind = bind
        self.trust = trust
        self.proxyProtocol = proxyProtocol
        self.hops = hops
        self.allowPublic = allowPublic
        self.optIns = optIns
        self.effectiveUserID = effectiveUserID
        self.unixSocket = unixSocket
    }
}

extension DeploymentDescription.UnixSocketState {
    /// `true` for ``inUse(owner:)``.
    public var isInUse: Bool {
        if case .inUse = self { return true }
        return false
    }
}
