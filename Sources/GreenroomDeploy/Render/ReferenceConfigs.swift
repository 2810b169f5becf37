import GreenroomCore

/// The reference configurations checked into the repository (`nginx/`, `deploy/apache/`,
/// `deploy/haproxy/`, `deploy/systemd/`, `deploy/kubernetes/`), each rendered from the example spec
/// (`deploy/greenroom.example.yml`) with one topology changed.
///
/// A test re-renders them and fails when a checked-in file drifts from the templates; the
/// integration tests run every variant through the real nginx, apache2, haproxy and systemd.
public struct ReferenceConfig: Sendable {
    /// The directory, relative to the package root, e.g. `nginx/unix`.
    public let directory: String
    /// What is rendered there.
    public let target: GenerateTarget
    /// The spec it is rendered from.
    public let spec: DeploymentSpec
    /// One line on what the variant shows.
    public let summary: String

    /// The example spec with the settings it marks "production" turned on: the server names
    /// `example.com` and `www.example.com`, HTTPS on 443 with Let's Encrypt's files and an ACME
    /// webroot, the redirect from HTTP and HSTS. As written the example serves plain HTTP for
    /// `localhost`, so that `init`, `generate` and `nginx -t` work on any machine; the reference
    /// files show the production deployment.
    public static func production(_ example: DeploymentSpec) -> DeploymentSpec {
        var spec = example
        spec.proxy.serverNames = ["example.com", "www.example.com"]
        spec.proxy.httpsListen = [ProxySpec.ListenAddress(port: 443), ProxySpec.ListenAddress(host: "[::]", port: 443)]
        spec.proxy.tls = ProxySpec.TLS(
            certificate: "/etc/letsencrypt/live/example.com/fullchain.pem",
            key: "/etc/letsencrypt/live/example.com/privkey.pem",
            acmeWebroot: "/var/www/letsencrypt"
        )
        spec.proxy.redirectHTTP = true
        spec.proxy.hsts = ProxySpec.HSTS()
        return spec
    }

    /// Every reference configuration, derived from the example spec's production settings
    /// (``production(_:)``).
    public static func all(example: DeploymentSpec) -> [ReferenceConfig] {
        let example = production(example)
        var unix = example
        unix.app.listen = .unix(path: "/run/greenroom/greenroom.sock")
        unix.app.trust = TrustedProxies(entries: [.unix])

        var proxyProtocolV1 = example
        proxyProtocolV1.app.proxyProtocol = .v1

        var proxyProtocolV2 = example
        proxyProtocolV2.app.proxyProtocol = .v2
        proxyProtocolV2.proxy.kind = .haproxy

        var cdn = example
        cdn.proxy.realIP = ProxySpec.RealIP(
            from: [try! CIDR(parsing: "192.0.2.0/24"), try! CIDR(parsing: "2001:db8::/32")],
            header: "X-Forwarded-For"
        )

        var balancer = example
        balancer.app.listen = .tcp(host: nil, port: 8000)
        balancer.app.hosts = AppSpec.Hosts(
            addresses: [IPAddress(ipv4: 0x0A00_000B), IPAddress(ipv4: 0x0A00_000C)],
            balancers: [CIDR(IPAddress(ipv4: 0x0A00_0002))]
        )
        balancer.app.trust = TrustedProxies(entries: [.cidr(CIDR(IPAddress(ipv4: 0x0A00_0002)))])

        var instances = example
        instances.app.instances = 4

        var websocket = example
        websocket.proxy.websocketPaths = ["/ws/"]
        websocket.proxy.staticFiles = [
            .init(path: "/static/", directory: "/srv/greenroom/static/", expires: .seconds(3600))
        ]
        websocket.proxy.rateLimit = .init(requestsPerSecond: 20, burst: 40)

        var cluster = example
        var gateway = KubernetesSpec.Gateway(addresses: [try! CIDR(parsing: "10.244.0.0/16")])
        gateway.hops = 1
        cluster.kubernetes = KubernetesSpec(image: "registry.example.com/greenroom:1.0.0", gateway: gateway)
        cluster.kubernetes?.namespace = "greenroom"
        cluster.kubernetes?.disruptionBudget = .init(minAvailable: 1)
        cluster.kubernetes?.autoscaler = .init(minReplicas: 2, maxReplicas: 10, cpuPercent: 70)
        cluster.app.trust = TrustedProxies(entries: gateway.addresses.map { .cidr($0) })

        var direct = example
        direct.proxy.kind = .none
        direct.app.allowPublic = true
        direct.app.listen = .tcp(host: .anyV4, port: 8080)
        direct.app.trust = .none

        return [
            ReferenceConfig(
                directory: "nginx/tcp",
                target: .nginx,
                spec: example,
                summary: "TCP upstream on 127.0.0.1:8000"
            ),
            ReferenceConfig(directory: "nginx/unix", target: .nginx, spec: unix, summary: "unix-socket upstream"),
            ReferenceConfig(
                directory: "nginx/proxy-protocol",
                target: .nginx,
                spec: proxyProtocolV1,
                summary: "PROXY protocol v1 to the app via the stream module"
            ),
            ReferenceConfig(
                directory: "nginx/cdn",
                target: .nginx,
                spec: cdn,
                summary: "behind a CDN or outer load balancer (real_ip)"
            ),
            ReferenceConfig(
                directory: "nginx/balancer",
                target: .nginx,
                spec: balancer,
                summary: "balancer for two app hosts"
            ),
            ReferenceConfig(
                directory: "nginx/websocket",
                target: .nginx,
                spec: websocket,
                summary: "websocket path, static files, rate limit"
            ),
            ReferenceConfig(
                directory: "deploy/apache",
                target: .apache,
                spec: example,
                summary: "Apache httpd virtual hosts"
            ),
            ReferenceConfig(
                directory: "deploy/haproxy",
                target: .haproxy,
                spec: example,
                summary: "HAProxy with X-Forwarded-For"
            ),
            ReferenceConfig(
                directory: "deploy/haproxy/proxy-protocol-v2",
                target: .haproxy,
                spec: proxyProtocolV2,
                summary: "HAProxy with PROXY protocol v2"
            ),
            ReferenceConfig(directory: "deploy/systemd", target: .systemd, spec: example, summary: "hardened unit"),
            ReferenceConfig(
                directory: "deploy/systemd/instances",
                target: .systemd,
                spec: instances,
                summary: "template unit for 4 local instances"
            ),
            ReferenceConfig(
                directory: "deploy/systemd/direct",
                target: .systemd,
                spec: direct,
                summary: "no proxy: serving the internet directly"
            ),
            ReferenceConfig(
                directory: "deploy/systemd/balancer",
                target: .systemd,
                spec: balancer,
                summary: "one unit per app host behind a balancer"
            ),
            ReferenceConfig(
                directory: "deploy/kubernetes",
                target: .kubernetes,
                spec: cluster,
                summary: "cluster manifests behind Envoy Gateway with one load balancer in front"
            ),
        ]
    }
}
