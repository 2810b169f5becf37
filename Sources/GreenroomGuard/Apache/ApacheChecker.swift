import GreenroomConfigParsing
import GreenroomCore

/// Runs the Apache httpd rules (`GR050`–`GR079`) over a loaded configuration.
///
/// Without an ``AppExpectation`` only the rules that need no knowledge of the app run (open
/// forward proxy, mod_remoteip trust, wildcard targets, trailing slashes, Host preservation).
package struct ApacheChecker: Sendable {
    /// What the app behind httpd expects, if known.
    package var app: AppExpectation?

    /// Creates a checker.
    package init(app: AppExpectation? = nil) { self.app = app }

    /// Every finding for `config`, sorted by location.
    package func check(_ config: ApacheConfig) -> [Finding] {
        let analysis = ApacheAnalysis(config)
        var findings: [Finding] = []
        findings += targetFindings(analysis, config: config)
        findings += forwardingFindings(analysis)
        findings += remoteIPFindings(analysis)
        findings += miscellaneousFindings(analysis)
        return Array(Set(findings)).sorted()
    }

    /// The sites reaching the app (every site when no app is known).
    func appSites(_ analysis: ApacheAnalysis) -> [ApacheAnalysis.Site] {
        guard let app else { return analysis.sites }
        return analysis.sites.filter { $0.route.reaches(app) }
    }

    /// GR050, GR051, GR055, GR058, GR059.
    private func targetFindings(_ analysis: ApacheAnalysis, config: ApacheConfig) -> [Finding] {
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
            mainFile: config.mainFile,
            fileCount: config.files.count,
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
