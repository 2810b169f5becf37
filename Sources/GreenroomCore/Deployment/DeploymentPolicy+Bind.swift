extension DeploymentPolicy {
    /// `GR001` and `GR002`: the bind address against the trust list and `allowPublic`.
    static func bindViolations(_ description: DeploymentDescription) -> [PolicyViolation] {
        if description.cluster { return clusterViolations(description) }
        let trust = description.trust
        let bind = description.bind
        guard case .tcp = bind, let address = bind.address else { return [] }
        if address.isLoopback { return [] }
        let shown = bind.description
        let generate =
            "bind 127.0.0.1 (the default) or a unix socket and put nginx in front (see `greenroom generate nginx`)"

        if bind.isWildcard {
            if !trust.isEmpty {
                return [
                    optedIn(
                        description,
                        PolicyViolation(
                            rule: .specWildcardBind,
                            message: "refusing to bind \(shown) while trusting proxies (\(trust)): "
                                + "clients could bypass the proxy and choose their own address",
                            fix: generate + "; or, if only the proxy can reach this network (a container), pass "
                                + StartupOptIn.wildcardBind.description,
                            optIn: .wildcardBind
                        )
                    )
                ]
            }
            if !description.allowPublic { return [publicWithoutOptIn(shown, generate: generate)] }
            return []
        }

        if description.allowPublic {
            if trust.isEmpty { return [] }
            return [
                optedIn(
                    description,
                    PolicyViolation(
                        rule: .specPublicBind,
                        message:
                            "refusing --allow-public while trusting proxies (\(trust)): direct serving trusts no proxy",
                        fix:
                            "drop --trust to serve clients directly, or drop --allow-public and bind a private address "
                            + "for a remote proxy, or pass \(StartupOptIn.publicBehindProxy) for a proxy that reaches a "
                            + "public address",
                        optIn: .publicBehindProxy
                    )
                )
            ]
        }
        if trust.isEmpty { return [publicWithoutOptIn(shown, generate: generate)] }
        if !isPrivateNetwork(address) {
            return [
                optedIn(
                    description,
                    PolicyViolation(
                        rule: .specPublicBind,
                        message: "refusing to bind \(shown) behind a proxy: \(address) is not a private address, "
                            + "so clients could reach the app without the proxy",
                        fix: generate + ", or bind a private address the load balancer reaches, or, if a firewall "
                            + "lets only the proxy in, pass \(StartupOptIn.publicBehindProxy)",
                        optIn: .publicBehindProxy
                    )
                )
            ]
        }
        if let local = trust.entries.first(where: isLocalEntry) {
            return [
                PolicyViolation(
                    rule: .specPublicBind,
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
                    description,
                    PolicyViolation(
                        rule: .specPublicBind,
                        message: "refusing to bind \(shown) while trusting every address",
                        fix: "trust exactly the load balancer's addresses (e.g. --trust 10.0.0.2), or pass "
                            + StartupOptIn.trustEveryone.description,
                        optIn: .trustEveryone
                    )
                )
            ]
        }
        return []
    }

    /// `true` for an address of a network the internet does not reach, which the remote-proxy
    /// topology may bind: RFC 1918, IPv6 unique-local, shared address space (`100.64/10`, which
    /// cloud networks use as well) and link-local; not multicast, which is no host's address.
    package static func isPrivateNetwork(_ address: IPAddress) -> Bool {
        !address.isPubliclyRoutable && !address.isMulticast && !address.isUnspecified && !address.isLoopback
    }

    /// `violation`, as a warning that names the opt-in when the description gives it.
    private static func optedIn(_ description: DeploymentDescription, _ violation: PolicyViolation) -> PolicyViolation {
        guard let optIn = violation.optIn, description.optIns.contains(optIn) else { return violation }
        var warning = violation
        warning.severity = .warning
        var what = Substring(violation.message)
        if what.hasPrefix("refusing to ") {
            what = what.dropFirst("refusing to ".count)
        } else if what.hasPrefix("refusing ") {
            what = what.dropFirst("refusing ".count)
        }
        warning.message = "\(optIn.flag) given: \(what)"
        warning.fix = "make sure only the proxy can reach this address"
        return warning
    }

    private static func isLocalEntry(_ entry: TrustedProxies.Entry) -> Bool {
        switch entry {
        case .loopback, .unix: true
        case .cidr(let cidr): cidr.network.isLoopback
        }
    }

    private static func publicWithoutOptIn(_ shown: String, generate: String) -> PolicyViolation {
        PolicyViolation(
            rule: .specPublicBind,
            message: "refusing to bind \(shown) without --allow-public: the app would be reachable without a proxy",
            fix: generate + ", or pass --allow-public (and no --trust) to serve clients directly"
        )
    }

    /// `GR090`: the unix socket path is taken or unusable.
    static func unixSocketViolations(_ description: DeploymentDescription) -> [PolicyViolation] {
        guard case .unix(let path) = description.bind, let state = description.unixSocket else { return [] }
        switch state {
        case .absent, .staleSocket: return []
        case .inUse(let owner):
            return [
                PolicyViolation(
                    rule: .liveAddressInUse,
                    message: "unix socket \(path) is in use by another process, \(owner)",
                    fix: "stop that process or choose another --unix path"
                )
            ]
        case .pathTooLong(let maximum):
            return [
                PolicyViolation(
                    rule: .liveAddressInUse,
                    message: "unix socket path \(path) is \(path.utf8.count) bytes, more than a unix socket "
                        + "address holds (\(maximum))",
                    fix: "choose a shorter --unix path"
                )
            ]
        case .notASocket:
            return [
                PolicyViolation(
                    rule: .liveAddressInUse,
                    message: "\(path) exists and is not a socket",
                    fix: "choose another --unix path; Greenroom never replaces a file that is not a socket"
                )
            ]
        }
    }
}
