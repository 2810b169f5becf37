import GreenroomCore
import GreenroomServer

/// The settings `greenroom serve` takes as flags, each `nil` (or empty, or `false`) when not
/// given, and how they combine with a spec: flags win over the spec, the spec over the defaults.
///
/// ```swift
/// var flags = ServeFlags()
/// flags.port = 9000
/// let configuration = try flags.configuration(over: spec)   // the spec's app, on port 9000
/// ```
public struct ServeFlags: Sendable, Hashable {
    /// `--host`: the first one given.
    public var host: String?
    /// `--host` given more than once: the addresses after the first (same port).
    public var additionalHosts: [String] = []
    /// `--port`.
    public var port: Int?
    /// `--unix`.
    public var unix: String?
    /// `--trust`, repeated; `["none"]` trusts nobody.
    public var trust: [String] = []
    /// `--proxy-protocol`.
    public var proxyProtocol: ProxyProtocolMode?
    /// `--hops`.
    public var hops: Int?
    /// `--allow-public`.
    public var allowPublic = false
    /// `--cluster` (`GREENROOM_CLUSTER=1`): the server runs in a Kubernetes pod.
    public var cluster = false
    /// `--trust-all-i-know`, `--trust-public-ranges`, `--allow-wildcard-bind`,
    /// `--allow-public-behind-proxy`.
    public var optIns: Set<StartupOptIn> = []
    /// `--forwarded-headers`.
    public var forwardedHeaders: ForwardedResolver.HeaderPolicy?
    /// `--authoritative-headers`.
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily?
    /// `--max-connections`.
    public var maxConnections: Int?
    /// `--max-header-bytes`.
    public var maxHeaderBytes: Int?
    /// `--max-body-bytes`.
    public var maxBodyBytes: Int?
    /// `--header-timeout`, in seconds.
    public var headerTimeout: Double?
    /// `--body-timeout`, in seconds.
    public var bodyTimeout: Double?
    /// `--idle-timeout`, in seconds.
    public var idleTimeout: Double?
    /// `--shutdown-timeout`, in seconds.
    public var shutdownTimeout: Double?
    /// `--proxy-protocol-timeout`, in seconds.
    public var proxyProtocolTimeout: Double?
    /// `--metrics-port`: serve Prometheus metrics on this port of the app's loopback host.
    public var metricsPort: Int?

    /// No flags given.
    public init() {}

    /// The configuration: the defaults, then `spec`'s `app:` section, then these flags, which win.
    ///
    /// - Throws: `ConfigurationError` naming the flag (or the spec) whose value is wrong.
    public func configuration(over spec: DeploymentSpec? = nil) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let spec { configuration = try ServerConfiguration(spec: spec, host: host) }
        if let unix {
            configuration.bind = .unix(path: unix)
            configuration.additionalHosts = []
        } else if host != nil || port != nil {
            var (currentHost, currentPort) = ("127.0.0.1", 8000)
            if case .tcp(let specHost, let specPort) = configuration.bind {
                (currentHost, currentPort) = (specHost, specPort)
            }
            configuration.bind = .tcp(host: host ?? currentHost, port: port ?? currentPort)
            // Hosts given here replace the spec's list; a port alone keeps it.
            if host != nil { configuration.additionalHosts = additionalHosts }
        }
        if allowPublic { configuration.allowPublic = true }
        if cluster { configuration.cluster = true }
        configuration.optIns.formUnion(optIns)
        // The same parsing as `greenroom explain`'s (TrustSettings), so the two cannot differ.
        let trustSettings: TrustSettings
        do {
            trustSettings = try TrustSettings(
                trust: trust,
                trustEverything: optIns.contains(.trustEveryone),
                forwardedHeaders: forwardedHeaders,
                authoritativeHeaders: authoritativeHeaders,
                hops: hops
            )
        } catch {
            throw ConfigurationError(error.message)
        }
        if let trusted = trustSettings.trustedProxies {
            configuration.trustedProxies = trusted
        } else if spec == nil, allowPublic {
            configuration.trustedProxies = .none
        }
        if let forwardedHeaders = trustSettings.forwardedHeaders { configuration.forwardedHeaders = forwardedHeaders }
        if let authoritative = trustSettings.authoritativeHeaders { configuration.authoritativeHeaders = authoritative }
        if let hops = trustSettings.hops { configuration.hops = hops }
        if let proxyProtocol { configuration.proxyProtocol = proxyProtocol }
        if let proxyProtocolTimeout {
            configuration.proxyProtocolTimeout = try Self.seconds(proxyProtocolTimeout, "--proxy-protocol-timeout")
        }
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let maxHeaderBytes { configuration.maxHeaderBytes = maxHeaderBytes }
        if let maxBodyBytes { configuration.maxBodyBytes = maxBodyBytes }
        if let headerTimeout { configuration.headerTimeout = try Self.seconds(headerTimeout, "--header-timeout") }
        if let bodyTimeout { configuration.bodyTimeout = try Self.seconds(bodyTimeout, "--body-timeout") }
        if let idleTimeout { configuration.idleTimeout = try Self.seconds(idleTimeout, "--idle-timeout") }
        if let shutdownTimeout {
            configuration.shutdownTimeout = try Self.seconds(shutdownTimeout, "--shutdown-timeout")
        }
        if let metricsPort { configuration.metricsPort = metricsPort }
        return configuration
    }

    private static func seconds(_ value: Double, _ flag: String) throws(ConfigurationError) -> Duration {
        guard value.isFinite, value >= 0, value < 1e9 else {
            throw ConfigurationError("\(flag) \(value) is not a number of seconds")
        }
        return .milliseconds(Int64(value * 1000))
    }
}
