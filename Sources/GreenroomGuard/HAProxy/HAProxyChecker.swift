import GreenroomConfigParsing
import GreenroomCore

/// Runs the HAProxy rules (`GR130`–`GR149`) over a loaded configuration.
///
/// Without an ``AppExpectation`` only the rules that need no knowledge of the app run (headers
/// built from client input, wildcard servers, `option forwardfor if-none`, X-Forwarded-For
/// appended at the edge).
package struct HAProxyChecker: Sendable {
    /// What the app behind HAProxy expects, if known.
    package var app: AppExpectation?

    /// Creates a checker.
    package init(app: AppExpectation? = nil) { self.app = app }

    /// Every finding for `config`, sorted by location.
    package func check(_ config: HAProxyConfig) -> [Finding] {
        let analysis = HAProxyAnalysis(config)
        return Array(Set(checks.flatMap { $0(analysis) })).sorted()
    }

    /// The HAProxy checks: one method per topic, each in `HAProxyChecker+<Topic>.swift`, its doc
    /// comment naming the rule ids it reports. A new rule also needs a file in
    /// Tests/GreenroomGuardTests/Corpus/haproxy with its row in `HAProxyCorpusTests`.
    private var checks: [(HAProxyAnalysis) -> [Finding]] {
        [forwardingFindings, serverFindings, clientSampleFindings]
    }

    /// The routes whose backend reaches the app (every route when no app is known).
    func appRoutes(_ analysis: HAProxyAnalysis) -> [HAProxyAnalysis.Route] {
        guard let app else { return analysis.routes }
        return analysis.routes.filter { route in
            route.backend.servers.contains {
                if case .endpoint(let address) = $0.address, case .reaches = app.match(address) { return true }
                return false
            }
        }
    }
}
