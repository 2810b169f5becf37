import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Every HAProxy corpus file, checked against an app, must produce exactly the listed rule ids,
/// each at the line to change.
@Suite struct HAProxyCorpusTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let file: String
        let app: AppVariant
        /// `GR130:4`: rule id and line, in location order.
        let findings: [String]
        var testDescription: String { "\(file) [\(app)] → \(findings.joined(separator: ","))" }
        init(_ file: String, _ app: AppVariant, _ findings: [String]) {
            self.file = file
            self.app = app
            self.findings = findings
        }
    }

    static let rows: [Row] = [
        Row("good-edge.cfg", .standard, []),
        Row("good-edge.cfg", .none, []),
        Row("good-del-header-regex.cfg", .standard, []),
        Row("good-listen.cfg", .standard, []),
        Row("good-proxy-protocol.cfg", .proxyProtocol, []),
        Row("good-proxy-protocol.cfg", .standard, ["GR130:5", "GR132:11"]),
        Row("good-unix.cfg", .unix, []),
        Row("good-outer-balancer.cfg", .behindBalancer, []),
        Row("good-real-ip-from-balancer.cfg", .standard, []),
        Row("good-tcp-mode.cfg", .proxyProtocol, []),
        Row("good-tcp-mode.cfg", .standard, ["GR132:7"]),
        Row("bad-client-forwarded.cfg", .standard, ["GR130:4"]),
        Row("bad-forwardfor-if-none.cfg", .standard, ["GR130:7"]),
        Row("bad-forwardfor-if-none.cfg", .none, ["GR130:7"]),
        Row("bad-append-xff.cfg", .standard, ["GR131:3"]),
        Row("bad-append-xff.cfg", .hopsTwo, ["GR131:3"]),
        Row("bad-append-xff.cfg", .none, ["GR131:3"]),
        Row("bad-conditional-delete.cfg", .standard, ["GR130:4"]),
        Row("bad-send-proxy.cfg", .standard, ["GR132:12"]),
        Row("bad-send-proxy.cfg", .proxyProtocol, []),
        Row("bad-no-send-proxy.cfg", .proxyProtocol, ["GR132:10"]),
        Row("bad-header-from-client.cfg", .standard, ["GR133:7"]),
        Row("bad-header-from-client.cfg", .none, ["GR133:7"]),
        Row("bad-set-src-everyone.cfg", .standard, ["GR133:7"]),
        Row("bad-forwarded-from-host.cfg", .standard, ["GR133:10"]),
        Row("bad-wildcard-server.cfg", .standard, ["GR134:12"]),
        Row("bad-wildcard-server.cfg", .none, ["GR134:12"]),
        Row("bad-wrong-port.cfg", .standard, ["GR135:12"]),
        Row("bad-no-address.cfg", .standard, ["GR136:4"]),
        Row("bad-named-defaults.cfg", .standard, ["GR131:4"]),
        Row("bad-backend-defaults-header.cfg", .standard, ["GR133:8"]),
        Row("good-backend-defaults-delete.cfg", .standard, []),
        Row("good-backend-defaults-delete.cfg", .hopsTwo, []),
    ]

    @Test(arguments: rows)
    func eachFileHasExactlyItsFindings(_ row: Row) throws {
        let report = try ProxyConfigCheck.haproxy(
            "\(Corpus.directory)/haproxy/\(row.file)",
            app: row.app.expectation
        )
        #expect(
            report.findings.map { "\($0.rule):\($0.location?.line ?? 0)" } == row.findings,
            "\(report.render(.human))"
        )
        for finding in report.findings {
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty, "\(finding)")
        }
    }

    /// With an app that counts two hops, a client's entry is what it reads: an error.
    @Test func appendingIsAnErrorForAnAppCountingTwoHops() throws {
        let file = "\(Corpus.directory)/haproxy/bad-append-xff.cfg"
        #expect(
            try ProxyConfigCheck.haproxy(file, app: AppVariant.hopsTwo.expectation).findings.map(\.severity) == [.error]
        )
        #expect(
            try ProxyConfigCheck.haproxy(file, app: AppVariant.standard.expectation).findings.map(\.severity) == [
                .warning
            ]
        )
    }

    @Test func everyHAProxyRuleHasACorpusCase() {
        let covered = Set(Self.rows.flatMap { $0.findings.map { String($0.prefix(5)) } })
        for rule in Rule.haproxyRules {
            #expect(covered.contains(rule.id.description), "\(rule.id) has no corpus case")
        }
    }

    /// Every corpus file is in a row.
    @Test func everyFileIsListed() throws {
        let files = try LocalFileSystem().glob("\(Corpus.directory)/haproxy/*.cfg").map {
            ConfigPath.lastComponent(of: $0)
        }
        #expect(Set(files) == Set(Self.rows.map(\.file)))
    }
}
