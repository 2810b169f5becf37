import GreenroomCore
import GreenroomYAML

/// The parts of `proxy:` with their own shape: TLS, HSTS, static files, listen addresses.
extension SpecReader {
    /// `true` when a section is switched off with `false`/`off`/`no`.
    func isOff(_ node: YAMLNode, at path: String) throws(SpecError) -> Bool {
        guard case .scalar = node else { return false }
        if try bool(node, at: path) { throw error(.wrongType, node, path, "expected a mapping of settings or 'off'") }
        return true
    }

    mutating func decodeTLS(_ node: YAMLNode, serverName: String) throws(SpecError) -> ProxySpec.TLS? {
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
            let live =
                "/etc/letsencrypt/live/\(serverName.hasPrefix("*.") ? String(serverName.dropFirst(2)) : serverName)"
            certificate = "\(live)/fullchain.pem"
            key = "\(live)/privkey.pem"
        } else {
            throw error(
                .missingKey,
                node,
                "proxy.tls.certificate",
                "give the certificate file (or acme_webroot for Let's Encrypt)"
            )
        }
        if let n = t["key"], !SpecReader.isNull(n) { key = try path(n, at: "proxy.tls.key") }
        var pem: String? = nil
        if let n = t["haproxy_pem"], !SpecReader.isNull(n) { pem = try path(n, at: "proxy.tls.haproxy_pem") }
        return ProxySpec.TLS(certificate: certificate, key: key, acmeWebroot: webroot, haproxyPEM: pem)
    }

    mutating func decodeHSTS(_ node: YAMLNode) throws(SpecError) -> ProxySpec.HSTS? {
        if case .scalar = node { return try bool(node, at: "proxy.hsts") ? ProxySpec.HSTS() : nil }
        let h = try fields(node, at: "proxy.hsts", allowed: ["max_age", "include_subdomains", "preload"])
        var hsts = ProxySpec.HSTS()
        if let n = h["max_age"], !SpecReader.isNull(n) {
            let age = try duration(n, at: "proxy.hsts.max_age", in: .zero...(.seconds(3 * 31_536_000)))
            hsts.maxAge = Int(SpecValues.milliseconds(age) / 1000)
        }
        if let n = h["include_subdomains"], !SpecReader.isNull(n) {
            hsts.includeSubdomains = try bool(n, at: "proxy.hsts.include_subdomains")
        }
        if let n = h["preload"], !SpecReader.isNull(n) { hsts.preload = try bool(n, at: "proxy.hsts.preload") }
        return hsts
    }

    mutating func decodeStaticFiles(_ node: YAMLNode, at itemPath: String) throws(SpecError) -> ProxySpec.StaticFiles {
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
            throw error(
                .invalidValue,
                pathNode,
                "\(itemPath).path",
                "must end with '/' (e.g. \(prefix)/), or alias paths can escape the directory"
            )
        }
        var directory = try path(directoryNode, at: "\(itemPath).directory")
        if !directory.hasSuffix("/") { directory += "/" }
        var expires: Duration? = nil
        if let n = s["expires"], !SpecReader.isNull(n) {
            expires = try duration(n, at: "\(itemPath).expires", in: .zero...(.seconds(31_536_000)))
        }
        return ProxySpec.StaticFiles(path: prefix, directory: directory, expires: expires)
    }

    func urlPath(_ node: YAMLNode, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = SpecValues.problem(withURLPath: text) {
            throw error(text.hasPrefix("/") ? .unsafeText : .invalidValue, node, path, "'\(text)' \(problem)")
        }
        return text
    }

    /// `80`, `"127.0.0.1:8080"`, `"[::]:443"`, `"*:80"`, or a list of those; `off` for none.
    mutating func listenAddresses(_ node: YAMLNode, at path: String) throws(SpecError) -> [ProxySpec.ListenAddress] {
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
                        throw error(
                            .invalidAddress,
                            item,
                            itemPath,
                            "'\(text)' is not PORT, ADDRESS:PORT or [IPV6]:PORT"
                        )
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
