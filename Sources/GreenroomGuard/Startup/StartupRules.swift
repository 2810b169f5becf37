import GreenroomCore
import GreenroomDeploy

/// The guard's rules as `greenroom serve` runs them before it accepts a connection: the spec
/// rules on the server's own settings (or its spec) and the live bind rules (is something else
/// listening where we are about to? is our address on this host?).
///
/// The server's own start-up checks (wildcard bind while trusting, public bind, root, privileged
/// port, socket in use) keep running in the server; ``ruleID(forServerCheck:)`` gives their findings
/// the guard's ids, so both speak the same `GR###` language, and ``findings(for:spec:system:)``
/// leaves out the rules those checks already cover.
public enum StartupRules {
    /// What `serve` is about to do, in the guard's terms.
    public struct Settings: Sendable, Hashable {
        /// The listener.
        public var bind: AppExpectation.Bind
        /// Whom it trusts.
        public var trust: TrustedProxies
        /// Whether it reads PROXY headers.
        public var proxyProtocol: AppExpectation.ProxyProtocolMode
        /// `--hops`.
        public var hops: Int?
        /// `--allow-public`.
        public var allowPublic: Bool
        /// The start-up refusals opted out of (`--trust-public-ranges`, ...).
        public var optIns: Set<StartupOptIn>

        /// Creates settings.
        public init(
            bind: AppExpectation.Bind,
            trust: TrustedProxies,
            proxyProtocol: AppExpectation.ProxyProtocolMode = .off,
            hops: Int? = nil,
            allowPublic: Bool = false,
            optIns: Set<StartupOptIn> = []
        ) {
            self.optIns = optIns
            self.bind = bind
            self.trust = trust
            self.proxyProtocol = proxyProtocol
            self.hops = hops
            self.allowPublic = allowPublic
        }
    }

    /// The rules the server's own start-up checks already enforce (so they are not reported twice).
    public static let coveredByServer: Set<String> = ["GR001", "GR002", "GR005", "GR006"]

    /// The ids ``findings(for:spec:system:)`` can report: what `--no-guard` skips.
    public static let ruleIDs: [String] =
        Rule.specRules.map(\.id).filter { !coveredByServer.contains($0) } + [
            Rule.liveAddressInUse.id, Rule.liveAddressNotLocal.id,
        ]

    /// The guard's id for a finding of the server's own start-up checks (`bind-wildcard` →
    /// `GR001`), or `nil` for an id it does not know.
    public static func ruleID(forServerCheck id: String) -> String? {
        switch id {
        case "bind-wildcard": "GR001"
        case "bind-public", "bind-public-trusting", "bind-remote-proxy-trust": "GR002"
        case "run-as-root": "GR005"
        case "privileged-port": "GR006"
        case "unix-socket-in-use", "unix-socket-not-a-socket", "unix-socket-path-too-long", "address-in-use": "GR090"
        default: id.hasPrefix("GR") ? id : nil
        }
    }

    /// The spec `serve`'s flags amount to: the app behind a proxy on this host; an app host behind
    /// balancers when it binds one private address and trusts only addresses; no proxy with
    /// `--allow-public` and nothing trusted.
    public static func spec(for settings: Settings) -> DeploymentSpec {
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
            if let address, address.isPrivate, !settings.allowPublic, !balancers.isEmpty,
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
    /// - Parameter spec: the spec `serve --config` read, or `nil` to judge the flags alone (then
    ///   a trust list that does not match a proxy on this host is a warning, not a refusal).
    public static func findings(
        for settings: Settings,
        spec: DeploymentSpec? = nil,
        system: any LiveSystem = LocalSystem()
    ) -> [Finding] {
        var findings: [Finding] = []
        if let spec {
            findings += SpecChecker(spec: spec).check()
        } else {
            // GR019 is about spec files (port 0, contradicting proxy settings): flags have none of that.
            let flagged = SpecChecker(spec: Self.spec(for: settings), locate: { _ in nil }).check().filter {
                $0.rule != Rule.specOther.id
            }
            findings += flagged.map { finding in
                var finding = finding
                if ["GR004", "GR007"].contains(finding.rule) { finding.severity = .warning }
                finding.message = Self.namingFlags(finding.message)
                return finding
            }
        }
        findings = findings.filter { !coveredByServer.contains($0.rule) }
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
        findings += LiveChecker(expectation: LiveExpectation(ports: []), system: system).bindFindings(settings.bind)
        return Report(findings: findings).findings
    }
}
