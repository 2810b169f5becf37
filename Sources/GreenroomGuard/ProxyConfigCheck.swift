import GreenroomConfigParsing
import GreenroomCore

/// The entry points for checking real proxy configurations: load, analyse, report.
///
/// ```swift
/// let app = AppExpectation(host: "127.0.0.1", port: 8000)
/// let report = try ProxyConfigCheck.nginx("/etc/nginx/nginx.conf", app: app)
/// print(report.render(.human, color: Report.shouldColor()))
/// exit(report.exitCode)
/// ```
/// A file that cannot be read or parsed throws a located ``ConfigParseError`` (the CLI's exit
/// status 2); findings never throw.
package enum ProxyConfigCheck {
    /// Loads an nginx configuration (with its includes) and runs the nginx rules.
    ///
    /// - Parameters:
    ///   - app: what the app expects; `nil` runs only the rules that do not need it.
    ///   - inferringApp: with no `app`, judge the trust rules against the apps the configuration
    ///     itself proxies to (``NginxChecker/inferApp``).
    ///   - confPrefix: the directory relative includes resolve against (nginx's conf prefix);
    ///     see ``NginxConfig/load(_:fileSystem:confPrefix:limits:)`` for the default.
    package static func nginx(
        _ path: String,
        app: AppExpectation?,
        inferringApp: Bool = false,
        confPrefix: String? = nil,
        fileSystem: some ConfigFileSystem = LocalFileSystem()
    ) throws(ConfigParseError) -> Report {
        let config = try NginxConfig.load(path, fileSystem: fileSystem, confPrefix: confPrefix)
        let report = Report(findings: NginxChecker(app: app, inferApp: inferringApp).check(config), files: config.files)
        releaseInBackground(config)
        return report
    }

    /// Loads an Apache httpd configuration (with its includes) and runs the Apache rules.
    ///
    /// - Parameters:
    ///   - serverRoot: the initial `ServerRoot`; see
    ///     ``ApacheConfig/load(_:fileSystem:serverRoot:defines:limits:)`` for the default.
    ///   - defines: `${NAME}` values known before reading (httpd's `-D` and environment).
    ///   - inferringApp: judge against the app the configuration itself proxies to
    ///     (``ApacheChecker/inferredApp(_:)``) instead of `app`: the check without a spec.
    package static func apache(
        _ path: String,
        app: AppExpectation?,
        serverRoot: String? = nil,
        defines: [String: String] = [:],
        inferringApp: Bool = false,
        fileSystem: some ConfigFileSystem = LocalFileSystem()
    ) throws(ConfigParseError) -> Report {
        let config = try ApacheConfig.load(path, fileSystem: fileSystem, serverRoot: serverRoot, defines: defines)
        let judged = inferringApp ? ApacheChecker.inferredApp(config) : app
        return Report(findings: ApacheChecker(app: judged).check(config), files: config.files)
    }

    /// Loads an HAProxy configuration (a file, or a directory's `*.cfg` files in order) and runs
    /// the HAProxy rules.
    ///
    /// - Parameter app: what the app expects; `nil` runs only the rules that do not need it.
    package static func haproxy(
        _ path: String,
        app: AppExpectation?,
        fileSystem: some ConfigFileSystem = LocalFileSystem()
    ) throws(ConfigParseError) -> Report {
        let config = try HAProxyConfig.load(path, fileSystem: fileSystem)
        return Report(findings: HAProxyChecker(app: app).check(config), files: config.files)
    }

    /// Reads Kubernetes manifests (files, or directories of `*.yaml`/`*.yml`) and runs the
    /// Kubernetes rules over all of them together: the NetworkPolicy that isolates a Deployment
    /// may be in another file.
    ///
    /// - Parameters:
    ///   - gatewayRanges: the gateway pods' address ranges when the spec names them.
    ///   - gatewayHops: the proxies in front of the gateway when the spec says.
    package static func kubernetes(
        _ paths: [String],
        gatewayRanges: [CIDR]? = nil,
        gatewayHops: Int? = nil,
        fileSystem: some ConfigFileSystem = LocalFileSystem()
    ) throws(ConfigParseError) -> Report {
        var manifests = KubernetesManifests()
        for path in paths { try manifests.add(path, fileSystem: fileSystem) }
        let checker = KubernetesChecker(gatewayRanges: gatewayRanges, gatewayHops: gatewayHops)
        return Report(findings: checker.check(manifests), files: manifests.files)
    }
}
