import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy

/// Runs the deployment-spec rules (`GR001`–`GR019`) over a `greenroom.yml`.
///
/// Every problem `problems()` reports becomes a finding with its own rule id
/// (a spec with such a problem is refused by `greenroom generate` and `serve --config`, so these
/// are errors), and the checker adds what the loader accepts but a deployment should not have:
/// trust wider than the proxy, a lost scheme behind TLS, a weakened sandbox (also system
/// directories in `systemd.read_write_paths`), an administrators' group, `hops` beyond the
/// proxies, `app.exec` flags that contradict the spec.
///
/// ```swift
/// let spec = try DeploymentSpec.parse(yaml: text, file: "greenroom.yml")
/// let findings = SpecChecker(spec: spec).check()   // each at greenroom.yml:line:column
/// ```
public struct SpecChecker: Sendable {
    /// The spec being checked.
    public var spec: DeploymentSpec
    /// Where a key path is, for findings; `nil` for a spec that has no file (built from `serve`
    /// flags), whose findings then carry no location.
    public var locate: @Sendable (String) -> SourceLocation?

    /// Creates a checker whose findings point into the spec's file (`locations`).
    public init(spec: DeploymentSpec) {
        self.spec = spec
        let locations = spec.locations
        self.locate = { path in locations[path] }
    }

    /// Creates a checker with its own locations (e.g. none, for a spec built from flags).
    public init(spec: DeploymentSpec, locate: @escaping @Sendable (String) -> SourceLocation?) {
        self.spec = spec
        self.locate = locate
    }

    /// Every finding, sorted by location.
    public func check() -> [Finding] {
        var findings = spec.problems().map(finding(for:))
        findings += trustFindings()
        findings += schemeFindings()
        findings += sandboxFindings()
        findings += hopsFindings()
        findings += execFindings()
        findings += groupFindings()
        findings += writablePathFindings()
        return Report(findings: findings).findings
    }

    /// The rule a loader problem belongs to.
    public static func rule(for problem: SpecError) -> Rule {
        let path = problem.keyPath
        switch problem.code {
        case .wildcardBind: return .specWildcardBind
        case .publicBind: return .specPublicBind
        case .trustsEveryone: return path.hasPrefix("proxy.real_ip") ? .specRealIPTooBroad : .specTrustTooBroad
        case .rootUser: return .specRootUser
        case .privilegedPort: return .specPrivilegedPort
        case .trustMismatch: return .specProxyNotTrusted
        case .unsupportedByProxy: return path == "app.proxy_protocol" ? .specProxyProtocol : .specProxyCannot
        case .conflict where path == "app.proxy_protocol": return .specProxyProtocol
        case .invalidValue where path.hasPrefix("app.outbound"): return .specSandbox
        case .metricsNotLoopback: return .specMetricsNotLoopback
        default: return .specOther
        }
    }

    /// A loader problem as a finding: always an error (the loader refuses the spec), with the
    /// problem's own fix, or the rule's usual one when the problem has none.
    func finding(for problem: SpecError) -> Finding {
        let rule = Self.rule(for: problem)
        let text = problem.keyPath.isEmpty ? problem.message : "\(problem.keyPath): \(problem.message)"
        let location = locate(problem.keyPath).map { _ in problem.location }
        var finding = rule.finding(at: location, text, fix: problem.fix ?? Self.defaultFix(rule), severity: .error)
        finding.optIn = spec.optIn(for: problem)
        return finding
    }

    static func defaultFix(_ rule: Rule) -> String {
        switch rule.id {
        case .specProxyProtocol: "set app.proxy_protocol to what the proxy sends (off for forwarding headers)"
        case .specProxyCannot: "remove the setting, or choose a proxy.kind that supports it"
        case .specSandbox: "list only what the app connects to in app.outbound"
        default: "change the value as the message says; `greenroom init` writes a commented example"
        }
    }

    /// `true` when a proxy on this host connects to the app (loopback or a unix socket).
    var hasLocalProxy: Bool { spec.proxy.kind != .none && spec.app.hosts == nil }

    /// The location of `path`, or of `fallback` when `path` was not written.
    func at(_ path: String, else fallback: String? = nil) -> SourceLocation? {
        if let fallback, !spec.locations.isWritten(path), spec.locations.keys[path] == nil { return locate(fallback) }
        return locate(path)
    }
}
