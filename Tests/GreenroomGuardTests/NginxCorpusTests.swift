import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Every nginx corpus file, checked against an app, must produce exactly the listed rule ids.
@Suite struct NginxCorpusTests {
    typealias Row = CorpusRow

    static let rows: [Row] = [
        Row("good-edge.conf", .standard, []),
        Row("good-unix-socket.conf", .unix, ["GR046"]),
        Row("good-site-fragment.conf", .standard, []),
        Row("good-websocket.conf", .webSocket, []),
        Row("good-stream-proxy-protocol.conf", .proxyProtocol, []),
        Row("good-behind-lb.conf", .behindBalancer, []),
        Row("good-quoting.conf", .standard, []),
        Row("good-glob-includes.conf", .standard, []),
        Row("good-nested-locations.conf", .standard, []),
        Row("good-instances.conf", .instances, []),
        Row("debian-default.conf", .none, ["GR102"]),
        Row("debian-default.conf", .standard, ["GR020", "GR102"]),
        Row("bad-wrong-port.conf", .standard, ["GR020"]),
        Row("bad-localhost.conf", .standard, ["GR021"]),
        Row("bad-client-forwarding-headers.conf", .standard, ["GR022"]),
        Row("bad-append-xff-hops.conf", .hopsTwo, ["GR023"]),
        Row("bad-append-xff-hops.conf", .standard, ["GR023"]),
        Row("bad-no-host.conf", .standard, ["GR024"]),
        Row("bad-tls-proto.conf", .standard, ["GR024", "GR117"]),
        Row("bad-http-host.conf", .standard, ["GR025"]),
        Row("bad-http-host.conf", .none, ["GR025"]),
        Row("bad-realip-everyone.conf", .standard, ["GR026"]),
        Row("bad-realip-no-from.conf", .standard, ["GR027"]),
        Row("bad-realip-not-recursive.conf", .standard, ["GR026", "GR027"]),
        Row("bad-splitting-uri.conf", .standard, ["GR028"]),
        Row("bad-splitting-capture.conf", .standard, ["GR028"]),
        Row("bad-splitting-proxy-pass.conf", .standard, ["GR028"]),
        Row("good-request-uri.conf", .standard, []),
        Row("bad-add-header-dropped.conf", .standard, ["GR029"]),
        Row("bad-proxy-header-dropped.conf", .standard, ["GR022", "GR024", "GR030"]),
        Row("bad-keepalive.conf", .standard, ["GR031"]),
        Row("bad-keepalive-map-close.conf", .standard, ["GR031"]),
        Row("bad-websocket.conf", .webSocket, ["GR032"]),
        Row("bad-websocket.conf", .standard, []),
        Row("bad-proxy-protocol-http.conf", .proxyProtocol, ["GR033"]),
        Row("bad-proxy-protocol-missing.conf", .proxyProtocol, ["GR033"]),
        Row("bad-proxy-protocol-unexpected.conf", .standard, ["GR034"]),
        Row("good-stream-proxy-protocol.conf", .standard, ["GR034"]),
        Row("bad-wildcard-target.conf", .standard, ["GR035"]),
        Row("bad-ssrf.conf", .standard, ["GR036", "GR115"]),
        Row("bad-untrusted-unix.conf", .unix, []),
        Row("bad-untrusted-unix.conf", .standard, ["GR020"]),
        Row("good-edge.conf", .trustsPrivate, ["GR037"]),
        Row("bad-missing-instance.conf", .instances, ["GR038"]),
        Row("bad-tutorial.conf", .standard, ["GR021", "GR022", "GR023", "GR025"]),
        Row("bad-tutorial.conf", .none, ["GR023", "GR025"]),
    ]

    @Test(arguments: rows)
    func ruleIDs(_ row: Row) throws {
        try row.expectExactly(try ProxyConfigCheck.nginx(Corpus.nginx(row.file), app: row.app.expectation))
    }

    @Test func appendedForwardedForSeverityFollowsTheApp() throws {
        let path = Corpus.nginx("bad-append-xff-hops.conf")
        let hops = try ProxyConfigCheck.nginx(path, app: AppVariant.hopsTwo.expectation)
        let walk = try ProxyConfigCheck.nginx(path, app: AppVariant.standard.expectation)
        let broad = try ProxyConfigCheck.nginx(path, app: AppVariant.trustsPrivate.expectation)
        #expect(hops.findings.map(\.severity) == [.error])
        #expect(walk.findings.map(\.severity) == [.info])
        #expect(broad.findings.filter { $0.rule.description == "GR023" }.map(\.severity) == [.warning])
    }

    @Test func findingsPointAtTheOffendingDirective() throws {
        let report = try ProxyConfigCheck.nginx(
            Corpus.nginx("bad-wrong-port.conf"),
            app: AppVariant.standard.expectation
        )
        let finding = try #require(report.findings.first)
        #expect(finding.location == SourceLocation(file: Corpus.nginx("bad-wrong-port.conf"), line: 5, column: 9))
        #expect(finding.message.contains("127.0.0.1:8080"))
        #expect(finding.fix == "proxy_pass http://127.0.0.1:8000;")
    }

    @Test func headersDroppedByANestedListAreNamed() throws {
        let report = try ProxyConfigCheck.nginx(
            Corpus.nginx("bad-proxy-header-dropped.conf"),
            app: AppVariant.standard.expectation
        )
        let dropped = try #require(report.findings.first { $0.rule.description == "GR030" })
        #expect(dropped.location?.line == 11)
        #expect(dropped.message.contains("X-Forwarded-For"))
        let passed = try #require(report.findings.first { $0.rule.description == "GR022" })
        #expect(passed.location?.line == 9)
        #expect(passed.message.contains("dropping"))
    }

    @Test(arguments: [
        ("bad-include-loop.conf", "includeLoop"),
        ("bad-missing-semicolon.conf", "unexpectedToken"),
        ("bad-unterminated-quote.conf", "unexpectedEndOfFile"),
        ("bad-missing-include.conf", "fileNotFound"),
    ])
    func unparseableFilesThrowLocatedErrors(_ file: String, _ code: String) throws {
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.nginx(Corpus.nginx(file), app: AppVariant.standard.expectation)
        }
        #expect(error.code.name == code)
        let location = try #require(error.location, "\(error)")
        #expect(location.line >= 1)
        #expect(error.description.hasPrefix(location.description + ": "))
    }
}
