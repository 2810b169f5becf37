import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import GreenroomServer

extension StartupGuard {
    /// What `greenroom serve` runs before it binds: the server's own checks, their findings under
    /// the guard's rule ids (`bind-wildcard` is `GR001`), then the guard's spec rules and live bind
    /// rules (``StartupRules``).
    ///
    /// - Parameter specPath: the `--config` spec, whose own rules then run with its locations.
    static func withGuardRules(specPath: String?) -> StartupGuard {
        var checks = builtInChecks.map { check in
            StartupCheck(id: ruleIDs(forServerCheck: check.id), skippable: check.skippable) {
                configuration,
                environment in
                check.run(configuration, environment).map { finding in
                    var finding = finding
                    finding.id = StartupRules.ruleID(forServerCheck: finding.id) ?? finding.id
                    return finding
                }
            }
        }
        let covered = Set(checks.flatMap { $0.id.split(separator: ",").map { String($0.drop { $0 == " " }) } })
        let ours = StartupRules.ruleIDs.filter { !covered.contains($0) }
        checks.append(
            StartupCheck(id: ours.joined(separator: ", ")) { configuration, _ in
                let spec = specPath.flatMap { try? DeploymentSpec.load(path: $0) }
                return StartupRules.findings(for: StartupRules.Settings(configuration), spec: spec).compactMap {
                    finding in
                    let place = finding.location.map { "\($0): " } ?? ""
                    switch finding.severity {
                    case .error:
                        return StartupFinding(id: finding.rule, message: place + finding.message, fix: finding.fix)
                    case .warning:
                        return StartupFinding(
                            id: finding.rule,
                            severity: .warning,
                            message: place + finding.message,
                            fix: finding.fix
                        )
                    case .info:
                        return nil
                    }
                }
            }
        )
        return StartupGuard(checks: checks)
    }

    /// The rule ids a server check reports, for `--no-guard`'s list of skipped rules.
    static func ruleIDs(forServerCheck id: String) -> String {
        switch id {
        case "bind": "GR001, GR002"
        case "unix-socket": "GR090"
        default: StartupRules.ruleID(forServerCheck: id) ?? id
        }
    }
}

extension StartupRules.Settings {
    /// The guard's view of a server configuration.
    init(_ configuration: ServerConfiguration) {
        let bind: AppExpectation.Bind
        switch configuration.bind {
        case .tcp(let host, let port): bind = .tcp(host: host, port: port)
        case .unix(let path): bind = .unix(path: path)
        }
        let mode: AppExpectation.ProxyProtocolMode
        switch configuration.proxyProtocol {
        case .off: mode = .off
        case .optional: mode = .optional
        case .required: mode = .required
        }
        self.init(
            bind: bind,
            trust: configuration.trustedProxies,
            proxyProtocol: mode,
            hops: configuration.hops,
            allowPublic: configuration.allowPublic,
            optIns: configuration.optIns
        )
    }
}
