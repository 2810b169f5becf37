import GreenroomCore
import GreenroomServer

extension ServerConfiguration {
    /// The server configuration a deployment spec's `app:` section describes, so that an app
    /// loading `greenroom.yml` itself (or `greenroom serve --config`) runs exactly what
    /// `greenroom generate` configured the proxy for.
    ///
    /// ```swift
    /// let spec = try DeploymentSpec.load(path: "greenroom.yml")
    /// let configuration = try ServerConfiguration(spec: spec)
    /// ```
    ///
    /// - Parameters:
    ///   - spec: the deployment spec, loaded and validated.
    ///   - host: this host's address, required when the spec lists `app.hosts` (the
    ///     remote-proxy topology, where each host binds its own private address) and then one of them.
    /// - Throws: `ConfigurationError` naming the spec file when `host` is missing or not listed.
    public init(spec: DeploymentSpec, host: String? = nil) throws(ConfigurationError) {
        self.init()
        let app = spec.app
        switch app.listen {
        case .unix(let socketPath):
            bind = .unix(path: socketPath)
        case .tcp(let specHost, let port):
            if let specHost {
                bind = .tcp(host: specHost.description, port: Int(port))
                additionalHosts = app.additionalListenHosts.map(\.description)
            } else {
                let addresses = app.hosts?.addresses ?? []
                let listed = addresses.map(\.description).joined(separator: ", ")
                guard let host else {
                    throw ConfigurationError(
                        "\(spec.file): app.hosts lists \(listed); pass --host with this host's address (the generated "
                            + "unit does)"
                    )
                }
                guard let address = IPAddress(host), addresses.contains(address.unmapped) else {
                    throw ConfigurationError("--host \(host) is not one of app.hosts in \(spec.file) (\(listed))")
                }
                bind = .tcp(host: host, port: Int(port))
            }
        }
        trustedProxies = app.trust
        allowPublic = app.allowPublic
        optIns = app.optIns
        proxyProtocol = app.proxyProtocol == .off ? .off : .required
        forwardedHeaders = app.forwardedHeaders
        authoritativeHeaders = spec.authoritativeHeaders
        hops = app.hops
        maxConnections = app.limits.maxConnections
        maxHeaderBytes = app.limits.maxHeaderBytes
        maxBodyBytes = app.limits.maxBodyBytes
        headerTimeout = app.limits.headerTimeout
        bodyTimeout = app.limits.bodyTimeout
        idleTimeout = app.limits.idleTimeout
        proxyProtocolTimeout = app.limits.proxyProtocolTimeout
        shutdownTimeout = app.limits.shutdownTimeout
        metricsPort = app.metricsPort
    }
}
