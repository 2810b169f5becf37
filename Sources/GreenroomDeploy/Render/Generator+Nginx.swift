import GreenroomCore

extension Generator {
    /// The nginx files: a site for the http context; with the PROXY protocol a stream block for
    /// the main context instead (plus a site for ACME and the redirect when TLS is on).
    func nginxFiles() throws -> [GeneratedFile] {
        let name = spec.app.name
        guard spec.app.proxyProtocol != .off else {
            return [
                try render(
                    .nginx,
                    "nginx-site",
                    nginxSiteContext(),
                    path: "\(name).conf",
                    summary: "nginx site (http context)"
                )
            ]
        }
        var files: [GeneratedFile] = []
        if spec.proxy.tls != nil, spec.proxy.redirectHTTP {
            files.append(
                try render(
                    .nginx,
                    "nginx-site",
                    nginxSiteContext(),
                    path: "\(name).conf",
                    summary: "nginx site: ACME and HTTPS redirect (http context)"
                )
            )
        }
        files.append(
            try render(
                .nginx,
                "nginx-stream",
                nginxStreamContext(),
                path: "\(name)-stream.conf",
                summary: "nginx stream proxy with PROXY protocol (main context)"
            )
        )
        return files
    }

    /// `listen` parameters for a set of addresses.
    func nginxListen(_ addresses: [ProxySpec.ListenAddress], _ parameters: String) -> [String] {
        let proxyProtocol = spec.proxy.realIP?.usesProxyProtocol == true ? " proxy_protocol" : ""
        return addresses.map { "\($0)\(parameters)\(proxyProtocol)" }
    }

    func nginxTLS(sessionCache: String) -> [String: Any]? {
        guard let tls = spec.proxy.tls else { return nil }
        return ["certificate": tls.certificate, "key": tls.key ?? tls.certificate, "session_cache": sessionCache]
    }

    func nginxRealIP() -> [String: Any]? {
        guard let realIP = spec.proxy.realIP else { return nil }
        return ["from": realIP.from.map(\.configText), "header": realIP.header]
    }

    /// The parameters of each upstream `server` line: passive failover between several servers.
    /// nginx ignores `max_fails` on an upstream's only server (there is nothing to fail over to),
    /// so a single server gets none; this is no health check either way.
    var nginxFailover: String { spec.app.endpoints.count > 1 ? " max_fails=3 fail_timeout=10s" : "" }

    func nginxSiteContext() -> [String: Any] {
        let app = spec.app
        let proxy = spec.proxy
        var context = commonContext(.nginx)
        let proxied = app.proxyProtocol == .off
        let tls = proxy.tls
        let redirecting = tls != nil && proxy.redirectHTTP
        let acme: Any = tls?.acmeWebroot.map { ["webroot": $0] as [String: Any] } ?? false

        context["proxied"] = proxied
        context["server_names"] = proxy.serverNames.joined(separator: " ")
        context["real_ip"] = nginxRealIP() ?? false
        if redirecting {
            let port = proxy.httpsPorts.first ?? 443
            context["redirect"] =
                [
                    "listen": nginxListen(proxy.httpListen, ""),
                    "acme": acme,
                    "port_suffix": port == 443 ? "" : ":\(port)",
                ] as [String: Any]
        }
        // nginx 1.25.1 deprecated "listen ... http2" for "http2 on;", which older nginx rejects:
        // without a known version, the parameter every nginx accepts (newer ones only warn).
        let http2Directive = proxy.version.map { $0 >= .nginxHTTP2Directive } ?? false
        var listen = nginxListen(proxy.httpsListen, http2Directive ? " ssl" : " ssl http2")
        if !redirecting { listen = nginxListen(proxy.httpListen, "") + listen }
        context["listen"] = listen
        context["http2_directive"] = http2Directive && tls != nil
        context["tls"] = nginxTLS(sessionCache: "greenroom_tls") ?? false
        // ACME in the main server only when it also answers plain HTTP (no redirect server).
        context["acme"] = redirecting ? false : acme
        let hsts = tls != nil ? proxy.hsts?.headerValue : nil
        context["hsts"] = hsts ?? false
        context["security_headers"] = proxy.securityHeaders
        context["has_headers"] = hsts != nil || proxy.securityHeaders
        context["body_limit"] = SpecValues.formatBytes(proxy.effectiveBodyLimit(app: app))
        context["connect_timeout"] = SpecValues.format(proxy.timeouts.connect)
        context["send_timeout"] = SpecValues.format(proxy.timeouts.send)
        context["read_timeout"] = SpecValues.format(proxy.timeouts.read)
        context["websocket_timeout"] = SpecValues.format(proxy.timeouts.websocket)
        context["gzip"] = proxy.gzip
        if let rate = proxy.rateLimit {
            context["rate_limit"] =
                ["zone": "\(identifier)_req", "rate": rate.requestsPerSecond, "burst": rate.burst] as [String: Any]
        }
        context["static_files"] = proxy.staticFiles.map { files -> [String: Any] in
            [
                "path": files.path, "directory": files.directory,
                "expires": files.expires.map(SpecValues.format) ?? false,
            ]
        }
        context["websocket"] = !proxy.websocketPaths.isEmpty
        context["websocket_paths"] = proxy.websocketPaths.map { ["path": $0] }
        context["servers"] = app.endpoints.map(\.description)
        context["failover"] = nginxFailover
        context["keepalive"] = proxy.upstreamKeepalive
        context["keepalive_timeout"] = SpecValues.format(upstreamKeepaliveTimeout)
        // Behind a trusted outer balancer the chain it sent is kept (the app still takes the
        // right-most untrusted hop); at the edge the client's own list is replaced.
        context["xff"] = proxy.realIP != nil ? "$proxy_add_x_forwarded_for" : "$remote_addr"
        var set: Set<String> = ["X-Real-IP"]
        if app.forwardedHeaders.sendsXForwarded {
            set.formUnion(["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port"])
        }
        if app.forwardedHeaders.sendsForwarded { set.insert("Forwarded") }
        context["cleared"] = Generator.forwardingHeaders.filter { !set.contains($0) }
        return context
    }

    func nginxStreamContext() -> [String: Any] {
        let proxy = spec.proxy
        var context = commonContext(.nginx)
        context["servers"] = spec.app.endpoints.map(\.description)
        context["failover"] = nginxFailover
        context["listen"] =
            proxy.tls != nil ? nginxListen(proxy.httpsListen, " ssl") : nginxListen(proxy.httpListen, "")
        context["tls"] = nginxTLS(sessionCache: "greenroom_stream_tls") ?? false
        context["real_ip"] = nginxRealIP() ?? false
        context["connect_timeout"] = SpecValues.format(proxy.timeouts.connect)
        context["stream_timeout"] = SpecValues.format(
            proxy.websocketPaths.isEmpty ? proxy.timeouts.read : max(proxy.timeouts.read, proxy.timeouts.websocket)
        )
        return context
    }
}
