import GreenroomCore

/// Every option of a Greenroom server: where it listens, whom it trusts, its limits and timeouts.
///
/// The defaults are the safe deployment of the "local proxy" topology (GreenroomCore's article
/// "Deployment policy and rule ids"): listen on
/// `127.0.0.1:8000`, trust a proxy on the same host (`loopback`), no PROXY protocol, and limits
/// that bound what one client can cost the others. `greenroom serve` maps its flags onto this
/// struct one to one; embedders build it in code.
public struct ServerConfiguration: Sendable, Hashable {
    /// Where to listen: a TCP address or a unix-domain socket.
    public var bind: BindTarget
    /// The proxies whose PROXY headers and forwarding headers are believed.
    public var trustedProxies: TrustedProxies
    /// Which forwarding headers to read from trusted proxies.
    public var forwardedHeaders: ForwardedResolver.HeaderPolicy
    /// With `both`, the family whose answer stands when
    /// `X-Forwarded-For` and `Forwarded` disagree: the one the proxy writes itself.
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily = .xForwarded
    /// `hops: N` mode (take the N-th forwarding hop from the right); `nil` walks the trust list.
    public var hops: Int?
    /// The most forwarding hops read per request.
    public var maxHops: Int
    /// Whether connections start with a PROXY protocol header.
    public var proxyProtocol: ProxyProtocolMode
    /// How long a connection may take to send its PROXY header.
    public var proxyProtocolTimeout: Duration
    /// Serve clients directly (the "direct" topology of GreenroomCore's article "Deployment policy and
    /// rule ids"): allows a non-loopback bind with no proxy trusted.
    public var allowPublic: Bool
    /// Runs in a Kubernetes pod (`serve --cluster`, `GREENROOM_CLUSTER=1`): the cluster topology
    /// of the deployment policy, which accepts the pod's own address while the app trusts exactly
    /// the gateway pods' range, and nothing else.
    public var cluster: Bool = false
    /// The start-up refusals this deployment opted out of, one rule each (`--trust-public-ranges`,
    /// ...): the start-up guard reports them as warnings instead of refusing to start.
    public var optIns: Set<StartupOptIn> = []
    /// The `DeploymentPolicy` rules ``HTTPServer/run()`` does not apply: an embedder's explicit,
    /// per-rule opt-out (e.g. `[.specRootUser]` in a container that must run as root). Empty by
    /// default: the server refuses what `greenroom serve` refuses.
    public var policyExemptions: Set<RuleID> = []
    /// The most connections open at once; beyond it the server stops accepting (back-pressure).
    public var maxConnections: Int
    /// The most bytes of a request head, every byte counted (request line, names, values,
    /// separators, whitespace and line ends; also a chunked body's trailers); beyond it the answer is 431.
    public var maxHeaderBytes: Int
    /// The most bytes of request body; beyond it the answer is 413 and the connection closes.
    public var maxBodyBytes: Int
    /// How long a client may take to send a request's head once it started sending it (408), and
    /// to send its first request on a new connection (closed silently).
    public var headerTimeout: Duration
    /// How long a client may send nothing while the server reads a body it announced (between
    /// two pieces, not in total), like nginx's `client_body_timeout`: past it the answer is 408
    /// and the connection closes. Time the application takes to read is not counted. After an
    /// early response, what is left of an unread body is drained for at most 256 KiB and the
    /// header timeout, then the connection closes.
    public var bodyTimeout: Duration
    /// How long a keep-alive connection may stay idle between requests before it is closed, and
    /// how long a client may leave written responses unread before its connection is closed.
    public var idleTimeout: Duration
    /// How long graceful shutdown waits for in-flight requests before closing their connections.
    public var shutdownTimeout: Duration
    /// The value of the `Server` response header; `nil` sends none.
    public var serverName: String?
    /// Log one line per request (client, via, method, path, status, bytes, duration) at `info`.
    public var accessLog: Bool
    /// The listen backlog.
    public var backlog: Int
    /// Where connection tasks run.
    public var connectionExecutor: ConnectionExecutor
    /// A listening socket to adopt instead of binding ``bind`` (systemd socket activation,
    /// `serve --fd`); ``bind`` must then describe it (``InheritedListener/target``), so the policy
    /// judges the socket itself. The server never removes an inherited unix socket's file.
    public var inheritedListener: InheritedListener?
    /// Where the server records its metrics (requests by status class, latency, open connections,
    /// PROXY headers, trust decisions); `nil` (the default) records nothing. Fixed for the
    /// server's life: ``HTTPServer/reload(to:)`` keeps the one the server started with.
    public var metrics: ServerMetrics?
    /// The TCP port of the metrics endpoint served beside the app (`serve --metrics-port`), on
    /// ``metricsBind``; `nil`: none. ``HTTPServer`` itself does not listen there: whoever exports
    /// the metrics does (`greenroom serve` runs a second, loopback-only server for `/metrics`).
    /// The deployment policy judges its address (`GR093`).
    public var metricsPort: Int?
    /// More IP addresses to listen on besides ``bind``'s host, on the same port: `::1` next to
    /// `127.0.0.1` for dual-stack loopback (`serve --host 127.0.0.1 --host ::1`, the spec's
    /// `listen.hosts`). The policy judges each address like ``bind``. Only with a TCP ``bind``.
    /// ``maxConnections`` applies to each address's listener.
    public var additionalHosts: [String] = []

    /// Every address the server listens on: ``bind``, then one per ``additionalHosts``.
    public var binds: [BindTarget] {
        guard case .tcp(_, let port) = bind else { return [bind] }
        return [bind] + additionalHosts.map { .tcp(host: $0, port: port) }
    }

    /// Where the server runs each connection's task.
    public enum ConnectionExecutor: String, Sendable, Hashable, CaseIterable {
        /// On the connection's event loop: a task executor preference, unless the event loops
        /// already are the global executor (``EventLoops/installAsGlobalExecutor()``).
        case automatic
        /// Always with a task executor preference for the connection's event loop.
        case eventLoop = "event-loop"
        /// On Swift's global executor (a thread hop per request unless the loops took it over).
        case global
    }

    /// Creates a configuration; every parameter has the safe default.
    public init(
        bind: BindTarget = .default,
        trustedProxies: TrustedProxies = .loopback,
        forwardedHeaders: ForwardedResolver.HeaderPolicy = .xForwarded,
        hops: Int? = nil,
        maxHops: Int = 64,
        proxyProtocol: ProxyProtocolMode = .off,
        proxyProtocolTimeout: Duration = .seconds(5),
        allowPublic: Bool = false,
        maxConnections: Int = 10_000,
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1024 * 1024,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(75),
        shutdownTimeout: Duration = .seconds(10),
        serverName: String? = "greenroom",
        accessLog: Bool = true,
        backlog: Int = 511,
        connectionExecutor: ConnectionExecutor = .automatic
    ) {
        self.bind = bind
        self.trustedProxies = trustedProxies
        self.forwardedHeaders = forwardedHeaders
        self.hops = hops
        self.maxHops = maxHops
        self.proxyProtocol = proxyProtocol
        self.proxyProtocolTimeout = proxyProtocolTimeout
        self.allowPublic = allowPublic
        self.maxConnections = maxConnections
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.shutdownTimeout = shutdownTimeout
        self.serverName = serverName
        self.accessLog = accessLog
        self.backlog = backlog
        self.connectionExecutor = connectionExecutor
    }

    /// The resolver this configuration implies.
    public var resolver: ForwardedResolver {
        ForwardedResolver(
            trusted: trustedProxies,
            policy: forwardedHeaders,
            hops: hops,
            maxHops: maxHops,
            authoritative: authoritativeHeaders
        )
    }

    /// Checks the values that have a valid range; the first problem is thrown naming the option.
    public func validate() throws(ConfigurationError) {
        func positive(_ value: Int, _ name: String) throws(ConfigurationError) {
            if value < 1 { throw ConfigurationError("\(name) must be at least 1, not \(value)") }
        }
        try positive(maxConnections, "max-connections")
        try positive(maxHeaderBytes, "max-header-bytes")
        try positive(maxHops, "max-hops")
        try positive(backlog, "backlog")
        if maxBodyBytes < 0 { throw ConfigurationError("max-body-bytes must not be negative, not \(maxBodyBytes)") }
        if let hops, hops < 1 { throw ConfigurationError("hops must be at least 1, not \(hops)") }
        for (value, name) in [
            (proxyProtocolTimeout, "proxy-protocol-timeout"), (headerTimeout, "header-timeout"),
            (idleTimeout, "idle-timeout"), (bodyTimeout, "body-timeout"),
        ] where value <= .zero {
            throw ConfigurationError("\(name) must be positive, not \(value)")
        }
        if shutdownTimeout < .zero { throw ConfigurationError("shutdown-timeout must not be negative") }
        if let serverName, serverName.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw ConfigurationError("server name must not contain control characters")
        }
        if let metricsPort {
            if !(0...65535).contains(metricsPort) {
                throw ConfigurationError("metrics-port must be a TCP port (0-65535), not \(metricsPort)")
            }
            if metricsPort != 0, metricsBind == bind {
                throw ConfigurationError("metrics-port \(metricsPort) is the app's own port: give the metrics another")
            }
        }
        try bind.validate()
        guard !additionalHosts.isEmpty else { return }
        guard case .tcp = bind, inheritedListener == nil else {
            throw ConfigurationError("several --host addresses need TCP: not with --unix or an inherited socket")
        }
        var seen: Set<IPAddress> = []
        for target in binds {
            try target.validate()
            guard let address = target.address, seen.insert(address).inserted else {
                throw ConfigurationError("--host '\(target)' is given twice")
            }
        }
    }

    /// Where the metrics endpoint listens when ``metricsPort`` is set: the app's own TCP host
    /// (so an app on `::1` gets metrics on `::1`), or `127.0.0.1` beside a unix socket.
    public var metricsBind: BindTarget? {
        guard let metricsPort else { return nil }
        if case .tcp(let host, _) = bind { return .tcp(host: host, port: metricsPort) }
        return .tcp(host: "127.0.0.1", port: metricsPort)
    }
}

/// A configuration value that is out of range or malformed; the message names the option.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The one-line message.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
