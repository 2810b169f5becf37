import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

@Suite struct ApacheParserTests {
    @Test func sectionsNestCaseInsensitivelyWithLocations() throws {
        let text = """
            <VirtualHost *:443>
                ServerName example.test
                <location "/app">
                    ProxyPass "http://127.0.0.1:8000/"
                </LOCATION>
            </virtualhost>
            """
        let directives = try ApacheParser.parse(text, file: "a.conf")
        let host = try #require(directives.first)
        #expect(host.key == "virtualhost" && host.values == ["*:443"] && host.isSection)
        #expect(host.location == SourceLocation(file: "a.conf", line: 1, column: 1))
        let location = try #require(host.children?.last)
        #expect(location.name == "location" && location.values == ["/app"])
        #expect(location.location == SourceLocation(file: "a.conf", line: 3, column: 5))
        let proxyPass = try #require(location.children?.first)
        #expect(proxyPass.key == "proxypass" && proxyPass.arguments == [.init("http://127.0.0.1:8000/", quoted: true)])
    }

    @Test(arguments: [
        ("Header set X \"a b\" early", ["set", "X", "a b", "early"]),
        ("Header set X 'a \\' b'", ["set", "X", "a ' b"]),
        ("Header set X \"a \\\" b\"", ["set", "X", "a \" b"]),
        ("Header set X a\\\\b", ["set", "X", "a\\b"]),
        ("Header set X a\\\"b", ["set", "X", "a\\\"b"]),
        ("ServerAdmin foo # not a comment", ["foo", "#", "not", "a", "comment"]),
        ("ServerName a\"b\"", ["a\"b\""]),
        ("Header set X \"unterminated", ["set", "X", "unterminated"]),
        ("ProxyPass / \\\n    http://b/ \\\n    retry=0", ["/", "http://b/", "retry=0"]),
        ("Listen\t80\r", ["80"]),
    ])
    func argumentsFollowAPGetwordConf(_ line: String, _ expected: [String]) throws {
        let directive = try #require(try ApacheParser.parse(line).first)
        #expect(directive.values == expected)
    }

    @Test func commentsStartLinesOnlyAndContinueWithBackslash() throws {
        let text = """
            # a comment \\
            Bogus continued comment
               # indented comment
            Listen 80
            """
        let directives = try ApacheParser.parse(text)
        #expect(directives.map(\.name) == ["Listen"])
        #expect(directives[0].location.line == 4)
    }

    @Test(arguments: [
        ("<Directory /tmp>\n</Location>\n", 2, "expected </Directory> (opened at line 1) but saw </Location>"),
        ("</Directory>\n", 1, "</Directory> without matching <Directory> section"),
        ("Listen 80\n<Directory /tmp>\n", 2, "<Directory> was not closed: </Directory> is missing"),
        ("<Directory /tmp\n</Directory>\n", 1, "<Directory> directive missing closing '>'"),
        ("Listen 80\n  Bad\u{0}\n", 2, "binary data (byte 0x00) where Apache configuration text was expected"),
    ])
    func errorsMatchHttpdsAndAreLocated(_ text: String, _ line: Int, _ message: String) throws {
        let error = try #require(throws: ConfigParseError.self) { try ApacheParser.parse(text, file: "a.conf") }
        #expect(error.location?.line == line)
        #expect(error.message == message)
    }

    @Test func includesFollowServerRootDefinesAndDirectories() throws {
        let tree = InMemoryFileSystem(texts: [
            "/etc/apache2/apache2.conf": """
            Define SITES sites-enabled
            IncludeOptional mods-enabled/*.load
            Include ports.conf
            Include ${SITES}
            IncludeOptional conf-enabled/*.conf
            ServerRoot /srv/other
            Include extra.conf
            """,
            "/etc/apache2/mods-enabled/proxy.load": "LoadModule proxy_module mod_proxy.so\n",
            "/etc/apache2/ports.conf": "Listen 80\n",
            "/etc/apache2/sites-enabled/b.conf": "<VirtualHost *:80>\n</VirtualHost>\n",
            "/etc/apache2/sites-enabled/a.conf": "<VirtualHost *:81>\n</VirtualHost>\n",
            "/etc/apache2/sites-enabled/nested/c.conf": "<VirtualHost *:82>\n</VirtualHost>\n",
            "/srv/other/extra.conf": "ServerName other\n",
        ])
        let config = try ApacheConfig.load("/etc/apache2/apache2.conf", fileSystem: tree)
        #expect(config.serverRoot == "/etc/apache2")
        #expect(
            config.files == [
                "/etc/apache2/apache2.conf", "/etc/apache2/mods-enabled/proxy.load", "/etc/apache2/ports.conf",
                "/etc/apache2/sites-enabled/a.conf", "/etc/apache2/sites-enabled/b.conf",
                "/etc/apache2/sites-enabled/nested/c.conf", "/srv/other/extra.conf",
            ]
        )
        #expect(config.directives.filter { $0.key == "virtualhost" }.map(\.values) == [["*:81"], ["*:80"], ["*:82"]])
    }

    @Test func includeWithoutMatchesFailsUnlessOptional() throws {
        let tree = InMemoryFileSystem(texts: [
            "/a/httpd.conf": "IncludeOptional conf.d/*.conf\nInclude missing/*.conf\n"
        ])
        let error = try #require(throws: ConfigParseError.self) {
            try ApacheConfig.load("/a/httpd.conf", fileSystem: tree)
        }
        #expect(error.code == .invalidInclude)
        #expect(error.location == SourceLocation(file: "/a/httpd.conf", line: 2, column: 1))
    }

    /// 26 lines, 502 bytes: each `Define` doubles the value; unbounded this needed 1.6 GB.
    @Test func doublingDefinesStopAtALocatedLimit() throws {
        var text = "Define X 0123456789abcdefghij\n"
        for _ in 0..<25 { text += "Define X ${X}${X}\n" }
        let tree = InMemoryFileSystem(texts: ["/a/httpd.conf": text])
        let clock = ContinuousClock()
        let started = clock.now
        let error = try #require(throws: ConfigParseError.self) {
            try ApacheConfig.load("/a/httpd.conf", fileSystem: tree)
        }
        #expect(clock.now - started < .seconds(2))
        #expect(error.code == .expansionTooLarge)
        #expect(error.location?.file == "/a/httpd.conf")
        #expect((error.location?.line ?? 0) > 10 && (error.location?.line ?? 99) <= 26)
    }

    /// Many lines that each expand a moderate value count against the total, not only per line.
    @Test func manyExpansionsStopAtTheTotalLimit() throws {
        var text = "Define X " + String(repeating: "a", count: 1000) + "\n"
        for _ in 0..<200 { text += "ServerName ${X}${X}${X}${X}\n" }
        let tree = InMemoryFileSystem(texts: ["/a/httpd.conf": text])
        let error = try #require(throws: ConfigParseError.self) {
            try ApacheConfig.load(
                "/a/httpd.conf",
                fileSystem: tree,
                limits: .init(maximumTotalBytes: 100_000)
            )
        }
        #expect(error.code == .expansionTooLarge)
        #expect(error.location?.line ?? 0 > 1)
    }

    @Test func ordinaryDefinesStillExpand() throws {
        let tree = InMemoryFileSystem(texts: [
            "/a/httpd.conf": "Define P 8000\nDefine U http://127.0.0.1:${P}/\nProxyPass / ${U}${U}\n"
        ])
        let config = try ApacheConfig.load("/a/httpd.conf", fileSystem: tree)
        #expect(config.directives.last?.values == ["/", "http://127.0.0.1:8000/http://127.0.0.1:8000/"])
    }

    @Test func aSiteFileUsesTheApacheDirectoryAsServerRoot() throws {
        let tree = InMemoryFileSystem(texts: [
            "/etc/apache2/apache2.conf": "",
            "/etc/apache2/sites-enabled/app.conf":
                "<VirtualHost *:80>\nInclude conf-available/x.conf\n</VirtualHost>\n",
            "/etc/apache2/conf-available/x.conf": "ProxyPreserveHost On\n",
        ])
        let config = try ApacheConfig.load("/etc/apache2/sites-enabled/app.conf", fileSystem: tree)
        #expect(config.serverRoot == "/etc/apache2")
        #expect(config.directives.first?.children?.first?.key == "proxypreservehost")
    }

    @Test func aLargeConfigurationParses() async throws {
        let (hosts, count, findings) = try await onOwnThread {
            var text = ""
            var hosts = 0
            while text.utf8.count < 10_000_000 {
                text += """
                    <VirtualHost 127.0.0.1:\(10_000 + hosts % 50_000)>
                        ServerName "site\(hosts).example.test"
                        ProxyPreserveHost On
                        ProxyPass "/" "http://127.0.0.1:8000/" \\
                            retry=0
                    </VirtualHost>

                    """
                hosts += 1
            }
            let tree = InMemoryFileSystem(texts: ["/a/httpd.conf": text])
            let config = try ApacheConfig.load("/a/httpd.conf", fileSystem: tree)
            let findings = ApacheChecker(app: AppExpectation(host: "127.0.0.1", port: 8000)).check(config)
            return (hosts, config.directives.count, findings.map(\.rule.description))
        }
        #expect(count == hosts)
        #expect(Set(findings) == ["GR052", "GR063"])
        #expect(findings.count == 2 * hosts)
    }
}
