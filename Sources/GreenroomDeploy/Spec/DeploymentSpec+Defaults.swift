import GreenroomCore

extension DeploymentSpec {
    /// Fills the defaults that depend on other values, for everything the user did not write:
    ///
    /// - `app.listen.host`: `127.0.0.1` (none with `app.hosts`: each host binds its own address);
    /// - `app.trust`: where the proxy connects from: the balancers with `app.hosts`, `unix` for a
    ///   socket, nobody with `proxy.kind: none`, else `loopback`; with `kubernetes:`, the gateway
    ///   pods' range (`kubernetes.gateway.addresses`);
    /// - with `proxy.tls`: `proxy.listen.https` 443 (IPv4 and IPv6), `redirect_http: true`, HSTS
    ///   for two years.
    mutating func applyDerivedDefaults(written: SpecLocations) {
        if case .tcp(let host, let port) = app.listen {
            if app.hosts == nil, host == nil {
                app.listen = .tcp(host: .loopbackV4, port: port)
            } else if app.hosts != nil, !written.isWritten("app.listen.host") {
                app.listen = .tcp(host: nil, port: port)
            }
        }
        if !written.isWritten("app.trust") && written.keys["app.trust"] == nil {
            if let kubernetes {
                app.trust = TrustedProxies(entries: kubernetes.gateway.addresses.map { .cidr($0) })
            } else if let hosts = app.hosts {
                app.trust = TrustedProxies(entries: hosts.balancers.map { .cidr($0) })
            } else if proxy.kind == .none {
                app.trust = .none
            } else if app.unixPath != nil {
                app.trust = TrustedProxies(entries: [.unix])
            } else {
                app.trust = .loopback
            }
        }
        if proxy.tls != nil {
            if written.keys["proxy.listen.https"] == nil {
                proxy.httpsListen = [.init(port: 443), .init(host: "[::]", port: 443)]
            }
            if !written.isWritten("proxy.redirect_http") { proxy.redirectHTTP = !proxy.httpListen.isEmpty }
            if !written.isWritten("proxy.hsts") { proxy.hsts = ProxySpec.HSTS() }
        }
    }

    /// The built-in defaults with derived values filled in: what an empty `greenroom.yml` means.
    public static var defaults: DeploymentSpec {
        var spec = DeploymentSpec()
        spec.applyDerivedDefaults(written: spec.locations)
        return spec
    }
}
