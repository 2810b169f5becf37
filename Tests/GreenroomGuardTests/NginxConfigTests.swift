import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Include resolution, loops and limits, on an in-memory file system.
@Suite struct NginxConfigTests {
    static let tree = InMemoryFileSystem(texts: [
        "/etc/nginx/nginx.conf": """
        events {}
        http {
            include conf.d/*.conf;
            include sites-enabled/*;
            include conf.d/none-*.conf;
        }
        """,
        "/etc/nginx/conf.d/b.conf": "upstream b { server 127.0.0.1:2; }\n",
        "/etc/nginx/conf.d/a.conf": "upstream a { server 127.0.0.1:1; }\n",
        "/etc/nginx/conf.d/B.conf": "upstream B { server 127.0.0.1:3; }\n",
        "/etc/nginx/conf.d/.hidden.conf": "this would not parse {\n",
        "/etc/nginx/sites-enabled/app": "server { location / { include snippets/proxy.conf; } }\n",
        "/etc/nginx/snippets/proxy.conf": "proxy_pass http://127.0.0.1:8000;\n",
    ])

    @Test func includesResolveAgainstTheConfPrefixInSortedGlobOrder() throws {
        let config = try NginxConfig.load("/etc/nginx/nginx.conf", fileSystem: Self.tree)
        #expect(config.confPrefix == "/etc/nginx")
        #expect(
            config.files == [
                "/etc/nginx/nginx.conf", "/etc/nginx/conf.d/B.conf", "/etc/nginx/conf.d/a.conf",
                "/etc/nginx/conf.d/b.conf", "/etc/nginx/sites-enabled/app", "/etc/nginx/snippets/proxy.conf",
            ]
        )
        let http = try #require(config.directives.first { $0.name == "http" }?.block)
        #expect(http.map(\.name) == ["upstream", "upstream", "upstream", "server"])
        #expect(http.map(\.firstValue).prefix(3) == ["B", "a", "b"])
        let proxyPass = try #require(http[3].block?.first?.block?.first)
        #expect(proxyPass.name == "proxy_pass")
        #expect(proxyPass.location == SourceLocation(file: "/etc/nginx/snippets/proxy.conf", line: 1, column: 1))
        #expect(
            config.includes.map(\.pattern) == [
                "conf.d/*.conf", "sites-enabled/*", "snippets/proxy.conf", "conf.d/none-*.conf",
            ]
        )
        #expect(config.includes.last?.files == [])
    }

    @Test func aSiteFileResolvesIncludesAgainstTheNginxDirectory() throws {
        let config = try NginxConfig.load("/etc/nginx/sites-enabled/app", fileSystem: Self.tree)
        #expect(config.confPrefix == "/etc/nginx")
        #expect(config.files.last == "/etc/nginx/snippets/proxy.conf")
    }

    @Test func aMissingIncludeIsLocatedAtTheIncludeDirective() throws {
        var tree = Self.tree
        tree.write(Array("server {\n    include snippets/gone.conf;\n}\n".utf8), to: "/etc/nginx/sites-enabled/app")
        let error = try #require(throws: ConfigParseError.self) {
            try NginxConfig.load("/etc/nginx/nginx.conf", fileSystem: tree)
        }
        #expect(error.code == .fileNotFound)
        #expect(error.location == SourceLocation(file: "/etc/nginx/sites-enabled/app", line: 2, column: 5))
        #expect(error.message == "include: '/etc/nginx/snippets/gone.conf' does not exist")
    }

    @Test func includeLoopsAreNamedWithTheirChain() throws {
        let tree = InMemoryFileSystem(texts: [
            "/c/nginx.conf": "http { include a.conf; }\n",
            "/c/a.conf": "# a\ninclude b.conf;\n",
            "/c/b.conf": "add_header X 1;\ninclude a.conf;\n",
        ])
        let error = try #require(throws: ConfigParseError.self) {
            try NginxConfig.load("/c/nginx.conf", fileSystem: tree)
        }
        #expect(error.code == .includeLoop)
        #expect(error.location == SourceLocation(file: "/c/b.conf", line: 2, column: 1))
        #expect(error.message.contains("/c/a.conf:2:1 -> /c/b.conf:2:1"), "\(error)")
        let own = InMemoryFileSystem(texts: ["/c/nginx.conf": "include nginx.conf;\n"])
        #expect(throws: ConfigParseError(.includeLoop, "")) { try NginxConfig.load("/c/nginx.conf", fileSystem: own) }
    }

    @Test func theSameFileMayBeIncludedTwiceWithoutALoop() throws {
        let tree = InMemoryFileSystem(texts: [
            "/c/nginx.conf": "http { server { include s.conf; } server { include s.conf; } }\n",
            "/c/s.conf": "proxy_set_header Host $host;\n",
        ])
        let config = try NginxConfig.load("/c/nginx.conf", fileSystem: tree)
        #expect(config.files == ["/c/nginx.conf", "/c/s.conf"])
        let servers = try #require(config.directives.first?.block)
        #expect(servers.map { $0.block?.count } == [1, 1])
    }

    @Test func includeExpansionIsBounded() async throws {
        // Each level includes the next ten times: 10^6 inclusions if nothing stopped it.
        var texts = ["/c/nginx.conf": String(repeating: "include l1.conf;\n", count: 10)]
        for level in 1...5 {
            texts["/c/l\(level).conf"] = String(repeating: "include l\(level + 1).conf;\n", count: 10)
        }
        texts["/c/l6.conf"] = "add_header X 1;\n"
        let tree = texts
        let code = try await onOwnThread { () -> ConfigParseError.Code? in
            do {
                _ = try NginxConfig.load("/c/nginx.conf", fileSystem: InMemoryFileSystem(texts: tree))
                return nil
            } catch let error as ConfigParseError {
                return error.code
            }
        }
        #expect(code == .includeLimitExceeded)
    }

    @Test func includeNeedsExactlyOneArgument() throws {
        let tree = InMemoryFileSystem(texts: ["/c/nginx.conf": "include a.conf b.conf;\n"])
        let error = try #require(throws: ConfigParseError.self) {
            try NginxConfig.load("/c/nginx.conf", fileSystem: tree)
        }
        #expect(error.code == .invalidInclude && error.location?.line == 1)
    }

    @Test func oversizedFilesAreRefused() throws {
        let tree = InMemoryFileSystem(texts: ["/c/nginx.conf": String(repeating: "# padding\n", count: 100)])
        let error = try #require(throws: ConfigParseError.self) {
            try NginxConfig.load("/c/nginx.conf", fileSystem: tree, limits: .init(maximumFileSize: 512))
        }
        #expect(error.code == .fileTooLarge)
    }

    @Test func forEachDirectiveVisitsEveryDirectiveWithItsParents() throws {
        let tree = InMemoryFileSystem(texts: ["/c/nginx.conf": "a { b { c; } d; } e;\n"])
        let config = try NginxConfig.load("/c/nginx.conf", fileSystem: tree)
        var seen: [String] = []
        config.forEachDirective { directive, parents in
            seen.append((parents.map(\.name) + [directive.name]).joined(separator: "/"))
        }
        #expect(seen == ["a", "a/b", "a/b/c", "a/d", "e"])
    }
}
