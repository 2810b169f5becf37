import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR110, GR115: when nginx resolves the names it proxies to.
    func resolutionFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for site in analysis.sites {
            if site.target.hostHasVariables {
                guard site.scope.nearest("resolver") == nil, !selectsUpstreams(site.target.host, analysis) else {
                    continue
                }
                findings.append(
                    Rule.nginxMissingResolver.finding(
                        at: site.directive.location,
                        "proxy_pass \(site.target.raw) resolves its host per request, but no resolver applies here",
                        fix: "resolver 127.0.0.53; (in http or server)"
                    )
                )
                continue
            }
            guard site.target.upstream == nil else { continue }
            for endpoint in site.target.endpoints where Self.isResolvedOnce(endpoint) {
                findings.append(
                    Rule.nginxStaleDNS.finding(
                        at: site.directive.location,
                        "proxy_pass \(site.target.raw) names a host that nginx resolves once, at start-up",
                        fix: "proxy to an upstream whose server has `resolve` (with a zone and a resolver), "
                            + "or to an address"
                    )
                )
            }
        }
        for upstream in Array(analysis.upstreams.values) + Array(analysis.streamUpstreams.values) {
            for server in upstream.directive.block ?? [] where server.name == "server" && server.block == nil {
                guard !server.values.contains("resolve"),
                    let endpoint = NginxProxyTarget.endpoint(fromUpstreamServer: server, stream: false),
                    Self.isResolvedOnce(endpoint)
                else { continue }
                findings.append(
                    Rule.nginxStaleDNS.finding(
                        at: server.location,
                        "upstream '\(upstream.name)' server \(server.firstValue) is resolved once, at start-up",
                        fix: "server \(server.firstValue) resolve; (with `zone \(upstream.name) 64k;` and a resolver)",
                        related: [upstream.directive.location]
                    )
                )
            }
        }
        return findings
    }

    /// `true` for a host name other than `localhost` (addresses and sockets need no resolving).
    static func isResolvedOnce(_ endpoint: ProxyEndpoint) -> Bool {
        guard case .tcp(let host, _) = endpoint.address, endpoint.ipAddress == nil, !endpoint.isLocalhostName else {
            return false
        }
        return !host.isEmpty
    }

    /// `true` when `host` is one `map` variable whose every value names an upstream (nginx then
    /// needs no resolver).
    private func selectsUpstreams(_ host: String, _ analysis: NginxAnalysis) -> Bool {
        let names = NginxVariables.names(in: host)
        guard names.count == 1, let map = analysis.maps["$" + names[0]], let entries = map.block else { return false }
        let values = entries.filter { $0.block == nil && !$0.arguments.isEmpty }.map { $0.values.last ?? "" }
        return !values.isEmpty && values.allSatisfy { analysis.upstreams[$0] != nil }
    }
}
