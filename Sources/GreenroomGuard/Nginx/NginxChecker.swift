import GreenroomConfigParsing
import GreenroomCore

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
        return Array(Set(checks.flatMap { $0(analysis) })).sorted()
    }

    /// The nginx checks: one method per topic, each in `NginxChecker+<Topic>.swift`, its doc
    /// comment naming the rule ids it reports. Adding a rule: declare it with the other nginx
    /// rules, report it from the check of its topic (a new topic is a new
    /// `NginxChecker+<Topic>.swift` with a `(NginxAnalysis) -> [Finding]` method, listed here), and
    /// add a file to Tests/GreenroomGuardTests/Corpus/nginx with its row in `NginxCorpusTests`
    /// (a test fails for a rule without one).
    private var checks: [(NginxAnalysis) -> [Finding]] {
        [
            targetFindings,
            proxyProtocolFindings,
            forwardingFindings,
            realIPFindings,
            headerFindings,
            upstreamFindings,
        ]
    }

    /// The sites whose `proxy_pass` reaches the app (all sites when no app is known).
    func appSites(_ analysis: NginxAnalysis) -> [NginxAnalysis.ProxySite] {
        guard let app else { return analysis.sites }
        return analysis.sites.filter { site in
            site.target.endpoints.contains { if case .reaches = app.match($0.address) { true } else { false } }
        }
    }
}
