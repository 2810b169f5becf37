import GreenroomConfigParsing
import GreenroomCore

extension DeploymentSpec {
    /// The deployment-level problems of a well-formed spec, in file order; empty when it is safe.
    ///
    /// These are the checks that need several values at once: a wildcard or public bind behind a
    /// proxy, a trust list that does not match where the proxy connects from, a PROXY protocol
    /// the configured proxy cannot send, limits that contradict each other. ``init(yaml:file:)``
    /// and ``load(path:)`` throw the first; `greenroom check` reports them all.
    public func problems() -> [SpecError] {
        var found: [SpecError] = []
        func add(_ code: SpecError.Code, _ path: String, _ message: String, _ fix: String?) {
            found.append(SpecError(code, at: locations[path], keyPath: path, message, fix: fix))
        }
        checkEveryone(add)
        checkBind(add) { found.append($0) }
        checkTrust(add)
        checkProxyCapabilities(add)
        checkProxySettings(add)
        if app.instances > 1, app.exec != nil, !app.runsGreenroomServe,
            !app.effectiveExec.contains(where: { $0.contains("%i") })
        {
            add(
                .invalidValue,
                "app.exec",
                "with instances > 1 the command must take the instance as %i (the port, or the socket number), e.g. --port %i",
                nil
            )
        }
        // In file order; problems with defaults (not written, so at 1:1) after the written ones.
        func key(_ error: SpecError) -> (Int, SourceLocation) {
            (error.location.line == 1 && error.location.column == 1 ? 1 : 0, error.location)
        }
        return found.sorted { key($0) < key($1) }
    }

    private func checkEveryone(_ add: (SpecError.Code, String, String, String?) -> Void) {
        if case .named("root") = app.user {
            add(.rootUser, "app.user", "the app must not run as root", "use a system account or 'dynamic'")
        }
        if systemd.group == "root" {
            add(
                .rootUser,
                "systemd.group",
                "the app must not run with the root group (gid 0), which owns system files",
                "use the app's own group, or remove systemd.group"
            )
        }
        for (index, entry) in app.trust.entries.enumerated() {
            if case .cidr(let block) = entry, block.matchesEverything {
                add(
                    .trustsEveryone,
                    "app.trust[\(index)]",
                    "'\(entry)' trusts every address, so any client could choose its own address",
                    "list your proxy's addresses"
                )
            }
        }
        for (index, block) in (proxy.realIP?.from ?? []).enumerated() where block.matchesEverything {
            add(
                .trustsEveryone,
                "proxy.real_ip.from[\(index)]",
                "'\(block)' lets every client name its own address (set_real_ip_from 0.0.0.0/0)",
                "list the balancer's or CDN's addresses"
            )
        }
        for (index, block) in (app.hosts?.balancers ?? []).enumerated() where block.matchesEverything {
            add(
                .trustsEveryone,
                "app.hosts.balancers[\(index)]",
                "'\(block)' is not a balancer address",
                "list the balancers"
            )
        }
        for (index, block) in app.outbound.enumerated() where block.matchesEverything {
            add(
                .invalidValue,
                "app.outbound[\(index)]",
                "'\(block)' would open the unit's address filter to everyone, inbound too",
                "list what the app connects to"
            )
        }
    }

    /// The bind and port decisions are the `DeploymentPolicy`'s (``policyProblems()``); what
    /// stays here is the spec's own consistency: port 0, instances past 65535, keys that
    /// contradict `app.hosts`, a local proxy with a non-loopback listener, app hosts' addresses.
    private func checkBind(_ add: (SpecError.Code, String, String, String?) -> Void, _ append: (SpecError) -> Void) {
        let decided = policyProblems()
        switch app.listen {
        case .unix:
            if app.hosts != nil {
                add(
                    .conflict,
                    "app.listen.unix",
                    "with app.hosts each app host listens on TCP at its own address",
                    "remove app.listen.unix"
                )
            }
        case .tcp(let host, let port):
            if port == 0 {
                add(
                    .invalidValue,
                    "app.listen.port",
                    "port 0 picks a random port the proxy cannot know",
                    "choose one in 1024...65535"
                )
            } else if port >= 1024, Int(port) + app.instances - 1 > 65535 {
                add(.invalidValue, "app.instances", "\(app.instances) instances from port \(port) run past 65535", nil)
            }
            if host != nil, app.hosts != nil {
                add(
                    .conflict,
                    "app.listen.host",
                    "with app.hosts each app host binds its own address from app.hosts.addresses",
                    "remove app.listen.host"
                )
            }
        }
        decided.forEach(append)
        if let local = localProxyProblem(), !decided.contains(where: { $0.keyPath == local.keyPath }) { append(local) }
        guard let hosts = app.hosts else { return }
        if proxy.kind == .none {
            add(.conflict, "app.hosts", "app.hosts needs a balancer: set proxy.kind to nginx or haproxy", nil)
        }
        if hosts.addresses.isEmpty {
            add(.missingKey, "app.hosts.addresses", "list each app host's private address", nil)
        }
        if hosts.balancers.isEmpty {
            add(
                .missingKey,
                "app.hosts.balancers",
                "list the balancer addresses that may connect to the app hosts",
                nil
            )
        }
        for (index, address) in hosts.addresses.enumerated() {
            let path = "app.hosts.addresses[\(index)]"
            if !Self.isHostAddress(address) {
                add(.invalidValue, path, "\(address) is not a host's own address", "give its private address")
            }
        }
    }

    private func checkTrust(_ add: (SpecError.Code, String, String, String?) -> Void) {
        let trust = app.trust
        if let kubernetes {
            checkClusterTrust(kubernetes.gateway.addresses, add)
            return
        }
        if let hosts = app.hosts {
            for (index, balancer) in hosts.balancers.enumerated() where !trust.covers(balancer) {
                add(
                    .trustMismatch,
                    written("app.trust", else: "app.hosts.balancers[\(index)]"),
                    "the balancer \(balancer) is not trusted, so the app would see it as the client",
                    "add it to app.trust"
                )
            }
            return
        }
        guard proxy.kind != .none else { return }
        switch app.listen {
        case .unix:
            if !trust.trustsUnixPeers {
                add(.trustMismatch, "app.trust", "the proxy connects over the unix socket", "add 'unix' to app.trust")
            }
        case .tcp(let host?, _) where host.isLoopback:
            if !trust.trusts(host) {
                add(.trustMismatch, "app.trust", "the proxy connects from \(host)", "add 'loopback' to app.trust")
            }
        default:
            break
        }
    }

    private func checkProxyCapabilities(_ add: (SpecError.Code, String, String, String?) -> Void) {
        // In the cluster topology the gateway is the proxy; `generate kubernetes` judges what it
        // can send (and `generate nginx` still judges nginx when asked for).
        if kubernetes != nil { return }
        if proxy.kind == .none {
            if app.proxyProtocol != .off {
                add(
                    .conflict,
                    "app.proxy_protocol",
                    "no proxy is configured to send the PROXY protocol (proxy.kind: none)",
                    nil
                )
            }
            return
        }
        for gap in ProxyCapabilities.gaps(of: proxy.kind, in: self) {
            add(.unsupportedByProxy, gap.keyPath, gap.message, gap.fix)
        }
    }

    private func checkProxySettings(_ add: (SpecError.Code, String, String, String?) -> Void) {
        if proxy.upstreamKeepalive >= app.limits.maxConnections {
            add(
                .conflict,
                written("proxy.upstream_keepalive", else: "app.limits.max_connections"),
                "upstream_keepalive (\(proxy.upstreamKeepalive)) must stay below app.limits.max_connections (\(app.limits.maxConnections)), or idle proxy connections use up the app's connection budget",
                nil
            )
        }
        if let size = proxy.clientMaxBodySize, size > app.limits.maxBodyBytes {
            add(
                .conflict,
                "proxy.client_max_body_size",
                "\(SpecValues.formatBytes(size)) is more than the app accepts (app.limits.max_body_bytes: \(SpecValues.formatBytes(app.limits.maxBodyBytes)))",
                nil
            )
        }
        if proxy.tls == nil {
            if !proxy.httpsListen.isEmpty {
                add(.conflict, "proxy.listen.https", "HTTPS listeners need proxy.tls", nil)
            }
            if proxy.redirectHTTP { add(.conflict, "proxy.redirect_http", "redirecting to HTTPS needs proxy.tls", nil) }
        } else if proxy.httpsListen.isEmpty {
            add(.conflict, "proxy.listen.https", "proxy.tls is set but there is no HTTPS listener", nil)
        }
        if proxy.redirectHTTP, proxy.httpListen.isEmpty {
            add(.conflict, "proxy.redirect_http", "there is no plain-HTTP listener to redirect from", nil)
        }
        if proxy.httpListen.isEmpty, proxy.httpsListen.isEmpty {
            add(.missingKey, "proxy.listen", "the proxy listens nowhere", nil)
        }
        if app.hosts == nil, case .tcp(let host?, _) = app.listen {
            for (key, addresses) in [
                ("proxy.listen.http", proxy.httpListen), ("proxy.listen.https", proxy.httpsListen),
            ] {
                for (index, address) in addresses.enumerated()
                where address.port >= 1024 && app.ports.contains(address.port)
                    && (address.address == nil || address.address == host)
                {
                    add(
                        .conflict,
                        "\(key)[\(index)]",
                        "port \(address.port) is where the app listens (app.listen)",
                        nil
                    )
                }
            }
        }
        for (index, address) in proxy.httpsListen.enumerated()
        where proxy.httpListen.contains(where: { $0.port == address.port }) {
            add(.conflict, "proxy.listen.https[\(index)]", "port \(address.port) is also an HTTP listener", nil)
        }
        var prefixes: [String: String] = [:]
        let acme = "/.well-known/acme-challenge/"
        let paths =
            proxy.staticFiles.enumerated().map { ("proxy.static_files[\($0.offset)].path", $0.element.path) }
            + proxy.websocketPaths.enumerated().map { ("proxy.websocket_paths[\($0.offset)]", $0.element) }
        for (keyPath, prefix) in paths {
            if prefix == "/" {
                add(
                    .invalidValue,
                    keyPath,
                    "'/' would take every request away from the app's main location",
                    "use a sub-path"
                )
            } else if prefix.hasPrefix(acme) || acme.hasPrefix(prefix) && proxy.tls?.acmeWebroot != nil {
                add(.conflict, keyPath, "'\(prefix)' overlaps the ACME challenge path \(acme)", nil)
            } else if let other = prefixes[prefix] {
                add(.conflict, keyPath, "'\(prefix)' is already used by \(other)", nil)
            }
            prefixes[prefix] = prefixes[prefix] ?? keyPath
        }
    }

    /// `preferred` when the user wrote it, else `fallback`, for pointing at the line to change.
    func written(_ preferred: String, else fallback: String) -> String {
        locations.isWritten(preferred) || locations.keys[preferred] != nil ? preferred : fallback
    }
}

extension TrustedProxies {
    /// `true` when every address of `block` is trusted by one entry.
    func covers(_ block: CIDR) -> Bool {
        entries.contains { entry in
            switch entry {
            case .unix: false
            case .loopback: CIDR.loopbackV4.contains(block) || CIDR.loopbackV6.contains(block)
            case .cidr(let cidr): cidr.contains(block)
            }
        }
    }
}

extension DeploymentSpec {
    /// The cluster topology: the app trusts the gateway pods' range and nothing else. Every
    /// `app.trust` entry must lie inside `kubernetes.gateway.addresses` (no loopback, no unix: in
    /// a pod those are not where the gateway connects from), and the list may not be empty.
    fileprivate func checkClusterTrust(
        _ gateway: [CIDR],
        _ add: (SpecError.Code, String, String, String?) -> Void
    ) {
        let entries = app.trust.entries
        if entries.isEmpty {
            add(
                .trustMismatch,
                "app.trust",
                "trusts nobody, so the app would see the gateway as every client",
                "leave app.trust unset (it defaults to kubernetes.gateway.addresses)"
            )
        }
        for (index, entry) in entries.enumerated() {
            let inside: Bool
            switch entry {
            case .cidr(let block): inside = gateway.contains { $0.contains(block) }
            case .loopback, .unix: inside = false
            }
            if !inside {
                add(
                    .trustMismatch,
                    "app.trust[\(index)]",
                    "\(entry) is outside kubernetes.gateway.addresses; in a cluster the app trusts only the gateway pods",
                    "remove it, or leave app.trust unset (it defaults to kubernetes.gateway.addresses)"
                )
            }
        }
    }
}
