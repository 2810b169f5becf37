import GreenroomCore
import GreenroomDeploy

/// Where the app should be listening and who may reach it: what the live rules compare the
/// running system with.
package struct LiveExpectation: Sendable, Hashable {
    /// The app's TCP ports (one per instance).
    package var ports: [Int]
    /// The address the app binds for its TCP ports (`127.0.0.1`, `::1`), or `nil` with
    /// ``hostAddresses`` (each app host binds its own).
    package var host: IPAddress?
    /// More addresses the app listens on, on the same ports (`app.listen.hosts` after the first).
    package var additionalHosts: [IPAddress] = []
    /// The app's unix socket paths (one per instance).
    package var unixPaths: [String]
    /// The remote-proxy topology: each app host's private address. A listener on one of them is
    /// expected; reaching it from this host (not a balancer) is still a bypass.
    package var hostAddresses: [IPAddress]
    /// The balancers allowed to connect in the remote-proxy topology.
    package var balancers: [CIDR]
    /// Direct serving (no proxy, public on purpose): wildcard and public listeners are fine.
    package var direct: Bool
    /// The group the proxy runs as, which may connect to the unix socket (`www-data`).
    package var proxyGroup: String?

    /// Creates an expectation.
    package init(
        ports: [Int],
        host: IPAddress? = .loopbackV4,
        unixPaths: [String] = [],
        hostAddresses: [IPAddress] = [],
        balancers: [CIDR] = [],
        direct: Bool = false,
        proxyGroup: String? = nil
    ) {
        self.ports = ports
        self.host = host
        self.unixPaths = unixPaths
        self.hostAddresses = hostAddresses
        self.balancers = balancers
        self.direct = direct
        self.proxyGroup = proxyGroup
    }

    /// What the spec's app looks like when running on this host (or on one of `app.hosts`).
    package init(spec: DeploymentSpec) {
        let app = spec.app
        var paths: [String] = []
        var host: IPAddress? = nil
        if app.unixPath != nil {
            paths = (1...app.instances).compactMap { app.unixPath(instance: String($0)) }
        } else if case .tcp(let address, _) = app.listen {
            host = address
        }
        self.init(
            ports: app.ports.map(Int.init),
            host: host,
            unixPaths: paths,
            hostAddresses: app.hosts?.addresses ?? [],
            balancers: app.hosts?.balancers ?? [],
            direct: spec.proxy.kind == .none && app.allowPublic,
            proxyGroup: spec.systemd.effectiveGroup(app: app, proxy: spec.proxy.kind)
        )
        additionalHosts = app.additionalListenHosts
    }

    /// `true` when a listener at `address` is where the app is meant to listen.
    func isExpectedBind(_ address: IPAddress) -> Bool {
        let address = address.unmapped
        if direct { return true }
        if address.isLoopback { return true }
        return hostAddresses.contains { $0.unmapped == address }
    }
}
