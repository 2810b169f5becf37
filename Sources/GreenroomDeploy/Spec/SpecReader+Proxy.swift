import GreenroomCore
import Yams

extension SpecReader {
    static let proxyKeys = [
        "kind", "server_names", "listen", "tls", "redirect_http", "hsts", "security_headers", "websocket_paths",
        "static_files", "client_max_body_size", "timeouts", "gzip", "rate_limit", "real_ip", "upstream_keepalive",
    ]

    /// The headers an outer balancer may carry the client address in (`proxy.real_ip.header`).
    static let realIPHeaders = ["X-Forwarded-For", "X-Real-IP", "CF-Connecting-IP", "True-Client-IP", "proxy_protocol"]

    mutating func decodeProxy(_ node: Node, app: AppSpec) throws(SpecError) -> ProxySpec {
        var proxy = ProxySpec()
        let f = try fields(node, at: "proxy", allowed: SpecReader.proxyKeys)
        if let n = f["kind"], !SpecReader.isNull(n) {
            proxy.kind = ProxySpec.Kind(rawValue: try word(n, at: "proxy.kind", oneOf: ProxySpec.Kind.allCases.map(\.rawValue)))!
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
        if let n = f["redirect_http"], !SpecReader.isNull(n) { proxy.redirectHTTP = try bool(n, at: "proxy.redirect_http") }
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
            if let v = t["connect"], !SpecReader.isNull(v) { proxy.timeouts.connect = try duration(v, at: "proxy.timeouts.connect", in: range) }
            if let v = t["read"], !SpecReader.isNull(v) { proxy.timeouts.read = try duration(v, at: "proxy.timeouts.read", in: range) }
            if let v = t["send"], !SpecReader.isNull(v) { proxy.timeouts.send = try duration(v, at: "proxy.timeouts.send", in: range) }
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
            if let b = r["burst"], !SpecReader.isNull(b) { burst = try int(b, at: "proxy.rate_limit.burst", in: 0...1_000_000) }
            proxy.rateLimit = ProxySpec.RateLimit(requestsPerSecond: rate, burst: burst)
        }
        if let n = f["real_ip"], !SpecReader.isNull(n), !(try isOff(n, at: "proxy.real_ip")) {
            let r = try fields(n, at: "proxy.real_ip", allowed: ["from", "header"])
            let from = try list(r["from"] ?? .init(""), at: "proxy.real_ip.from").map { (item, itemPath) throws(SpecError) in
                try cidr(item, at: itemPath)
            }
            if from.isEmpty {
                throw error(.missingKey, n, "proxy.real_ip.from", "list the outer balancer's or CDN's addresses")
            }
            var header = "X-Forwarded-For"
            if let h = r["header"], !SpecReader.isNull(h) { header = try word(h, at: "proxy.real_ip.header", oneOf: SpecReader.realIPHeaders) }
            proxy.realIP = ProxySpec.RealIP(from: from, header: header)
        }
        if let n = f["upstream_keepalive"], !SpecReader.isNull(n) {
            proxy.upstreamKeepalive = try int(n, at: "proxy.upstream_keepalive", in: 1...65_536)
        }
        return proxy
    }

    /// `true` when a section is switched off with `false`/`off`/`no`.
    func isOff(_ node: Node, at path: String) throws(SpecError) -> Bool {
        guard case .scalar = node else { return false }
        if try bool(node, at: path) { throw error(.wrongType, node, path, "expected a mapping of settings or 'off'") }
        return true
    }

    mutating func decodeTLS(_ node: Node, serverName: String) throws(SpecError) -> ProxySpec.TLS? {
        if try isOff(node, at: "proxy.tls") { return nil }
        let t = try fields(node, at: "proxy.tls", allowed: ["certificate", "key", "acme_webroot", "haproxy_pem"])
        var webroot: String? = nil
        if let n = t["acme_webroot"], !SpecReader.isNull(n) { webroot = try path(n, at: "proxy.tls.acme_webroot") }
        var certificate: String
        var key: String? = nil
        if let n = t["certificate"], !SpecReader.isNull(n) {
            certificate = try path(n, at: "proxy.tls.certificate")
        } else if webroot != nil {
            // certbot --webroot puts the files here.
            let live = "/etc/letsencrypt/live/\(serverName.hasPrefix("*.") ? String(serverName.dropFirst(2)) : serverName)"
            certificate = "\(live)/fullchain.pem"
            key = "\(live)/privkey.pem"
        } else {
            throw error(.missingKey, node, "proxy.tls.certificate", "give the certificate file (or acme_webroot for Let's Encrypt)")
        }
        if let n = t["key"], !SpecReader.isNull(n) { key = try path(n, at: "proxy.tls.key") }
        var pem: String? = nil
        if let n = t["haproxy_pem"], !SpecReader.isNull(n) { pem = try path(n, at: "proxy.tls.haproxy_pem") }
        return ProxySpec.TLS(certificate: certificate, key: key, acmeWebroot: webroot, haproxyPEM: pem)
    }

    mutating func decodeHSTS(_ node: Node) throws(SpecError) -> ProxySpec.HSTS? {
        if case .scalar = node { return try bool(node, at: "proxy.hsts") ? ProxySpec.HSTS() : nil }
        let h = try fields(node, at: "proxy.hsts", allowed: ["max_age", "include_subdomains", "preload"])
        var hsts = ProxySpec.HSTS()
        if let n = h["max_age"], !SpecReader.isNull(n) {
            let age = try duration(n, at: "proxy.hsts.max_age", in: .zero...(.seconds(3 * 31_536_000)))
            hsts.maxAge = Int(SpecValues.milliseconds(age) / 1000)
        }
        if let n = h["include_subdomains"], !SpecReader.isNull(n) { hsts.includeSubdomains = try bool(n, at: "proxy.hsts.include_subdomains") }
        if let n = h["preload"], !SpecReader.isNull(n) { hsts.preload = try bool(n, at: "proxy.hsts.preload") }
        return hsts
    }

    mutating func decodeStaticFiles(_ node: Node, at itemPath: String) throws(SpecError) -> ProxySpec.StaticFiles {
        let s = try fields(node, at: itemPath, allowed: ["path", "directory", "expires"])
        guard let pathNode = s["path"], !SpecReader.isNull(pathNode) else {
            throw error(.missingKey, node, "\(itemPath).path", "give the URL prefix, e.g. /static/")
        }
        guard let directoryNode = s["directory"], !SpecReader.isNull(directoryNode) else {
            throw error(.missingKey, node, "\(itemPath).directory", "give the directory to serve")
        }
        let prefix = try urlPath(pathNode, at: "\(itemPath).path")
        guard prefix.hasSuffix("/") else {
            // `location /static { alias /srv/static/; }` serves /static../ (alias traversal).
            throw error(.invalidValue, pathNode, "\(itemPath).path", "must end with '/' (e.g. \(prefix)/), or alias paths can escape the directory")
        }
        var directory = try path(directoryNode, at: "\(itemPath).directory")
        if !directory.hasSuffix("/") { directory += "/" }
        var expires: Duration? = nil
        if let n = s["expires"], !SpecReader.isNull(n) { expires = try duration(n, at: "\(itemPath).expires", in: .zero...(.seconds(31_536_000))) }
        return ProxySpec.StaticFiles(path: prefix, directory: directory, expires: expires)
    }

    func urlPath(_ node: Node, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = SpecValues.problem(withURLPath: text) {
            throw error(text.hasPrefix("/") ? .unsafeText : .invalidValue, node, path, "'\(text)' \(problem)")
        }
        return text
    }

    /// `80`, `"127.0.0.1:8080"`, `"[::]:443"`, `"*:80"`, or a list of those; `off` for none.
    mutating func listenAddresses(_ node: Node, at path: String) throws(SpecError) -> [ProxySpec.ListenAddress] {
        if case .scalar(let scalar) = node, ["off", "false", "no"].contains(scalar.string.lowercased()) { return [] }
        var result: [ProxySpec.ListenAddress] = []
        for (item, itemPath) in try list(node, at: path) {
            let text = try string(item, at: itemPath)
            var host: String? = nil
            var portText = Substring(text)
            if let colon = text.lastIndex(of: ":") {
                let hostText = String(text[..<colon])
                portText = text[text.index(after: colon)...]
                if hostText != "*" {
                    var bare = Substring(hostText)
                    let bracketed = bare.hasPrefix("[") && bare.hasSuffix("]")
                    if bracketed { bare = bare.dropFirst().dropLast() }
                    guard let address = IPAddress(bare), bracketed == (address.family == .v6) else {
                        throw error(.invalidAddress, item, itemPath, "'\(text)' is not PORT, ADDRESS:PORT or [IPV6]:PORT")
                    }
                    host = address.family == .v6 ? "[\(address)]" : address.description
                }
            }
            guard let port = UInt16(portText), port > 0 else {
                throw error(.invalidValue, item, itemPath, "'\(text)': the port must be 1...65535")
            }
            let address = ProxySpec.ListenAddress(host: host, port: port)
            if !result.contains(address) { result.append(address) }
        }
        return result
    }
}
