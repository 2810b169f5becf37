import GreenroomCore
import GreenroomDeploy
import GreenroomServer

/// Maps the `app:` section of a deployment spec onto the server's configuration, so that
/// `greenroom serve --config greenroom.yml` runs exactly what `greenroom generate` configured the
/// proxy for.
enum ServeSpecOptions {
    /// Loads and validates the spec at `path` and applies its `app:` section.
    ///
    /// - Parameter host: the `--host` flag, required when the spec lists `app.hosts` (the
    ///   remote-proxy topology, where each host binds its own private address).
    /// - Throws: ``ConfigurationError`` with the spec's `file:line:col: key: message`.
    static func apply(specAt path: String, to configuration: inout ServerConfiguration, host: String?) throws {
        let spec: DeploymentSpec
        do {
            spec = try DeploymentSpec.load(path: path)
        } catch {
            throw ConfigurationError("\(error)")
        }
        let app = spec.app
        switch app.listen {
        case .unix(let socketPath):
            configuration.bind = .unix(path: socketPath)
        case .tcp(let specHost, let port):
            if let specHost {
                configuration.bind = .tcp(host: specHost.description, port: Int(port))
            } else {
                let addresses = app.hosts?.addresses ?? []
                guard let host else {
                    throw ConfigurationError(
                        "\(path): app.hosts lists \(addresses.map(\.description).joined(separator: ", ")); "
                            + "pass --host with this host's address (the generated unit does)"
                    )
                }
                guard let address = IPAddress(host), addresses.contains(address.unmapped) else {
                    throw ConfigurationError(
                        "--host \(host) is not one of app.hosts in \(path) "
                            + "(\(addresses.map(\.description).joined(separator: ", ")))"
                    )
                }
                configuration.bind = .tcp(host: host, port: Int(port))
            }
        }
        configuration.trustedProxies = app.trust
        configuration.allowPublic = app.allowPublic
        configuration.optIns = app.optIns
        configuration.proxyProtocol = app.proxyProtocol == .off ? .off : .required
        configuration.forwardedHeaders =
            ForwardedResolver.HeaderPolicy(rawValue: app.forwardedHeaders.rawValue) ?? .both
        configuration.authoritativeHeaders = spec.authoritativeHeaders
        configuration.hops = app.hops
        configuration.maxConnections = app.limits.maxConnections
        configuration.maxHeaderBytes = app.limits.maxHeaderBytes
        configuration.maxBodyBytes = app.limits.maxBodyBytes
        configuration.headerTimeout = app.limits.headerTimeout
        configuration.bodyTimeout = app.limits.bodyTimeout
        configuration.idleTimeout = app.limits.idleTimeout
        configuration.proxyProtocolTimeout = app.limits.proxyProtocolTimeout
        configuration.shutdownTimeout = app.limits.shutdownTimeout
    }
}
