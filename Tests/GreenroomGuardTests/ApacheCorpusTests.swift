import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Every Apache corpus file, checked against an app, must produce exactly the listed rule ids.
@Suite struct ApacheCorpusTests {
    typealias Row = CorpusRow

    static let rows: [Row] = [
        Row("good-vhost.conf", .standard, []),
        Row("good-tls-vhost.conf", .standard, []),
        Row("good-unix.conf", .unix, []),
        Row("good-balancer.conf", .instances, []),
        Row("good-includes.conf", .standard, []),
        Row("good-proxypassmatch.conf", .standard, []),
        Row("good-forwarded-from-host.conf", .standard, []),
        Row("bad-wrong-port.conf", .standard, ["GR050"]),
        Row("bad-localhost.conf", .standard, ["GR051"]),
        Row("bad-client-headers.conf", .standard, ["GR052"]),
        Row("bad-copied-headers.conf", .standard, ["GR052"]),
        Row("bad-no-preserve-host.conf", .standard, ["GR053"]),
        Row("bad-remoteip-everyone.conf", .standard, ["GR054"]),
        Row("bad-wildcard.conf", .standard, ["GR055"]),
        Row("bad-forward-proxy.conf", .standard, ["GR056"]),
        Row("bad-forward-proxy.conf", .none, ["GR056"]),
        Row("bad-websocket.conf", .webSocket, ["GR057"]),
        Row("bad-websocket.conf", .standard, []),
        Row("bad-proxy-protocol.conf", .proxyProtocol, ["GR058"]),
        Row("bad-untrusted.conf", .trustsPrivate, ["GR059"]),
        Row("bad-addheaders-off.conf", .standard, ["GR060"]),
        Row("bad-trailing-slash.conf", .standard, ["GR061"]),
        Row("bad-remoteip-no-proxy.conf", .standard, ["GR062"]),
        Row("bad-append-xff.conf", .hopsTwo, ["GR063"]),
        Row("bad-append-xff.conf", .standard, ["GR063"]),
        Row("good-balancer.conf", .standard, ["GR050"]),
        Row("bad-remoteip-no-outer.conf", .standard, ["GR054"]),
        Row("good-remoteip-outer.conf", .behindBalancer, []),
        Row("bad-wildcard-zero.conf", .standard, ["GR055"]),
        Row("good-short-loopback.conf", .standard, []),
        Row("bad-ssrf-header-target.conf", .standard, ["GR064"]),
        Row("bad-ssrf-header-target.conf", .none, ["GR064"]),
        Row("good-ssrf-path-capture.conf", .standard, []),
        Row("bad-ssrf-capture-host.conf", .standard, ["GR064"]),
        Row("good-ssrf-capture-path.conf", .standard, []),
        Row("bad-ssrf-host-header.conf", .standard, ["GR064"]),
        Row("good-ssrf-host-in-path.conf", .standard, []),
    ]

    /// The findings of the newer cases are at the directive to change.
    @Test(arguments: [
        ("bad-remoteip-no-outer.conf", "GR054", 2),
        ("bad-wildcard-zero.conf", "GR055", 4),
        ("bad-ssrf-header-target.conf", "GR064", 5),
        ("bad-ssrf-capture-host.conf", "GR064", 4),
        ("bad-ssrf-host-header.conf", "GR064", 6),
    ])
    func findingsAreAtTheDirective(_ file: String, _ rule: String, _ line: Int) throws {
        let report = try ProxyConfigCheck.apache(Corpus.apache(file), app: AppVariant.standard.expectation)
        #expect(report.findings.map { "\($0.rule):\($0.location?.line ?? 0)" } == ["\(rule):\(line)"])
    }

    @Test(arguments: rows)
    func ruleIDs(_ row: Row) throws {
        try row.expectExactly(try ProxyConfigCheck.apache(Corpus.apache(row.file), app: row.app.expectation))
    }

    /// A header "set" to a copy of a request header is the client's; one built from Host is not.
    @Test func copiedRequestHeadersCountAsTheClients() throws {
        let report = try ProxyConfigCheck.apache(
            Corpus.apache("bad-copied-headers.conf"),
            app: AppVariant.standard.expectation
        )
        let finding = try #require(report.findings.first { $0.rule.description == "GR052" })
        #expect(
            finding.message.hasPrefix(
                "X-Forwarded-Proto, X-Forwarded-Port, X-Forwarded-Prefix, Forwarded reach the app"
            )
        )
    }

    @Test(arguments: [
        ("bad-include-loop.conf", "includeLoop"),
        ("bad-mismatched-section.conf", "mismatchedSection"),
        ("bad-missing-include.conf", "invalidInclude"),
    ])
    func unparseableFilesThrowLocatedErrors(_ file: String, _ code: String) throws {
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.apache(Corpus.apache(file), app: AppVariant.standard.expectation)
        }
        #expect(error.code.name == code)
        #expect(error.location != nil, "\(error)")
    }
}
