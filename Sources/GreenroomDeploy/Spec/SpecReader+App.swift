import GreenroomCore
import GreenroomYAML

extension SpecReader {
    static let appKeys =
        [
            "name", "user", "working_directory", "exec", "listen", "instances", "hosts", "trust", "allow_public",
            "proxy_protocol", "forwarded_headers", "authoritative_headers", "hops", "limits", "outbound",
            "metrics_port",
        ] + StartupOptIn.allCases.map { String($0.specKey.dropFirst("app.".count)) }

    /// Decodes the whole file; a missing or empty document is all defaults.
    mutating func decodeSpec(_ root: YAMLNode?) throws(SpecError) -> DeploymentSpec {
        var spec = DeploymentSpec(locations: locations)
        if let root, !SpecReader.isNull(root) {
            let top = try fields(root, at: "", allowed: DeploymentSpec.topLevelKeys)
            if let node = top["app"], !SpecReader.isNull(node) { spec.app = try decodeApp(node) }
            if let node = top["proxy"], !SpecReader.isNull(node) { spec.proxy = try decodeProxy(node, app: spec.app) }
            if let node = top["systemd"], !SpecReader.isNull(node) { spec.systemd = try decodeSystemd(node) }
            if let node = top["kubernetes"], !SpecReader.isNull(node) { spec.kubernetes = try decodeKubernetes(node) }
        }
        spec.applyDerivedDefaults(written: locations)
        spec.locations = locations
        return spec
    }

    mutating func decodeApp(_ node: YAMLNode) throws(SpecError) -> AppSpec {
        var app = AppSpec()
        let f = try fields(node, at: "app", allowed: SpecReader.appKeys)
        if let n = f["name"], !SpecReader.isNull(n) { app.name = try identifier(n, at: "app.name") }
        if let n = f["user"], !SpecReader.isNull(n) {
            let user = try string(n, at: "app.user")
            if user == "dynamic" {
                app.user = .dynamic
            } else if user == "0" {
                app.user = .named("root")  // refused by problems(), so `greenroom check` can report it
            } else {
                app.user = .named(try identifier(n, at: "app.user"))
            }
        }
        if let n = f["working_directory"], !SpecReader.isNull(n) {
            app.workingDirectory = try path(n, at: "app.working_directory")
        }
        if let n = f["exec"], !SpecReader.isNull(n) { app.exec = try command(n, at: "app.exec") }
        if let n = f["listen"], !SpecReader.isNull(n) {
            app.listen = try decodeListen(n)
            if let hosts = try decodeListenHosts(n) {
                app.listen = .tcp(host: hosts[0], port: app.port ?? 8000)
                app.additionalListenHosts = Array(hosts.dropFirst())
            }
        }
        if let n = f["instances"], !SpecReader.isNull(n) { app.instances = try int(n, at: "app.instances", in: 1...64) }
        if let n = f["hosts"], !SpecReader.isNull(n) { app.hosts = try decodeHosts(n) }
        if let n = f["trust"] {
            var texts: [String] = []
            var entries: [TrustedProxies.Entry] = []
            for (item, itemPath) in try list(n, at: "app.trust") {
                let text = try string(item, at: itemPath)
                texts.append(text)
                do {
                    entries.append(try TrustedProxies.Entry(parsing: text, allowingEverything: true))
                } catch {
                    throw self.error(.invalidAddress, item, itemPath, error.reason)
                }
            }
            app.trust = TrustedProxies(entries: entries)
        }
        if let n = f["allow_public"], !SpecReader.isNull(n) { app.allowPublic = try bool(n, at: "app.allow_public") }
        for optIn in StartupOptIn.allCases {
            let key = String(optIn.specKey.dropFirst("app.".count))
            if let n = f[key], !SpecReader.isNull(n), try bool(n, at: optIn.specKey) { app.optIns.insert(optIn) }
        }
        if let n = f["proxy_protocol"], !SpecReader.isNull(n) {
            let words = AppSpec.ProxyProtocol.allCases.map(\.rawValue)
            // `false`/`no` mean off too: YAML users write them out of habit.
            let text = try string(n, at: "app.proxy_protocol").lowercased()
            app.proxyProtocol =
                ["false", "no", "none"].contains(text)
                ? .off : AppSpec.ProxyProtocol(rawValue: try word(n, at: "app.proxy_protocol", oneOf: words))!
        }
        if let n = f["forwarded_headers"], !SpecReader.isNull(n) {
            let words = ForwardedResolver.HeaderPolicy.allCases.map(\.rawValue)
            app.forwardedHeaders = ForwardedResolver.HeaderPolicy(
                rawValue: try word(n, at: "app.forwarded_headers", oneOf: words)
            )!
        }
        if let n = f["authoritative_headers"], !SpecReader.isNull(n) {
            let words = ForwardedResolver.HeaderFamily.allCases.map(\.rawValue)
            app.authoritativeHeaders = ForwardedResolver.HeaderFamily(
                rawValue: try word(n, at: "app.authoritative_headers", oneOf: words)
            )!
        }
        if let n = f["hops"], !SpecReader.isNull(n) { app.hops = try int(n, at: "app.hops", in: 1...16) }
        if let n = f["limits"], !SpecReader.isNull(n) { app.limits = try decodeLimits(n) }
        if let n = f["metrics_port"], !SpecReader.isNull(n) {
            let port = try int(n, at: "app.metrics_port", in: 1024...65535)
            if app.instances > 1 {
                throw error(
                    .conflict,
                    n,
                    "app.metrics_port",
                    "app.instances runs \(app.instances) processes, which cannot share one metrics port"
                )
            }
            if app.ports.contains(UInt16(port)) {
                throw error(.conflict, n, "app.metrics_port", "\(port) is the app's own port; give the metrics another")
            }
            app.metricsPort = port
        }
        if let n = f["outbound"] {
            app.outbound = try list(n, at: "app.outbound").map { (item, itemPath) throws(SpecError) in
                try cidr(item, at: itemPath)
            }
        }
        return app
    }

    mutating func decodeListen(_ node: YAMLNode) throws(SpecError) -> AppSpec.Listen {
        let f = try fields(node, at: "app.listen", allowed: ["host", "hosts", "port", "unix"])
        if let unixNode = f["unix"], !SpecReader.isNull(unixNode) {
            if let other = f["host"] ?? f["hosts"] ?? f["port"] {
                throw error(.conflict, other, "app.listen", "give either unix or host and port, not both")
            }
            let socket = try path(unixNode, at: "app.listen.unix")
            guard socket.utf8.count <= 100 else {
                throw error(.invalidValue, unixNode, "app.listen.unix", "socket paths are limited to 100 bytes")
            }
            return .unix(path: socket)
        }
        var host: IPAddress? = nil  // not written: the default depends on app.hosts (applyDerivedDefaults)
        if let n = f["host"], !SpecReader.isNull(n) { host = try listenHost(n, at: "app.listen.host") }
        var port: UInt16 = 8000
        if let n = f["port"], !SpecReader.isNull(n) { port = UInt16(try int(n, at: "app.listen.port", in: 0...65535)) }
        return .tcp(host: host, port: port)
    }

    /// `app.listen.hosts`: the addresses to listen on (at least one), or `nil` when not given.
    /// Refused next to `app.listen.host` (which of them would win?).
    mutating func decodeListenHosts(_ node: YAMLNode) throws(SpecError) -> [IPAddress]? {
        let f = try fields(node, at: "app.listen", allowed: ["host", "hosts", "port", "unix"])
        guard let hostsNode = f["hosts"], !SpecReader.isNull(hostsNode) else { return nil }
        if let hostNode = f["host"], !SpecReader.isNull(hostNode) {
            throw error(.conflict, hostsNode, "app.listen.hosts", "give either host or hosts, not both")
        }
        var hosts: [IPAddress] = []
        for (item, itemPath) in try list(hostsNode, at: "app.listen.hosts") {
            let address = try listenHost(item, at: itemPath)
            if hosts.contains(address) {
                throw error(.invalidValue, item, itemPath, "\(address) is listed twice")
            }
            hosts.append(address)
        }
        guard !hosts.isEmpty else {
            throw error(.invalidValue, hostsNode, "app.listen.hosts", "list at least one address")
        }
        return hosts
    }

    /// One address to listen on: an IP address (brackets allowed), `localhost`, or a wildcard
    /// spelling (`""`, `*`; validation explains why they are refused behind a proxy).
    private mutating func listenHost(_ n: YAMLNode, at path: String) throws(SpecError) -> IPAddress {
        let text = try string(n, at: path)
        switch text.lowercased() {
        case "", "*": return .anyV4
        case "localhost": return .loopbackV4
        default:
            var bare = Substring(text)
            if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
            do {
                return try IPAddress(parsing: bare)
            } catch {
                throw self.error(.invalidAddress, n, path, "\(error.reason) (give an IP address, not a name)")
            }
        }
    }

    mutating func decodeHosts(_ node: YAMLNode) throws(SpecError) -> AppSpec.Hosts {
        let f = try fields(node, at: "app.hosts", allowed: ["addresses", "balancers"])
        var addresses: [IPAddress] = []
        for (item, itemPath) in try list(f["addresses"] ?? .init(""), at: "app.hosts.addresses") {
            let text = try string(item, at: itemPath)
            do {
                addresses.append(try IPAddress(parsing: text))
            } catch {
                throw self.error(.invalidAddress, item, itemPath, error.reason)
            }
        }
        let balancers = try list(f["balancers"] ?? .init(""), at: "app.hosts.balancers").map {
            (item, itemPath) throws(SpecError) in try cidr(item, at: itemPath)
        }
        return AppSpec.Hosts(addresses: addresses, balancers: balancers)
    }

    mutating func decodeLimits(_ node: YAMLNode) throws(SpecError) -> AppSpec.Limits {
        var limits = AppSpec.Limits()
        let f = try fields(
            node,
            at: "app.limits",
            allowed: [
                "max_connections", "max_header_bytes", "max_body_bytes", "header_timeout", "body_timeout",
                "idle_timeout", "proxy_protocol_timeout", "shutdown_timeout",
            ]
        )
        let p = "app.limits."
        if let n = f["max_connections"], !SpecReader.isNull(n) {
            limits.maxConnections = try int(n, at: p + "max_connections", in: 1...1_000_000)
        }
        if let n = f["max_header_bytes"], !SpecReader.isNull(n) {
            limits.maxHeaderBytes = try byteSize(n, at: p + "max_header_bytes", in: 1024...(1 << 20))
        }
        if let n = f["max_body_bytes"], !SpecReader.isNull(n) {
            limits.maxBodyBytes = try byteSize(n, at: p + "max_body_bytes", in: 1...(1 << 40))
        }
        let seconds = Duration.milliseconds(100)...Duration.seconds(86_400)
        if let n = f["header_timeout"], !SpecReader.isNull(n) {
            limits.headerTimeout = try duration(n, at: p + "header_timeout", in: seconds)
        }
        if let n = f["body_timeout"], !SpecReader.isNull(n) {
            limits.bodyTimeout = try duration(n, at: p + "body_timeout", in: seconds)
        }
        if let n = f["idle_timeout"], !SpecReader.isNull(n) {
            limits.idleTimeout = try duration(n, at: p + "idle_timeout", in: .seconds(1)...(.seconds(86_400)))
        }
        if let n = f["proxy_protocol_timeout"], !SpecReader.isNull(n) {
            limits.proxyProtocolTimeout = try duration(n, at: p + "proxy_protocol_timeout", in: seconds)
        }
        if let n = f["shutdown_timeout"], !SpecReader.isNull(n) {
            limits.shutdownTimeout = try duration(n, at: p + "shutdown_timeout", in: .zero...(.seconds(3600)))
        }
        return limits
    }
}
