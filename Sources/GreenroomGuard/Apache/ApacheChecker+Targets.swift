import GreenroomConfigParsing
import GreenroomCore

extension ApacheChecker {
    /// GR050, GR051, GR055, GR058, GR059: where ProxyPass connects.
    func targetFindings(_ analysis: ApacheAnalysis) -> [Finding] {
        var endpoints = analysis.balancers.values.flatMap { $0 }
        for site in analysis.sites where site.balancer == nil { endpoints += site.endpoints }
        var findings = ProxyRouteCheck.wildcards(endpoints, rule: .apacheWildcardTarget)
        guard let app else { return findings }
        let routes = analysis.sites.map(\.route)
        let url = ProxyRouteCheck.suggestedURL(app)
        let target = url.hasPrefix("unix:") ? "\(url)|http://localhost/" : url + "/"
        findings += ProxyRouteCheck.mismatches(
            routes,
            app: app,
            rule: .apacheTargetMismatch,
            mainFile: analysis.config.mainFile,
            fileCount: analysis.config.files.count,
            fix: "ProxyPass \"/\" \"\(target)\""
        )
        findings += ProxyRouteCheck.localhost(routes, app: app, rule: .apacheLocalhostTarget)
        for site in appSites(analysis) {
            if app.proxyProtocol == .required {
                findings.append(
                    Rule.apacheProxyProtocolUnsupported.finding(
                        at: site.directive.location,
                        "the app requires PROXY protocol, but httpd's mod_proxy cannot send it",
                        fix: "set the app's proxy protocol to off (it reads X-Forwarded-For from httpd), "
                            + "or put nginx's stream module or HAProxy in front"
                    )
                )
            }
            guard app.readsForwardedHeaders || app.trust.isEmpty else { continue }
            for endpoint in site.endpoints {
                guard case .reaches = app.match(endpoint.address),
                    let source = ProxyRouteCheck.sourcePeer(
                        for: endpoint,
                        source: site.scope.nearest("proxysourceaddress")?.arguments.first?.value
                    ),
                    !app.trust.trusts(source)
                else { continue }
                let (shown, word) = ProxyRouteCheck.describe(source)
                findings.append(
                    Rule.apacheProxyNotTrusted.finding(
                        at: site.directive.location,
                        "httpd connects to the app from \(shown), which the app does not trust (trust: \(app.trust)); "
                            + "it will ignore X-Forwarded-For and see httpd as every client",
                        fix: "add '\(word)' to the app's trust list"
                    )
                )
                break
            }
        }
        return findings
    }
}
