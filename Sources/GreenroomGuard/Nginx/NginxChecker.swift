import GreenroomConfigParsing

/// Runs the nginx rules (`GR020`–`GR049`) over a loaded configuration.
///
/// Without an ``AppExpectation`` only the rules that need no knowledge of the app run
/// (header splitting, inheritance traps, realip, keepalive, wildcard and variable targets, Host).
package struct NginxChecker: Sendable {
    /// What the app behind nginx expects, if known.
    package var app: AppExpectation?

    /// Creates a checker.
    package init(app: AppExpectation? = nil) { self.app = app }

    /// Every finding for `config`, sorted by location.
    package func check(_ config: NginxConfig) -> [Finding] {
        let analysis = NginxAnalysis(config)
        var findings: [Finding] = []
        findings += targetFindings(analysis, config: config)
        findings += proxyProtocolFindings(analysis)
        findings += forwardingFindings(analysis)
        findings += realIPFindings(analysis)
        findings += headerFindings(analysis)
        findings += upstreamFindings(analysis)
        return Array(Set(findings)).sorted()
    }

    /// The sites whose `proxy_pass` reaches the app (all sites when no app is known).
    func appSites(_ analysis: NginxAnalysis) -> [NginxAnalysis.ProxySite] {
        guard let app else { return analysis.sites }
        return analysis.sites.filter { site in
            site.target.endpoints.contains { if case .reaches = app.match($0.address) { true } else { false } }
        }
    }
}
