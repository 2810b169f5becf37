import GreenroomCore

/// The three deployments Greenroom allows, and the refusal for everything else (GreenroomCore's
/// article "Deployment policy and rule ids").
///
/// 1. **Local proxy** (default): bind loopback or a unix socket; any trust list.
/// 2. **Remote proxy**: bind one specific private address (RFC 1918 / ULA) and trust an explicit
///    list of the balancer's addresses (no `loopback`, no `unix`, not everyone), without
///    `--allow-public`.
/// 3. **Direct**: `--allow-public` with no proxy trusted; any address, the wildcard included.
///
/// Every other bind is refused with a message that names the fix.
public enum BindPolicy {
    /// The deployment a configuration describes.
    public enum Topology: String, Sendable, Hashable {
        /// A proxy on this host; the app listens on loopback or a unix socket.
        case localProxy = "local proxy"
        /// A load balancer on other hosts; the app listens on one private address.
        case remoteProxy = "remote proxy"
        /// No proxy; the app serves clients directly.
        case direct
    }

    /// The topology of an acceptable configuration, or the refusals.
    public static func classify(_ configuration: ServerConfiguration) -> Result<Topology, Refusal> {
        let findings = evaluate(configuration).filter { $0.severity == .error }
        if let first = findings.first(where: { $0.severity == .error }) {
            return .failure(Refusal(findings: findings, first: first))
        }
        return .success(topology(of: configuration))
    }

    /// The refusals of a configuration.
    public struct Refusal: Error, Sendable {
        /// Every finding.
        public var findings: [StartupFinding]
        /// The first one.
        public var first: StartupFinding
    }

    /// The findings for the bind address and trust list; empty when the bind is allowed. A
    /// refusal the configuration opted out of (``ServerConfiguration/optIns``) is a warning.
    public static func evaluate(_ configuration: ServerConfiguration) -> [StartupFinding] {
        let trust = configuration.trustedProxies
        let bind = configuration.bind
        guard case .tcp = bind, let address = bind.address else { return [] }
        if address.isLoopback { return [] }
        let shown = bind.description
        let generate =
            "bind 127.0.0.1 (the default) or a unix socket and put nginx in front (see `greenroom generate nginx`)"

        if bind.isWildcard {
            if !trust.isEmpty {
                return [
                    optedIn(
                        .wildcardBind,
                        configuration,
                        StartupFinding(
                            id: "bind-wildcard",
                            message: "refusing to bind \(shown) while trusting proxies (\(trust)): "
                                + "clients could bypass the proxy and choose their own address",
                            fix: generate + "; or, if only the proxy can reach this network (a container), pass "
                                + StartupOptIn.wildcardBind.description
                        )
                    )
                ]
            }
            if !configuration.allowPublic { return [publicWithoutOptIn(shown, generate: generate)] }
            return []
        }

        if configuration.allowPublic {
            if trust.isEmpty { return [] }
            return [
                optedIn(
                    .publicBehindProxy,
                    configuration,
                    StartupFinding(
                        id: "bind-public-trusting",
                        message:
                            "refusing --allow-public while trusting proxies (\(trust)): direct serving trusts no proxy",
                        fix:
                            "drop --trust to serve clients directly, or drop --allow-public and bind a private address "
                            + "for a remote proxy, or pass \(StartupOptIn.publicBehindProxy) for a proxy that reaches a "
                            + "public address"
                    )
                )
            ]
        }
        if trust.isEmpty { return [publicWithoutOptIn(shown, generate: generate)] }
        if !address.isPrivate {
            return [
                optedIn(
                    .publicBehindProxy,
                    configuration,
                    StartupFinding(
                        id: "bind-public",
                        message: "refusing to bind \(shown) behind a proxy: \(address) is not a private address, "
                            + "so clients could reach the app without the proxy",
                        fix: generate + ", or bind a private address the load balancer reaches, or, if a firewall "
                            + "lets only the proxy in, pass \(StartupOptIn.publicBehindProxy)"
                    )
                )
            ]
        }
        if let local = trust.entries.first(where: isLocalEntry) {
            return [
                StartupFinding(
                    id: "bind-remote-proxy-trust",
                    message: "refusing to bind \(shown) while trusting \(local): a proxy on this host reaches the app "
                        + "on loopback",
                    fix: "bind 127.0.0.1 for a local proxy, or for a remote load balancer trust exactly its addresses "
                        + "(e.g. --trust 10.0.0.2)"
                )
            ]
        }
        if trust.trustsEveryone {
            return [
                optedIn(
                    .trustEveryone,
                    configuration,
                    StartupFinding(
                        id: "bind-remote-proxy-trust",
                        message: "refusing to bind \(shown) while trusting every address",
                        fix: "trust exactly the load balancer's addresses (e.g. --trust 10.0.0.2), or pass "
                            + StartupOptIn.trustEveryone.description
                    )
                )
            ]
        }
        return []
    }

    /// `finding`, as a warning that names the opt-in when the configuration has it.
    private static func optedIn(
        _ optIn: StartupOptIn,
        _ configuration: ServerConfiguration,
        _ finding: StartupFinding
    ) -> StartupFinding {
        guard configuration.optIns.contains(optIn) else { return finding }
        var warning = finding
        warning.severity = .warning
        let what = finding.message.replacing("refusing to ", with: "", maxReplacements: 1)
            .replacing("refusing ", with: "", maxReplacements: 1)
        warning.message = "\(optIn.flag) given: \(what)"
        warning.fix = "make sure only the proxy can reach this address"
        return warning
    }

    /// The topology of a configuration that ``evaluate(_:)`` accepts.
    public static func topology(of configuration: ServerConfiguration) -> Topology {
        guard case .tcp = configuration.bind, let address = configuration.bind.address, !address.isLoopback else {
            return .localProxy
        }
        return configuration.trustedProxies.isEmpty ? .direct : .remoteProxy
    }

    private static func isLocalEntry(_ entry: TrustedProxies.Entry) -> Bool {
        switch entry {
        case .loopback, .unix: true
        case .cidr(let cidr): cidr.network.isLoopback
        }
    }

    private static func publicWithoutOptIn(_ shown: String, generate: String) -> StartupFinding {
        StartupFinding(
            id: "bind-public",
            message: "refusing to bind \(shown) without --allow-public: the app would be reachable without a proxy",
            fix: generate + ", or pass --allow-public (and no --trust) to serve clients directly"
        )
    }
}
