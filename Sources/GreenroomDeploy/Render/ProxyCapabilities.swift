/// What each proxy can and cannot do with a spec's settings.
///
/// Used twice: validation reports the configured proxy's gaps as spec errors, and generating a
/// file for another proxy (`greenroom generate apache` with `proxy.kind: nginx`) refuses with the
/// same message, so no generated file silently drops a setting.
enum ProxyCapabilities {
    /// A setting the proxy cannot honour.
    struct Gap: Sendable, Hashable {
        /// The key that asks for it.
        let keyPath: String
        /// Why.
        let message: String
        /// What to do instead, when there is something.
        var fix: String? = nil
    }

    static func gaps(of kind: ProxySpec.Kind, in spec: DeploymentSpec) -> [Gap] {
        let app = spec.app
        let proxy = spec.proxy
        var gaps: [Gap] = []
        switch kind {
        case .nginx:
            guard app.proxyProtocol != .off else { break }
            if app.proxyProtocol == .v2 {
                gaps.append(
                    Gap(
                        keyPath: "app.proxy_protocol",
                        message: "nginx sends only PROXY protocol v1 (stream module)",
                        fix: "use v1, or HAProxy for v2"
                    )
                )
            }
            let stream = "with the PROXY protocol nginx forwards raw TCP (stream module)"
            if !proxy.staticFiles.isEmpty {
                gaps.append(
                    Gap(
                        keyPath: "proxy.static_files",
                        message:
                            "\(stream) and cannot serve static files",
                        fix: "let the app serve them or use proxy_protocol: off"
                    )
                )
            }
            if proxy.rateLimit != nil {
                gaps.append(
                    Gap(
                        keyPath: "proxy.rate_limit",
                        message: "\(stream) and cannot limit the request rate",
                        fix: "use proxy_protocol: off"
                    )
                )
            }
            if let realIP = proxy.realIP, !realIP.usesProxyProtocol {
                gaps.append(
                    Gap(
                        keyPath: "proxy.real_ip.header",
                        message:
                            "\(stream) and cannot read \(realIP.header); the outer balancer must send header: proxy_protocol"
                    )
                )
            }
        case .apache:
            if app.proxyProtocol != .off {
                gaps.append(
                    Gap(
                        keyPath: "app.proxy_protocol",
                        message:
                            "Apache httpd cannot send the PROXY protocol to a backend",
                        fix: "use off (forwarding headers) or HAProxy"
                    )
                )
            }
            if proxy.rateLimit != nil {
                gaps.append(
                    Gap(
                        keyPath: "proxy.rate_limit",
                        message:
                            "stock Apache httpd has no per-client request rate limit",
                        fix: "remove it or use nginx or HAProxy"
                    )
                )
            }
        case .haproxy:
            if !proxy.staticFiles.isEmpty {
                gaps.append(
                    Gap(
                        keyPath: "proxy.static_files",
                        message: "HAProxy cannot serve files from disk",
                        fix: "let the app serve them or use nginx or Apache"
                    )
                )
            }
        case .none:
            gaps.append(Gap(keyPath: "proxy.kind", message: "no proxy is configured (proxy.kind: none)"))
        }
        return gaps
    }
}
