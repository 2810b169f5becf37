import Dispatch
import GreenroomConfigParsing
import GreenroomCore

/// Runs the nginx rules (`GR020`–`GR049`, `GR100`–`GR129`) over a loaded configuration.
///
/// Without an ``AppExpectation`` only the rules that need no knowledge of the app run
/// (header splitting, inheritance traps, realip, keepalive, wildcard and variable targets, Host,
/// forwarding headers built from client data). With `inferApp` the trust rules also judge the
/// configuration against itself: the apps are whatever its `proxy_pass` lines reach, and they
/// read the forwarding headers the configuration sets somewhere.
package struct NginxChecker: Sendable {
    /// What the app behind nginx expects, if known (from a spec).
    package var app: AppExpectation?
    /// Without a spec, infer the apps from the configuration itself.
    package var inferApp: Bool

    /// Creates a checker.
    package init(app: AppExpectation? = nil, inferApp: Bool = false) {
        self.app = app
        self.inferApp = inferApp
    }

    /// Every finding for `config`, sorted by location.
    package func check(_ config: NginxConfig) -> [Finding] {
        let analysis = NginxAnalysis(config)
        // One finding per place: a header line shared by several proxy_pass lines is reported
        // once, naming each of them as related. Sorted first, so equal findings are neighbours
        // (no hashing of a hundred thousand findings' texts).
        let sorted = Array(Self.runInParallel(checks, on: analysis).joined()).sorted()
        var findings: [Finding] = []
        findings.reserveCapacity(sorted.count)
        var merged: [Finding] = []  // one run's findings, merged (reused: no allocation per run)
        Finding.forEachRunOfTies(in: sorted) { run in
            merged.removeAll(keepingCapacity: true)
            for finding in run {
                if let index = merged.firstIndex(where: { $0.sameExceptRelated(finding) }) {
                    merged[index].related += finding.related
                } else {
                    merged.append(finding)
                }
            }
            for var finding in merged {
                finding.related = Array(Set(finding.related)).sorted()
                findings.append(finding)
            }
        }
        let edited = Self.attachingReplacements(findings, config: analysis.config)
        releaseInBackground(analysis)
        return edited
    }

    /// The app the trust rules judge against: the spec's, or without one (`inferApp`) an app that
    /// trusts nginx and reads the forwarding headers the configuration sets somewhere.
    func reader(_ analysis: NginxAnalysis) -> AppExpectation? {
        if let app { return app }
        guard inferApp else { return nil }
        var headers = Set<AppExpectation.ForwardedHeader>()
        for scope in analysis.scopes {
            for directive in scope.innermost.simple["proxy_set_header"] ?? [] {
                let name = directive.firstValue
                if let header = AppExpectation.ForwardedHeader.allCases.first(where: {
                    $0.rawValue.equalsIgnoringASCIICase(name)
                }) {
                    headers.insert(header)
                }
            }
        }
        return AppExpectation(binds: [], forwardedHeaders: headers)
    }

    /// The nginx checks: one method per topic, each in `NginxChecker+<Topic>.swift`, its doc
    /// comment naming the rule ids it reports. Adding a rule: declare it with the other nginx
    /// rules, report it from the check of its topic (a new topic is a new
    /// `NginxChecker+<Topic>.swift` with a `(NginxAnalysis) -> [Finding]` method, listed here), and
    /// add a file to Tests/GreenroomGuardTests/Corpus/nginx with its row in `NginxCorpusTests`
    /// (a test fails for a rule without one).
    private var checks: [@Sendable (NginxAnalysis) -> [Finding]] {
        [
            targetFindings,
            proxyProtocolFindings,
            forwardingFindings,
            realIPFindings,
            headerFindings,
            upstreamFindings,
            accessFindings,
            pathFindings,
            regexFindings,
            hygieneFindings,
            resolutionFindings,
            workerFindings,
            tlsFindings,
            rewriteCaptureFindings,
            variableCaseFindings,
            proxyBufferingFindings,
            misdirectedRequestFindings,
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

extension Finding {
    /// Equal in everything but ``related``.
    fileprivate func sameExceptRelated(_ other: Finding) -> Bool {
        var mine = self
        var theirs = other
        mine.related = []
        theirs.related = []
        return mine == theirs
    }
}
