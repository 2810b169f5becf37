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
        return Array(Set(checks.flatMap { $0(analysis) })).sorted()
    }

    /// The Apache checks: one method per topic, each in `ApacheChecker+<Topic>.swift`, its doc
    /// comment naming the rule ids it reports. Adding a rule: declare it with the other Apache
    /// rules, report it from the check of its topic (a new topic is a new
    /// `ApacheChecker+<Topic>.swift` with an `(ApacheAnalysis) -> [Finding]` method, listed here),
    /// and add a file to Tests/GreenroomGuardTests/Corpus/apache with its row in
    /// `ApacheCorpusTests` (a test fails for a rule without one).
    private var checks: [(ApacheAnalysis) -> [Finding]] {
        [targetFindings, forwardingFindings, remoteIPFindings, proxyingFindings, clientTargetFindings]
    }

    /// The sites reaching the app (every site when no app is known).
    func appSites(_ analysis: ApacheAnalysis) -> [ApacheAnalysis.Site] {
        guard let app else { return analysis.sites }
        return analysis.sites.filter { $0.route.reaches(app) }
    }
}
