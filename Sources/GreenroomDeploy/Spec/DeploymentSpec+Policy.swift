import GreenroomCore

extension DeploymentSpec {
    /// One listener a spec describes, as the `DeploymentPolicy` judges it, with the key its
    /// address is written at.
    public struct PolicyListener: Sendable, Hashable {
        /// The listener, whom it trusts, `app.allow_public` and the spec's opt-in keys.
        public var deployment: DeploymentDescription
        /// Where the address is: `app.listen.host`, `app.listen.unix` or `app.hosts.addresses[0]`.
        public var addressKey: String

        /// Creates a listener.
        public init(deployment: DeploymentDescription, addressKey: String) {
            self.deployment = deployment
            self.addressKey = addressKey
        }
    }

    /// Every listener the spec describes, one `DeploymentDescription` each: the app's single
    /// listener (TCP or unix socket) with `app.trust`, or each `app.hosts` address with the
    /// balancers as its trust.
    ///
    /// Host facts (user id, what is at a socket path) are left `nil`: the spec's own checks judge
    /// `app.user`, and `serve` looks at the socket when it starts. Addresses the spec rejects as
    /// values (an `app.hosts` address that is no host's own, or `app.listen.host` next to
    /// `app.hosts`) and app hosts without balancers are left out: their own problems say so.
    public var policyListeners: [PolicyListener] {
        func listener(_ bind: BindTarget, trust: TrustedProxies, at key: String) -> PolicyListener {
            var deployment = DeploymentDescription(
                bind: bind,
                trust: trust,
                proxyProtocol: app.proxyProtocol == .off ? .off : .required,
                hops: app.hops,
                allowPublic: app.allowPublic,
                optIns: app.optIns
            )
            // `serve` puts the metrics endpoint on the app's host, 127.0.0.1 beside a unix socket.
            if let metricsPort = app.metricsPort {
                if case .tcp(let host, _) = bind {
                    deployment.metricsBind = .tcp(host: host, port: metricsPort)
                } else {
                    deployment.metricsBind = .tcp(host: "127.0.0.1", port: metricsPort)
                }
            }
            return PolicyListener(deployment: deployment, addressKey: key)
        }
        switch app.listen {
        case .unix(let path):
            return [listener(.unix(path: path), trust: app.trust, at: "app.listen.unix")]
        case .tcp(let host, let port):
            guard let hosts = app.hosts else {
                let address = host ?? .loopbackV4
                return [
                    listener(.tcp(host: address.description, port: Int(port)), trust: app.trust, at: "app.listen.host")
                ]
            }
            guard host == nil, !hosts.balancers.isEmpty else { return [] }
            let balancers = TrustedProxies(entries: hosts.balancers.map { .cidr($0) })
            return hosts.addresses.enumerated().compactMap { index, address in
                guard Self.isHostAddress(address) else { return nil }
                let bind = BindTarget.tcp(host: address.description, port: Int(port))
                return listener(bind, trust: balancers, at: "app.hosts.addresses[\(index)]")
            }
        }
    }

    /// `false` for an address no host owns alone: the wildcard, loopback, multicast.
    static func isHostAddress(_ address: IPAddress) -> Bool {
        !(address.isUnspecified || address.isLoopback || address.isMulticast)
    }

    /// The `DeploymentPolicy`'s bind and port violations of every listener, as spec problems
    /// at the keys to change, each once.
    func policyProblems() -> [SpecError] {
        var found: [SpecError] = []
        for listener in policyListeners {
            for violation in DeploymentPolicy().violations(of: listener.deployment) {
                guard let problem = problem(for: violation, of: listener), !found.contains(problem) else { continue }
                found.append(problem)
            }
        }
        return found
    }

    /// A violation in the spec's words, at the key to change; `nil` for what the spec reports
    /// elsewhere (trusting every address, at the trust entry) or cannot know (host facts).
    func problem(for violation: PolicyViolation, of listener: PolicyListener) -> SpecError? {
        let deployment = listener.deployment
        let key = listener.addressKey
        func error(_ code: SpecError.Code, at path: String, _ message: String, fix: String?) -> SpecError {
            SpecError(code, at: locations[path], keyPath: path, message, fix: fix, optIn: violation.optIn)
        }
        let shown = deployment.bind.address.map { $0.description } ?? deployment.bind.description
        switch violation.rule {
        case .specPrivilegedPort:
            let port = deployment.bind.port ?? 0
            return error(
                .privilegedPort,
                at: "app.listen.port",
                "\(port) is a privileged port and would need root",
                fix: "use 1024...65535 and let the proxy listen on \(port)"
            )
        case .specWildcardBind:
            return error(
                .wildcardBind,
                at: key,
                "'\(shown)' listens on every interface, so clients can bypass the proxy and forge their address",
                fix: "bind 127.0.0.1 or a unix socket"
            )
        case .specPublicBind:
            // Trusting every address is reported at the trust entry that does (GR003).
            guard violation.optIn != .trustEveryone else { return nil }
            if deployment.allowPublic {
                return error(
                    .publicBind,
                    at: key,
                    "app.allow_public: true serves clients directly, which trusts no proxy, but the app trusts "
                        + "\(deployment.trust)",
                    fix: "remove app.trust to serve clients directly, or remove app.allow_public for a proxy"
                )
            }
            if deployment.trust.isEmpty {
                if deployment.bind.isWildcard {
                    return error(
                        .publicBind,
                        at: key,
                        "'\(shown)' listens on every interface",
                        fix: "set app.allow_public: true to serve the internet directly, or put a proxy in front"
                    )
                }
                return error(
                    .publicBind,
                    at: key,
                    "\(shown) is not loopback",
                    fix: "set app.allow_public: true to serve it directly, or put a proxy in front"
                )
            }
            if app.hosts != nil {
                return error(
                    .publicBind,
                    at: key,
                    "\(shown) is a public address: app hosts must listen on a private network only the balancers "
                        + "reach",
                    fix: nil
                )
            }
            if proxy.kind == .none, violation.optIn == .publicBehindProxy {
                return error(
                    .publicBind,
                    at: key,
                    "\(shown) is not a private address: clients could reach the app without the balancer",
                    fix: "bind a private address only the balancer reaches"
                )
            }
            return localProxyBind(shown, optIn: violation.optIn)
        case .specMetricsNotLoopback:
            return error(
                .metricsNotLoopback,
                at: "app.metrics_port",
                "the metrics endpoint would listen on \(deployment.metricsBind.map { "\($0)" } ?? shown), which is not "
                    + "loopback: metrics are served on loopback only",
                fix: "bind the app to 127.0.0.1 or a unix socket behind a local proxy, or remove app.metrics_port"
            )
        default:
            return nil
        }
    }

    /// A proxy this spec configures runs on this host unless `app.hosts` says otherwise, so it
    /// reaches the app on loopback or a unix socket; and a balancer the spec does not configure
    /// (`proxy.kind: none` with `app.trust`) is let through the generated unit's address filter
    /// only as `app.hosts.balancers`. So any other single listener behind a proxy is a problem of
    /// the spec's topology, even one the policy accepts on its own (a private address trusting
    /// only addresses): the spec writes that topology as `app.hosts`.
    func localProxyProblem() -> SpecError? {
        guard proxy.kind != .none || !app.trust.isEmpty, app.hosts == nil, case .tcp(let host?, _) = app.listen,
            !host.isLoopback
        else { return nil }
        return localProxyBind(host.description, optIn: host.isUnspecified ? .wildcardBind : .publicBehindProxy)
    }

    private func localProxyBind(_ shown: String, optIn: StartupOptIn?) -> SpecError {
        SpecError(
            .publicBind,
            at: locations["app.listen.host"],
            keyPath: "app.listen.host",
            "\(shown) is not loopback: a proxy on this host reaches the app on 127.0.0.1 or a unix socket",
            fix: "for app hosts behind a balancer, describe them in app.hosts",
            optIn: optIn
        )
    }
}
