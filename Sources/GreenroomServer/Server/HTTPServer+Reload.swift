public import GreenroomCore
import Logging

extension HTTPServer {
    /// Applies a new configuration to a running server without closing a connection.
    ///
    /// Requests whose head arrives from now on are resolved with the new trust settings
    /// (``ServerConfiguration/trustedProxies``, ``ServerConfiguration/forwardedHeaders``,
    /// ``ServerConfiguration/hops`` and the rest) and logged by the new
    /// ``ServerConfiguration/accessLog``; connections accepted from now on get the new PROXY
    /// protocol mode, head and body limits and timeouts. A request already under way finishes with
    /// what it started with. ``ServerConfiguration/shutdownTimeout`` applies to the next shutdown.
    ///
    /// Nothing changes when this throws:
    /// - ``ConfigurationError`` when the new configuration is invalid, or changes what only a
    ///   restart can change: the listening address (``ServerConfiguration/bind``, an inherited
    ///   listener), ``ServerConfiguration/maxConnections``, ``ServerConfiguration/backlog``,
    ///   ``ServerConfiguration/metricsPort`` or ``ServerConfiguration/connectionExecutor``; its
    ///   message says "restart". ``ServerConfiguration/metrics`` stays the server's own.
    /// - `DeploymentPolicyRefusal` when the deployment policy refuses it, exactly as ``run()``
    ///   would (leaving out ``ServerConfiguration/policyExemptions``).
    ///
    /// - Returns: the policy's warnings for the new configuration (already logged).
    @discardableResult
    public func reload(to newConfiguration: ServerConfiguration) throws -> [PolicyViolation] {
        try newConfiguration.validate()
        let old = configuration
        // Metrics series live as long as the server: a reload keeps them, whatever it brings.
        var newConfiguration = newConfiguration
        newConfiguration.metrics = old.metrics
        var needsRestart: [String] = []
        if newConfiguration.bind != old.bind {
            needsRestart.append("the address (\(old.bind) → \(newConfiguration.bind))")
        }
        if newConfiguration.additionalHosts != old.additionalHosts {
            needsRestart.append("the other addresses (\(old.additionalHosts) → \(newConfiguration.additionalHosts))")
        }
        if (newConfiguration.inheritedListener == nil) != (old.inheritedListener == nil) {
            needsRestart.append("the inherited listening socket")
        }
        if newConfiguration.maxConnections != old.maxConnections {
            needsRestart.append("max connections (\(old.maxConnections) → \(newConfiguration.maxConnections))")
        }
        if newConfiguration.backlog != old.backlog { needsRestart.append("the listen backlog") }
        if newConfiguration.metricsPort != old.metricsPort {
            needsRestart.append(
                "the metrics port (\(old.metricsBind.map { "\($0)" } ?? "none") → \(newConfiguration.metricsBind.map { "\($0)" } ?? "none"))"
            )
        }
        if newConfiguration.connectionExecutor != old.connectionExecutor {
            needsRestart.append("the connection executor")
        }
        guard needsRestart.isEmpty else {
            throw ConfigurationError(
                "reload cannot change \(needsRestart.joined(separator: ", ")): restart the server for that"
            )
        }
        let violations = try applyPolicy(to: newConfiguration)
        context.replaceSettings(with: newConfiguration)
        logger.notice(
            "configuration reloaded",
            metadata: [
                "greenroom.trust": "\(newConfiguration.trustedProxies)",
                "greenroom.forwarded_headers": "\(newConfiguration.forwardedHeaders.rawValue)",
            ]
        )
        return violations
    }

    /// Runs the deployment policy on `configuration` (leaving out its
    /// ``ServerConfiguration/policyExemptions``): throws `DeploymentPolicyRefusal` when it refuses,
    /// logs and returns its warnings otherwise.
    @discardableResult
    func applyPolicy(to configuration: ServerConfiguration) throws -> [PolicyViolation] {
        let violations = configuration.policyViolations()
        if DeploymentPolicy.refuses(violations) { throw DeploymentPolicyRefusal(violations: violations) }
        for warning in violations {
            logger.warning(
                "deployment policy",
                metadata: ["greenroom.rule": "\(warning.rule)", "greenroom.message": "\(warning.message)"]
            )
        }
        return violations
    }
}
