import GreenroomCore

extension Generator {
    /// The local port HAProxy sends ACME challenges to (certbot `--standalone --http-01-port`).
    public static let haproxyACMEPort = 8402

    /// HAProxy's spelling of an address: `:80`, `127.0.0.1:80`, `[::]:80 v6only`.
    static func haproxyBind(_ address: ProxySpec.ListenAddress) -> String {
        guard let host = address.host else { return ":\(address.port)" }
        return address.isIPv6 ? "\(host):\(address.port) v6only" : "\(host):\(address.port)"
    }

    /// The PEM HAProxy loads: certificate and key in one file.
    func haproxyPEM(_ tls: ProxySpec.TLS) -> String {
        if let pem = tls.haproxyPEM { return pem }
        if tls.key == nil { return tls.certificate }
        let name =
            spec.proxy.serverNames[0].hasPrefix("*.")
            ? String(spec.proxy.serverNames[0].dropFirst(2)) : spec.proxy.serverNames[0]
        return "/etc/haproxy/certs/\(name).pem"
    }

    func haproxyContext() -> [String: Any] {
        let app = spec.app
        let proxy = spec.proxy
        var context = commonContext(.haproxy)
        let proxyProtocol = app.proxyProtocol != .off

        var binds = proxy.httpListen.map(Generator.haproxyBind)
        if let tls = proxy.tls {
            let crt = "ssl crt \(haproxyPEM(tls)) alpn h2,http/1.1"
            if tls.haproxyPEM == nil, let key = tls.key {
                context["pem_note"] = "cat \(tls.certificate) \(key) > \(haproxyPEM(tls))"
            }
            binds += proxy.httpsListen.map { "\(Generator.haproxyBind($0)) \(crt)" }
        }
        context["binds"] = binds
        if let realIP = proxy.realIP {
            context["real_ip"] =
                [
                    "from": realIP.from.map(\.configText).joined(separator: " "),
                    "header": realIP.header,
                    "expect_proxy": realIP.usesProxyProtocol,
                ] as [String: Any]
        }
        if proxy.tls?.acmeWebroot != nil { context["acme"] = ["port": Generator.haproxyACMEPort] }
        context["redirect"] = proxy.tls != nil && proxy.redirectHTTP
        context["body_limit"] = ["bytes": proxy.effectiveBodyLimit(app: app)]
        if let rate = proxy.rateLimit {
            context["rate_limit"] = [
                "rate": rate.requestsPerSecond, "burst": rate.burst, "threshold": rate.requestsPerSecond + rate.burst,
            ]
        }
        context["cleared"] = Generator.forwardingHeadersWithUnderscoreSpellings
        // A chroot would hide a unix-socket app from HAProxy once it has started.
        context["chroot"] = !app.endpoints.contains { if case .unix = $0 { true } else { false } }
        context["global_maxconn"] = 2 * app.endpoints.count * app.limits.maxConnections
        if proxyProtocol {
            context["proxy_protocol"] = ["version": app.proxyProtocol.rawValue]
            context["x_forwarded"] = false
            context["forwarded"] = false
        }
        context["set_real_ip"] = !proxyProtocol
        let hsts: Any = (proxy.tls != nil ? proxy.hsts?.headerValue : nil) ?? false
        context["hsts"] = hsts
        context["security_headers"] = proxy.securityHeaders
        context["gzip"] = proxy.gzip
        context["connect_timeout"] = SpecValues.format(proxy.timeouts.connect)
        context["read_timeout"] = SpecValues.format(proxy.timeouts.read)
        context["header_timeout"] = SpecValues.format(app.limits.headerTimeout)
        context["websocket_timeout"] = SpecValues.format(proxy.timeouts.websocket)

        let sendProxy: Any
        switch app.proxyProtocol {
        case .off: sendProxy = false
        case .v1: sendProxy = "send-proxy"
        // The -ssl variant adds the SSL TLV, so the app can tell https from http.
        case .v2: sendProxy = "send-proxy-v2-ssl"
        }
        context["servers"] = app.endpoints.enumerated().map { index, endpoint -> [String: Any] in
            let address: String
            switch endpoint {
            case .tcp: address = endpoint.description
            case .unix(let path): address = "unix@\(path)"
            }
            return [
                "server_name": "\(identifier)_\(index + 1)", "address": address, "maxconn": app.limits.maxConnections,
                "send_proxy": sendProxy,
            ]
        }
        return context
    }
}
