import GreenroomCore

extension Generator {
    /// The mod_proxy URL of one app endpoint: `http://127.0.0.1:8000/` or
    /// `unix:/run/app.sock|http://localhost/`.
    static func apacheURL(_ endpoint: AppSpec.Endpoint) -> String {
        switch endpoint {
        case .tcp: "http://\(endpoint)/"
        case .unix(let path): "unix:\(path)|http://localhost/"
        }
    }

    /// `*:443` for wildcard listeners, `address:port` for specific ones.
    static func apacheVirtualHostAddresses(_ addresses: [ProxySpec.ListenAddress]) -> String {
        addresses.map { $0.address == nil ? "*:\($0.port)" : "\($0.host!):\($0.port)" }.uniqued().joined(separator: " ")
    }

    /// `Listen` arguments for ports Debian's ports.conf does not already open (80 and 443).
    /// A wildcard port is one `Listen PORT` (it covers IPv4 and IPv6).
    static func apacheListenDirectives(_ addresses: [ProxySpec.ListenAddress]) -> [String] {
        addresses.filter { $0.port != 80 && $0.port != 443 }
            .map { $0.address == nil ? "\($0.port)" : "\($0.host!):\($0.port)" }
            .uniqued()
    }

    func apacheModules() -> [String] {
        let proxy = spec.proxy
        var modules = ["proxy", "proxy_http", "headers"]
        if proxy.tls != nil { modules.append("ssl") }
        if proxy.tls?.acmeWebroot != nil || !proxy.staticFiles.isEmpty || (proxy.tls != nil && proxy.redirectHTTP) {
            modules.append("alias")
        }
        if proxy.realIP != nil { modules.append("remoteip") }
        if spec.app.endpoints.count > 1 {
            modules += ["proxy_balancer", "lbmethod_byrequests", "slotmem_shm", "proxy_hcheck"]
        }
        if proxy.gzip { modules += ["deflate", "filter"] }
        return modules
    }

    func apacheContext() -> [String: Any] {
        let app = spec.app
        let proxy = spec.proxy
        var context = commonContext(.apache)
        let endpoints = app.endpoints
        let idle = SpecValues.wholeSeconds(upstreamKeepaliveTimeout)
        let params =
            "keepalive=On ttl=\(idle) connectiontimeout=\(SpecValues.wholeSeconds(proxy.timeouts.connect)) timeout=\(SpecValues.wholeSeconds(proxy.timeouts.read))"
        let single = endpoints.count == 1
        let backend = single ? Generator.apacheURL(endpoints[0]) : "balancer://\(upstreamName)/"

        context["modules"] = apacheModules().joined(separator: " ")
        let listen = Generator.apacheListenDirectives(proxy.httpListen + proxy.httpsListen)
        context["listen"] = listen
        context["has_listen"] = !listen.isEmpty
        if !single {
            context["balancer"] =
                [
                    "members": endpoints.map { endpoint -> [String: Any] in
                        let url = String(Generator.apacheURL(endpoint).dropLast())
                        return [
                            "url": url,
                            "params":
                                "\(params) retry=10 hcmethod=GET hcuri=/healthz hcinterval=5 hcfails=3 hcpasses=2",
                        ]
                    }
                ] as [String: Any]
        }

        let acme: Any =
            proxy.tls?.acmeWebroot.map { ["webroot": $0.hasSuffix("/") ? String($0.dropLast()) : $0] as [String: Any] }
            ?? false
        func vhost(_ addresses: [ProxySpec.ListenAddress], scheme: String, redirect: Bool) -> [String: Any] {
            var host: [String: Any] = [
                "addresses": Generator.apacheVirtualHostAddresses(addresses),
                "server_name": proxy.serverNames[0],
                "aliases": Array(proxy.serverNames.dropFirst()),
                "tls": false, "acme": false, "redirect": false, "proxying": false,
            ]
            if scheme == "https", let tls = proxy.tls {
                host["tls"] = ["certificate": tls.certificate, "key": tls.key ?? false] as [String: Any]
            }
            if scheme == "http" { host["acme"] = acme }
            if redirect {
                let port = proxy.httpsPorts.first ?? 443
                host["redirect"] = ["target": "https://\(proxy.serverNames[0])\(port == 443 ? "" : ":\(port)")"]
                return host
            }
            let hsts = scheme == "https" ? proxy.hsts?.headerValue : nil
            host["proxying"] =
                [
                    "scheme": scheme,
                    "hsts": hsts ?? false,
                    "has_headers": hsts != nil || proxy.securityHeaders,
                    "real_ip": proxy.realIP.map {
                        ["header": $0.header, "from": $0.from.map(\.configText)] as [String: Any]
                    } ?? false,
                    // mod_remoteip reads its header before these run; keep it only to be safe.
                    "cleared": Generator.forwardingHeadersWithUnderscoreSpellings.filter { $0 != proxy.realIP?.header },
                    "add_headers": app.forwardedHeaders.sendsXForwarded ? "On" : "Off",
                    "read_timeout": SpecValues.wholeSeconds(proxy.timeouts.read),
                    "body_limit": proxy.effectiveBodyLimit(app: app),
                    "static_files": proxy.staticFiles.map { files -> [String: Any] in
                        [
                            "path": files.path, "directory": files.directory,
                            "max_age": files.expires.map { SpecValues.wholeSeconds($0) } ?? false,
                        ]
                    },
                    "websocket_paths": proxy.websocketPaths.map { ["path": $0, "relative": String($0.dropFirst())] },
                    "backend": backend,
                    "single": single,
                    "params": params,
                ] as [String: Any]
            return host
        }
        var vhosts: [[String: Any]] = []
        if proxy.tls != nil {
            if !proxy.httpListen.isEmpty {
                vhosts.append(vhost(proxy.httpListen, scheme: "http", redirect: proxy.redirectHTTP))
            }
            vhosts.append(vhost(proxy.httpsListen, scheme: "https", redirect: false))
        } else {
            vhosts.append(vhost(proxy.httpListen, scheme: "http", redirect: false))
        }
        context["vhosts"] = vhosts
        context["security_headers"] = proxy.securityHeaders
        context["gzip"] = proxy.gzip
        context["app_body_limit"] = SpecValues.formatBytes(app.limits.maxBodyBytes)
        return context
    }
}
