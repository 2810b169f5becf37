import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import GreenroomServer

extension ServeCommand {
    /// What SIGHUP re-reads: the spec at `path` (`--config`), under the same flags and
    /// `GREENROOM_*` variables as at start (flags > environment > spec > defaults), judged by the
    /// same start-up rules. Throws, changing nothing, when another local user could have changed
    /// the file (``SpecFileOwnership``), when the spec does not load (the error names
    /// file:line), when the rules refuse it (one line per rule, with its id), or when it changes
    /// what only a restart can (``HTTPServer/reload(to:)``). Returns the rules' warnings, as
    /// `serve` prints them at start.
    func reloadSpec(path: String, into server: HTTPServer, skippingGuard: Bool) throws -> [String] {
        if let problem = SpecFileOwnership.problem(with: path) { throw ConfigurationError(problem) }
        let spec = try DeploymentSpec.load(path: path)
        var configuration = try makeConfiguration(spec: spec)
        let running = server.configuration
        // An inherited socket stays what it is; the spec cannot move it.
        if running.inheritedListener != nil {
            configuration.bind = running.bind
            configuration.inheritedListener = running.inheritedListener
        }
        let report = StartupRules.evaluate(
            configuration.deploymentDescription(),
            spec: spec,
            skipping: skippingGuard,
            // The address is already ours (a reload cannot move it): no conflict with ourselves.
            inherited: true
        )
        if report.refusesToStart {
            throw ConfigurationError(
                "\(path) is refused, keeping the running configuration: "
                    + report.findings.filter { $0.severity == .error }.map(StartupRules.line).joined(separator: " | ")
            )
        }
        // The rules above are the policy; the server need not run it again.
        configuration.policyExemptions = Set(DeploymentPolicy.rules)
        try server.reload(to: configuration)
        return report.findings.filter { $0.severity != .error }.map(StartupRules.line)
    }
}
