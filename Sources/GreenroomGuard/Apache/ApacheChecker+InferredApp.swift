import GreenroomConfigParsing
import GreenroomCore

extension ApacheChecker {
    /// The app a configuration itself says it proxies to, for a check without a spec: every fixed
    /// `ProxyPass`/`ProxyPassMatch`/`RewriteRule [P]`/`BalancerMember` target, trusting `loopback`
    /// (`nil` when there is none). The target rules then judge the config against what it names,
    /// not against a default port it never mentions, while the trust and forwarding rules still run.
    package static func inferredApp(_ config: ApacheConfig) -> AppExpectation? {
        let analysis = ApacheAnalysis(config)
        var binds: [BindTarget] = []
        for site in analysis.sites where !site.hasVariables {
            for endpoint in site.endpoints {
                let targets: [BindTarget]
                switch endpoint.address {
                case .unix(let path):
                    targets = [.unix(path: path)]
                case .tcp(let host, let port):
                    targets =
                        endpoint.isLocalhostName
                        ? [.tcp(host: "127.0.0.1", port: port), .tcp(host: "::1", port: port)]
                        : [.tcp(host: host, port: port)]
                }
                for target in targets where !binds.contains(target) { binds.append(target) }
            }
        }
        guard !binds.isEmpty else { return nil }
        return AppExpectation(binds: binds)
    }
}
