import GreenroomCore
import GreenroomDeploy

extension AppExpectation {
    /// What the app described by a deployment spec expects from its proxy, so the nginx and Apache
    /// rules check the user's real files against the spec.
    ///
    /// - `app.listen` (each of `app.listen.hosts`), `app.instances` and `app.hosts` give the binds
    ///   (every instance on every app host: the balancer's upstream lists them all);
    /// - `app.trust`, `app.hops`, `app.forwarded_headers` and `app.proxy_protocol` (`v1`/`v2` mean
    ///   the app requires it) say what the app believes;
    /// - `proxy.websocket_paths` and `proxy.real_ip.from` (the outer proxies) complete it.
    public init(spec: DeploymentSpec) {
        let app = spec.app
        var binds = app.endpoints.map { endpoint -> BindTarget in
            switch endpoint {
            case .tcp(let address, let port): .tcp(host: address.description, port: Int(port))
            case .unix(let path): .unix(path: path)
            }
        }
        // `app.listen.hosts`: the app listens on every one of them, on the same ports.
        for address in app.additionalListenHosts {
            binds += app.ports.map { .tcp(host: address.description, port: Int($0)) }
        }
        let headers: Set<ForwardedHeader>
        switch app.forwardedHeaders {
        case .xForwarded:
            headers = [.xForwardedFor, .xForwardedProto, .xForwardedHost, .xForwardedPort, .xForwardedPrefix]
        case .forwarded: headers = [.forwarded]
        case .both: headers = Set(ForwardedHeader.allCases)
        }
        self.init(
            binds: binds,
            trust: app.trust,
            proxyProtocol: app.proxyProtocol == .off ? .off : .required,
            forwardedHeaders: headers,
            hops: app.hops,
            websocketPaths: spec.proxy.websocketPaths,
            outerProxies: spec.proxy.realIP?.from ?? []
        )
    }
}
