import GreenroomCore
import GreenroomDeploy

/// What `greenroom serve` checks before it binds: the `DeploymentPolicy` (bind, trust, root,
/// privileged port, unix socket), then the guard's spec rules on the server's own settings (or
/// its spec) and the live bind rules (is something else listening where we are about to? is our
/// address on this host?), all as findings with their `RuleID`.
public enum StartupRules {
    /// The outcome of the start-up checks.
    public struct Outcome: Sendable, Hashable {
        /// Every finding: the policy's first, then the guard's. Info findings are left out.
        public var findings: [Finding]
        /// The rules `--no-guard` skipped, in the order they are named.
        public var skipped: [RuleID]
        /// `true` when a finding is an error: do not start.
        public var refusesToStart: Bool { findings.contains { $0.severity == .error } }
    }

    /// The ids ``findings(for:spec:system:inherited:)`` can report beyond the policy's: what `--no-guard`
    /// skips besides `skippableRules`.
    public static let ruleIDs: [RuleID] =
        Rule.specRules.map(\.id).filter { !DeploymentPolicy.rules.contains($0) } + [.liveAddressNotLocal]

    /// Runs the policy and the guard's rules on what `serve` is about to do.
    ///
    /// - Parameters:
    ///   - description: the server's settings and this host's facts.
    ///   - spec: the spec `serve --config` read (once), or `nil` to judge the flags alone.
    ///   - skipping: `--no-guard`: only the rules no flag lifts (root, privileged port) run.
    ///   - system: the host the live bind rules look at (the real one by default).
    ///   - inherited: the listener was handed over (socket activation, `--fd`): it is already
    ///     bound, so whoever else holds it (the launcher, systemd) is no conflict (GR090/GR092).
    public static func evaluate(
        _ description: DeploymentDescription,
        spec: DeploymentSpec? = nil,
        skipping: Bool = false,
        system: any LiveSystem = LocalSystem(),
        inherited: Bool = false
    ) -> Outcome {
        let policy = DeploymentPolicy(exempting: skipping ? Set(DeploymentPolicy.skippableRules) : [])
        var findings = policy.violations(of: description).map(Finding.init(violation:))
        if skipping {
            return Outcome(findings: findings, skipped: DeploymentPolicy.skippableRules + ruleIDs)
        }
        findings += Self.findings(for: description, spec: spec, system: system, inherited: inherited).filter {
            $0.severity != .info
        }
        return Outcome(findings: findings, skipped: [])
    }

    /// How `serve` prints a finding: `greenroom: <file:line:col: >message; fix [GR001]`.
    public static func line(_ finding: Finding) -> String {
        let place = finding.location.map { "\($0): " } ?? ""
        return "greenroom: \(place)\(finding.message); \(finding.fix) [\(finding.rule)]"
    }

    /// The spec `serve`'s flags amount to: the app behind a proxy on this host; an app host behind
    /// balancers when it binds one private address and trusts only addresses; no proxy with
    /// `--allow-public` and nothing trusted.
    public static func spec(for settings: DeploymentDescription) -> DeploymentSpec {
        var spec = DeploymentSpec.defaults
        switch settings.bind {
        case .tcp(let host, let port):
            var bare = Substring(host)
            if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
            let address =
                ["", "*"].contains(bare) ? .anyV4 : bare.lowercased() == "localhost" ? .loopbackV4 : IPAddress(bare)
            spec.app.listen = .tcp(host: address ?? .loopbackV4, port: UInt16(clamping: port))
            // One private address trusting only listed peers: the remote-proxy topology.
            let balancers = settings.trust.entries.compactMap { entry -> CIDR? in
                if case .cidr(let block) = entry { return block }
                return nil
            }
            if let address, DeploymentPolicy.isPrivateNetwork(address), !settings.allowPublic, !balancers.isEmpty,
                balancers.count == settings.trust.entries.count
            {
                spec.app.listen = .tcp(host: nil, port: UInt16(clamping: port))
                spec.app.hosts = AppSpec.Hosts(addresses: [address], balancers: balancers)
            }
        case .unix(let path):
            spec.app.listen = .unix(path: path)
        }
        spec.app.trust = settings.trust
        spec.app.proxyProtocol = settings.proxyProtocol == .off ? .off : .v1
        spec.app.hops = settings.hops
        spec.app.allowPublic = settings.allowPublic
        spec.app.optIns = settings.optIns
        if settings.allowPublic && settings.trust.isEmpty { spec.proxy.kind = .none }
        return spec
    }

    /// The spec keys that `serve` flags set, by the flag (longest key first).
    static let flagNames: [(key: String, flag: String)] = [
        ("app.hosts.balancers", "--trust"), ("app.hosts.addresses", "--host"), ("app.listen.host", "--host"),
        ("app.listen.port", "--port"), ("app.listen.unix", "--unix"), ("app.listen", "--host/--port"),
        ("app.trust", "--trust"), ("app.proxy_protocol", "--proxy-protocol"), ("app.hops", "--hops"),
    ]

    /// A message about a spec built from flags, naming the flag instead of the key it starts with
    /// (`app.trust[1]: ...` → `--trust: ...`).
    static func namingFlags(_ message: String) -> String {
        guard let colon = message.firstIndex(of: ":") else { return message }
        let key = message[..<colon]
        let bare = key.firstIndex(of: "[").map { key[..<$0] } ?? key
        guard let flag = flagNames.first(where: { $0.key == bare })?.flag else { return message }
        return flag + message[colon...]
    }

    /// The findings that should stop (errors) or warn `serve` before it binds.
    ///
    /// A finding that has an opt-in (``Finding/optIn``) names it in its fix; when the settings or
    /// the spec give that opt-in, the finding is a warning instead, saying so.
    ///
    /// - Parameters:
    ///   - settings: what `serve` is about to do.
    ///   - spec: the spec `serve --config` read, or `nil` to judge the flags alone (then
    ///     a trust list that does not match a proxy on this host is a warning, not a refusal).
    ///   - system: the host the live bind rules look at (the real one by default).
    ///   - inherited: the listener was handed over, already bound: the live bind rules do not run.
    public static func findings(
        for settings: DeploymentDescription,
        spec: DeploymentSpec? = nil,
        system: any LiveSystem = LocalSystem(),
        inherited: Bool = false
    ) -> [Finding] {
        var findings: [Finding] = []
        if let spec {
            findings += SpecChecker(spec: spec).check()
        } else {
            // GR019 is about spec files (port 0, contradicting proxy settings): flags have none of that.
            let flagged = SpecChecker(spec: Self.spec(for: settings), locate: { _ in nil }).check().filter {
                $0.rule != .specOther
            }
            findings += flagged.map { finding in
                var finding = finding
                if [.specTrustBeyondProxy, .specProxyNotTrusted].contains(finding.rule) { finding.severity = .warning }
                finding.message = Self.namingFlags(finding.message)
                return finding
            }
        }
        findings = findings.filter { !DeploymentPolicy.rules.contains($0.rule) }
        let optIns = settings.optIns.union(spec?.app.optIns ?? [])
        findings = findings.map { finding in
            guard let optIn = finding.optIn, finding.severity == .error else { return finding }
            var finding = finding
            if optIns.contains(optIn) {
                finding.severity = .warning
                finding.message = "\(optIn.flag) given: \(finding.message)"
            } else {
                finding.fix += "; or, if you mean it, pass \(optIn)"
            }
            return finding
        }
        if !inherited {
            findings += LiveChecker(expectation: LiveExpectation(ports: []), system: system).bindFindings(settings.bind)
        }
        return Report(findings: findings).findings
    }
}
