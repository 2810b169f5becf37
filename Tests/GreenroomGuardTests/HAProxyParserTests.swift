import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// HAProxy's reader: sections, words, quoting and escaping, comments, and located errors.
@Suite struct HAProxyParserTests {
    static func parse(_ text: String) throws(ConfigParseError) -> [HAProxySection] {
        try HAProxyParser.parse(Array(text.utf8), file: "h.cfg")
    }

    @Test func sectionsCollectTheirLinesAndNames() throws {
        let sections = try Self.parse(
            "global\n  daemon\n\ndefaults base\n  mode http\nfrontend web from base\n  bind :80  # public\nbackend app\n  server a 127.0.0.1:8000\n"
        )
        #expect(sections.map(\.kind) == ["global", "defaults", "frontend", "backend"])
        #expect(sections.map(\.name) == [nil, "base", "web", "app"])
        #expect(sections[2].defaultsName == "base")
        #expect(sections[2].lines.map(\.words) == [["bind", ":80"]])
        #expect(sections[3].lines[0].location.description == "h.cfg:9:3")
        #expect(sections[3].lines[0].location(ofWord: 2).column == 12)
    }

    @Test(arguments: [
        (#"http-request set-header X-A "a b""#, ["http-request", "set-header", "X-A", "a b"]),
        (#"http-request set-header X-A 'a "b" \n'"#, ["http-request", "set-header", "X-A", #"a "b" \n"#]),
        (##"acl a path_beg /a\ b /c\#d"##, ["acl", "a", "path_beg", "/a b", "/c#d"]),
        (#"x "in \"quotes\" \\ here""#, ["x", #"in "quotes" \ here"#]),
        (#"x pre"mid dle"post #comment"#, ["x", "premid dlepost"]),
        ("x a#b", ["x", "a"]),
        ("x \"#not a comment\"", ["x", "#not a comment"]),
        ("x\t\ttabs\r", ["x", "tabs"]),
    ])
    func wordsAreSplitAsHAProxyDoes(line: String, words: [String]) throws {
        let sections = try Self.parse("backend b\n" + line + "\n")
        #expect(sections.first?.lines.first?.words == words)
    }

    @Test(arguments: [
        ("backend b\n  x \"open\n", "h.cfg:2:5", "not closed"),
        ("backend b\n  x \u{1}\n", "h.cfg:2:5", "binary data"),
        ("  bind :80\nbackend b\n", "h.cfg:1:3", "outside of any section"),
        ("backend b\n" + String(repeating: "a", count: 70_000) + "\n", "h.cfg:2:1", "more than"),
    ])
    func badInputIsLocated(text: String, location: String, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("parsed: \(text.prefix(40))")
        } catch {
            #expect(error.location?.description == location, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func conditionalBlocksAreKeptAndTopLevelOnesSkipped() throws {
        let sections = try Self.parse(
            ".if defined(X)\n.endif\nbackend b\n.if streq(a,a)\n  server s 127.0.0.1:1\n.endif\n"
        )
        #expect(sections.count == 1)
        #expect(sections[0].lines.map(\.keyword) == [".if", "server", ".endif"])
    }

    @Test func aDirectoryIsItsCfgFilesInNameOrder() throws {
        let fs = InMemoryFileSystem(texts: [
            "/etc/haproxy/conf.d/20-backend.cfg": "backend app\n  server a 127.0.0.1:8000\n",
            "/etc/haproxy/conf.d/10-frontend.cfg": "frontend web\n  default_backend app\n",
            "/etc/haproxy/conf.d/notes.txt": "not a config\n",
        ])
        let config = try HAProxyConfig.load("/etc/haproxy/conf.d", fileSystem: fs)
        #expect(config.files == ["/etc/haproxy/conf.d/10-frontend.cfg", "/etc/haproxy/conf.d/20-backend.cfg"])
        #expect(config.sections.map(\.kind) == ["frontend", "backend"])
    }

    @Test(arguments: [
        ("127.0.0.1:8000", "127.0.0.1:8000"),
        ("::1:8000", "[::1]:8000"),
        ("[::1]:8000", "[::1]:8000"),
        ("ipv4@localhost:8000", "localhost:8000"),
        ("unix@/run/app.sock", "unix:/run/app.sock"),
        ("/run/app.sock", "unix:/run/app.sock"),
        ("0.0.0.0:8000", "wildcard"),
        ("*:8000", "wildcard"),
        ("0:8000", "wildcard"),
        ("127.0.0.1", "unjudged"),
        ("127.0.0.1:+1", "unjudged"),
        ("abns@app", "unjudged"),
    ])
    func serverAddressesAreReadAsHAProxyDoes(text: String, expected: String) {
        let shown =
            switch HAProxyAnalysis.serverAddress(text) {
            case .endpoint(let address): address.description
            case .wildcard: "wildcard"
            case .unjudged: "unjudged"
            }
        #expect(shown == expected, "\(text)")
    }
}
