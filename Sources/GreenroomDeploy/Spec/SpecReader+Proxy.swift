import GreenroomCore
import GreenroomYAML

extension SpecReader {
    static let proxyKeys = [
        "kind", "server_names", "listen", "tls", "redirect_http", "hsts", "security_headers", "websocket_paths",
        "static_files", "client_max_body_size", "timeouts", "gzip", "rate_limit", "real_ip", "upstream_keepalive",
        "version",
    ]

    /// The headers an outer balancer may carry the client address in (`proxy.real_ip.header`).
    static let realIPHeaders = ["X-Forwarded-For", "X-Real-IP", "CF-Connecting-IP", "True-Client-IP", "proxy_protocol"]

    mutating func decodeProxy(_ node: YAMLNode, app: AppSpec) throws(SpecError) -> ProxySpec {
        var proxy = ProxySpec()
        let f = try fields(node, at: "proxy", allowed: SpecReader.proxyKeys)
        if let n = f["kind"], !SpecReader.isNull(n) {
            proxy.kind = ProxySpec.Kind(
                rawValue: try word(n, at: "proxy.kind", oneOf: ProxySpec.Kind.allCases.map(\.rawValue))
            )!
        }
        if let n = f["server_names"] {
            proxy.serverNames = try list(n, at: "proxy.server_names").map { (item, itemPath) throws(SpecError) in
                let name = try string(item, at: itemPath).lowercased()
                if let problem = SpecValues.problem(withServerName: name) {
                    throw error(.unsafeText, item, itemPath, "'\(name)' \(problem)")
                }
                return name
            }
            if proxy.serverNames.isEmpty { throw error(.missingKey, n, "proxy.server_names", "list at least one name") }
        }
        if let n = f["tls"], !SpecReader.isNull(n) { proxy.tls = try decodeTLS(n, serverName: proxy.serverNames[0]) }
        if let n = f["listen"], !SpecReader.isNull(n) {
            let l = try fields(n, at: "proxy.listen", allowed: ["http", "https"])
            if let h = l["http"] { proxy.httpListen = try listenAddresses(h, at: "proxy.listen.http") }
            if let h = l["https"] { proxy.httpsListen = try listenAddresses(h, at: "proxy.listen.https") }
        }
        if let n = f["redirect_http"], !SpecReader.isNull(n) {
            proxy.redirectHTTP = try bool(n, at: "proxy.redirect_http")
        }
        if let n = f["hsts"], !SpecReader.isNull(n) { proxy.hsts = try decodeHSTS(n) }
        if let n = f["security_headers"], !SpecReader.isNull(n) {
            proxy.securityHeaders = try bool(n, at: "proxy.security_headers")
        }
        if let n = f["websocket_paths"] {
            proxy.websocketPaths = try list(n, at: "proxy.websocket_paths").map { (item, itemPath) throws(SpecError) in
                try urlPath(item, at: itemPath)
            }
        }
        if let n = f["static_files"] {
            for (item, itemPath) in try list(n, at: "proxy.static_files") {
                proxy.staticFiles.append(try decodeStaticFiles(item, at: itemPath))
            }
        }
        if let n = f["client_max_body_size"], !SpecReader.isNull(n) {
            proxy.clientMaxBodySize = try byteSize(n, at: "proxy.client_max_body_size", in: 1...(1 << 40))
        }
        if let n = f["timeouts"], !SpecReader.isNull(n) {
            let t = try fields(n, at: "proxy.timeouts", allowed: ["connect", "read", "send", "websocket"])
            let range = Duration.seconds(1)...Duration.seconds(86_400)
            if let v = t["connect"], !SpecReader.isNull(v) {
                proxy.timeouts.connect = try duration(v, at: "proxy.timeouts.connect", in: range)
            }
            if let v = t["read"], !SpecReader.isNull(v) {
                proxy.timeouts.read = try duration(v, at: "proxy.timeouts.read", in: range)
            }
            if let v = t["send"], !SpecReader.isNull(v) {
                proxy.timeouts.send = try duration(v, at: "proxy.timeouts.send", in: range)
            }
            if let v = t["websocket"], !SpecReader.isNull(v) {
                proxy.timeouts.websocket = try duration(v, at: "proxy.timeouts.websocket", in: range)
            }
        }
        if let n = f["gzip"], !SpecReader.isNull(n) { proxy.gzip = try bool(n, at: "proxy.gzip") }
        if let n = f["rate_limit"], !SpecReader.isNull(n), !(try isOff(n, at: "proxy.rate_limit")) {
            let r = try fields(n, at: "proxy.rate_limit", allowed: ["requests_per_second", "burst"])
            guard let rateNode = r["requests_per_second"], !SpecReader.isNull(rateNode) else {
                throw error(.missingKey, n, "proxy.rate_limit.requests_per_second", "required to enable rate limiting")
            }
            let rate = try int(rateNode, at: "proxy.rate_limit.requests_per_second", in: 1...100_000)
            var burst = rate * 2
            if let b = r["burst"], !SpecReader.isNull(b) {
                burst = try int(b, at: "proxy.rate_limit.burst", in: 0...1_000_000)
            }
            proxy.rateLimit = ProxySpec.RateLimit(requestsPerSecond: rate, burst: burst)
        }
        if let n = f["real_ip"], !SpecReader.isNull(n), !(try isOff(n, at: "proxy.real_ip")) {
            let r = try fields(n, at: "proxy.real_ip", allowed: ["from", "header"])
            let from = try list(r["from"] ?? .init(""), at: "proxy.real_ip.from").map {
                (item, itemPath) throws(SpecError) in
                try cidr(item, at: itemPath)
            }
            if from.isEmpty {
                throw error(.missingKey, n, "proxy.real_ip.from", "list the outer balancer's or CDN's addresses")
            }
            var header = "X-Forwarded-For"
            if let h = r["header"], !SpecReader.isNull(h) {
                header = try word(h, at: "proxy.real_ip.header", oneOf: SpecReader.realIPHeaders)
            }
            proxy.realIP = ProxySpec.RealIP(from: from, header: header)
        }
        if let n = f["version"], !SpecReader.isNull(n) {
            let text = try string(n, at: "proxy.version")
            guard let version = ProxySpec.Version(text) else {
                throw error(.invalidValue, n, "proxy.version", "'\(text)' is not a version such as \"1.22\" or 1.25.1")
            }
            proxy.version = version
        }
        if let n = f["upstream_keepalive"], !SpecReader.isNull(n) {
            proxy.upstreamKeepalive = try int(n, at: "proxy.upstream_keepalive", in: 1...65_536)
        }
        return proxy
    }
}
