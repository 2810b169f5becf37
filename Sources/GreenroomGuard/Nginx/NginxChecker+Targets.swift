import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR020, GR021, GR035, GR036, GR037, GR038: where proxy_pass connects.
    func targetFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var endpoints: [ProxyEndpoint] = []
        for upstream in analysis.upstreams.values { endpoints += upstream.servers }
        for upstream in analysis.streamUpstreams.values { endpoints += upstream.servers }
        for site in analysis.sites where site.target.upstream == nil { endpoints += site.target.endpoints }
        var findings = ProxyRouteCheck.wildcards(endpoints, rule: .nginxWildcardTarget)
        findings += variableTargets(analysis)
        guard let app else { return findings }
        let routes = analysis.sites.map(\.route)
        let url = ProxyRouteCheck.suggestedURL(app)
        let target = url.hasPrefix("unix:") ? "http://\(url):" : url
        findings += ProxyRouteCheck.mismatches(
            routes,
            app: app,
            rule: .nginxTargetMismatch,
            mainFile: analysis.config.mainFile,
            fileCount: analysis.config.files.count,
            fix: "proxy_pass \(target);",
            memberFix: { _ in
                // Only the server line changes; the upstream and its keepalive stay.
                "server \(url.hasPrefix("unix:") ? url : String(url.dropFirst("http://".count)));"
            }
        )
        findings += ProxyRouteCheck.localhost(routes, app: app, rule: .nginxLocalhostTarget)
        let reaching = appSites(analysis)
        findings += untrustedSource(reaching, app: app)
        findings += missingInstances(analysis, app: app, reaching: reaching)
        return findings
    }

    private func variableTargets(_ analysis: NginxAnalysis) -> [Finding] {
        analysis.sites.filter(\.target.hostHasVariables).compactMap { site in
            let client = analysis.taint.clientVariables(in: site.target.host, choice: false, bareHostIsSafe: false)
            if !client.isEmpty {
                return Rule.nginxVariableTarget.finding(
                    at: site.directive.location,
                    "proxy_pass \(site.target.raw) takes its host from request data ("
                        + client.joined(separator: ", ") + "): clients choose where nginx connects",
                    fix: "proxy to a fixed address or a named upstream; never build the host from the request",
                    severity: .error
                )
            }
            // Without a spec there is nothing to check the target against.
            guard app != nil else { return nil }
            return Rule.nginxVariableTarget.finding(
                at: site.directive.location,
                "proxy_pass \(site.target.raw) builds its host from variables, so the target cannot be checked",
                fix: "proxy to a fixed address or a named upstream"
            )
        }
    }

    /// GR037: nginx's source address (loopback or a unix socket) is not in the app's trust set.
    private func untrustedSource(_ reaching: [NginxAnalysis.ProxySite], app: AppExpectation) -> [Finding] {
        var findings: [Finding] = []
        for site in reaching {
            let carriesClient =
                site.isStream ? site.scope.nearest("proxy_protocol")?.firstValue == "on" : app.readsForwardedHeaders
            guard carriesClient || app.trust.isEmpty else { continue }
            for endpoint in site.target.endpoints {
                guard case .reaches = app.match(endpoint.address) else { continue }
                guard
                    let source = ProxyRouteCheck.sourcePeer(
                        for: endpoint,
                        source: site.scope.nearest("proxy_bind")?.firstValue
                    )
                else { continue }
                guard !app.trust.trusts(source) else { continue }
                let (shown, word) = ProxyRouteCheck.describe(source)
                findings.append(
                    Rule.nginxProxyNotTrusted.finding(
                        at: site.directive.location,
                        "nginx connects to the app from \(shown), which the app does not trust (trust: \(app.trust)); "
                            + "it will ignore the forwarding information and see nginx as every client",
                        fix: "add '\(word)' to the app's trust list"
                    )
                )
                break
            }
        }
        return findings
    }

    /// GR038: an upstream reaching the app lists only some of its instances.
    private func missingInstances(
        _ analysis: NginxAnalysis,
        app: AppExpectation,
        reaching: [NginxAnalysis.ProxySite]
    )
        -> [Finding]
    {
        guard app.binds.count > 1 else { return [] }
        var findings: [Finding] = []
        var seen = Set<String>()
        for site in reaching {
            guard let name = site.target.upstream, seen.insert(name).inserted else { continue }
            let table = site.isStream ? analysis.streamUpstreams : analysis.upstreams
            guard let upstream = table[name] else { continue }
            let reached = Set(
                upstream.servers.compactMap { endpoint -> BindTarget? in
                    if case .reaches(let bind) = app.match(endpoint.address) { return bind }
                    return nil
                }
            )
            let missing = app.binds.filter { !reached.contains($0) }
            guard !missing.isEmpty else { continue }
            findings.append(
                Rule.nginxUpstreamMissingInstance.finding(
                    at: upstream.directive.location,
                    "upstream '\(name)' does not list app instance(s) "
                        + missing.map(\.description).joined(separator: ", "),
                    fix: missing.map { "server \($0.description);" }.joined(separator: " ")
                )
            )
        }
        return findings
    }
}
